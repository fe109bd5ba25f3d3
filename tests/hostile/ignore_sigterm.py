# Ignore every polite signal, here and in a child that sleeps forever.
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
    signal.signal(sig, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c",
                  "import signal, time\n"
                  "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP): signal.signal(s, signal.SIG_IGN)\n"
                  f"while True: time.sleep(1)  # {MARKER}"])
subprocess.Popen(["/bin/sleep", SLEEP])
