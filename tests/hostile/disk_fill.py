# Fill the disk: one file over the size limit, then as many as fit.
written, errors = 0, set()
try:
    with open("big.bin", "wb") as handle:
        handle.write(b"\0" * ((@FILE_SIZE_MB@ + 8) << 20))
    leak("wrote a file over the file size limit")
except OSError as exc:
    errors.add(type(exc).__name__)
for folder in (os.getcwd(), os.environ.get("TMPDIR", "/tmp")):
    for i in range(40):
        if written > 2 * (@SCRATCH_MB@ << 20) + (32 << 20):
            break
        try:
            with open(os.path.join(folder, f"fill{i}.bin"), "wb") as handle:
                handle.write(b"\1" * ((@FILE_SIZE_MB@ - 1) << 20))
            written += (@FILE_SIZE_MB@ - 1) << 20
        except OSError as exc:
            errors.add(type(exc).__name__)
            break
if "@ISOLATION@" == "bubblewrap" and written > 2 * (@SCRATCH_MB@ << 20):
    leak(f"wrote {written >> 20} MiB, over the scratch size")
report_leaks()
