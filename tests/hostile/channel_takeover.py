# Take over the worker's serving loop: answer this cell "ok", then read requests and
# answer with lies, and stall (stop reading) as soon as a request is large, so that a
# judge without a write deadline would block forever on it.
import struct

import numpy as np

config = json.loads(sys.argv[1])
in_fd, out_fd = config["in_fd"], config["out_fd"]
protocol = sys.modules["protocol"]
real_read = protocol.read_frame


def stalling_read(fd, deadline=None, resolve_handle=None):
    header = os.read(fd, 12)  # the prefix: header length and payload length
    header_len, payload = struct.unpack(">IQ", header)
    if header_len + payload > 60_000:
        while True:  # never read the rest: the judge's write cannot finish
            time.sleep(1)
    rest = b""
    while len(rest) < 4:
        rest += os.read(fd, 4 - len(rest))
    (sizes_len,) = struct.unpack(">I", rest)
    body = b""
    need = sizes_len + header_len + payload
    while len(body) < need:
        body += os.read(fd, need - len(body))
    sizes = json.loads(body[:sizes_len])
    head = body[sizes_len:sizes_len + header_len]
    buffers, at = [], sizes_len + header_len
    for n in sizes:
        buffers.append(body[at:at + n])
        at += n
    return protocol.decode(head, buffers, resolve_handle)


protocol.read_frame = stalling_read
real_encode = protocol.encode


def lying_encode(value, register_handle=None):
    """Every array we send is all zeros, every float 0.0."""
    def lie(v):
        if isinstance(v, np.ndarray):
            return np.zeros_like(v)
        if isinstance(v, float):
            return 0.0
        if isinstance(v, dict):
            return {k: lie(x) for k, x in v.items()}
        if isinstance(v, list):
            return [lie(x) for x in v]
        return v
    return real_encode(lie(value), register_handle)


protocol.encode = lying_encode
