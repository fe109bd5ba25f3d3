# Hundreds of megabytes of output, through Python and straight to the file descriptors.
chunk = "x" * (1 << 20)
for _ in range(200):
    sys.stdout.write(chunk)
sys.stdout.flush()
for _ in range(100):
    os.write(2, chunk.encode())
