# The judge's keyrings: find and read a key the judge holds in its session keyring (by
# search, and by the serial numbers, which the attacker is assumed to know), then leave a
# key in every keyring within reach for the next submission graded in that session to find.
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
if keyctl(READ, JUDGE_KEY, buf, 4096) >= 0:
    leak(f"read the judge's key by its serial: {buf.raw[:40]!r}")
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
report_leaks()
