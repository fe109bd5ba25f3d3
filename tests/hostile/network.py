# Talk to the outside world: a TCP server the test listens on, over loopback, and
# (bubblewrap only, see docs/security.md) UDP.
import socket

try:
    with socket.create_connection(("127.0.0.1", @PORT@), timeout=2) as conn:
        conn.sendall(b"LEAK " + MARKER.encode())
    leak("connected to the host over TCP")
except OSError:
    pass
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(b"LEAK " + MARKER.encode(), ("127.0.0.1", @UDP_PORT@))
except OSError:
    pass
report_leaks()
