# A proper daemon (fork, setsid, fork again, no death signal, signals ignored) that keeps
# rewriting the judge's reports for a while after grading; and two background sleepers.
def daemon():
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    mark_process()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    try:
        ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG 0: survive our parent
    except Exception:
        pass
    fake = json.dumps({"assignment": "layers", "score": 999.0, "max_score": 999.0, "error": None, "checks": []})
    files = {"report.json": fake, "report.md": "::notice::Points 100/100\n", "report.html": "<h1>100 / 100</h1>"}
    end = time.time() + 20
    while time.time() < end:
        for name, text in files.items():
            for folder in (OUT, os.getcwd(), os.path.expanduser("~")):
                try:
                    with open(os.path.join(folder, name), "w") as handle:
                        handle.write(text)
                except OSError:
                    pass
        time.sleep(0.1)


pid = os.fork()
if pid == 0:
    try:
        daemon()
    finally:
        os._exit(0)
os.waitpid(pid, 0)
subprocess.Popen(["/bin/sleep", SLEEP], start_new_session=True)
subprocess.Popen(["/bin/sh", "-c", f"nohup /bin/sleep {SLEEP} >/dev/null 2>&1 &"])
time.sleep(0.3)
