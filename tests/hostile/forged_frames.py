# Answer the judge ourselves, on the worker's own channel: a well-formed reply that is not
# a cell result, lies queued for the requests to come, then malformed frames.
import struct

config = json.loads(sys.argv[1])
out_fd = config["out_fd"]
protocol = sys.modules["protocol"]  # the worker's own wire format


def raw_frame(header):
    sizes = b"[]"
    return struct.pack(">IQ", len(header), 0) + struct.pack(">I", len(sizes)) + sizes + header


protocol.write_frame(out_fd, {"ok": True, "value": [1, 2, 3]})            # "this cell's result"
for _ in range(10):
    protocol.write_frame(out_fd, {"ok": True, "value": float("nan")})
    protocol.write_frame(out_fd, {"ok": True, "value": {"status": ["not", "a", "string"]}})
os.write(out_fd, raw_frame(b'{"__dict__": 5}'))
os.write(out_fd, raw_frame(b'{"__dict__": {"ok": {"__array__": 0, "dtype": "float64", "shape": [4294967296, 4294967296, 0]}}}'))
os.write(out_fd, struct.pack(">IQ", 10, 1 << 40) + b"\xff" * 64)
