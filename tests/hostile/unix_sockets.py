# Services on the host behind unix sockets in its filesystem (stand-ins for /run/docker.sock
# or systemd's sockets): a stream and a datagram server the test runs in a temporary folder,
# reached by connect, by sendto, and through a datagram socketpair re-aimed at them.
import socket

STREAM, DGRAM = "@UNIX_STREAM@", "@UNIX_DGRAM@"
MESSAGE = b"LEAK " + MARKER.encode()
try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(2)
        conn.connect(STREAM)
        conn.sendall(MESSAGE)
    leak("connected to a unix stream socket on the host")
except OSError:
    pass
try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as conn:
        conn.sendto(MESSAGE, DGRAM)
    leak("sent a datagram to a unix socket on the host")
except OSError:
    pass
for kind in (socket.SOCK_DGRAM, socket.SOCK_RAW):
    try:
        one, other = socket.socketpair(socket.AF_UNIX, kind)
    except OSError:
        continue
    with one, other:
        try:
            one.sendto(MESSAGE, DGRAM)
            leak(f"sent to a unix socket on the host through a socketpair ({kind!r})")
        except OSError:
            pass
        try:
            one.connect(DGRAM)
            one.send(MESSAGE)
            leak(f"re-connected a socketpair ({kind!r}) to a unix socket on the host")
        except OSError:
            pass
report_leaks()
