# A reply nested deeper than any JSON parser's recursion limit, for the first request
# after this cell (it reads as this cell's result).
import struct

config = json.loads(sys.argv[1])
header = b"[" * 200_000 + b"]" * 200_000
os.write(config["out_fd"], struct.pack(">IQ", len(header), 0) + struct.pack(">I", 2) + b"[]" + header)
