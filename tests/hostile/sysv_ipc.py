# SysV shared memory, message queues and semaphores, and a POSIX message queue: the kernel
# keeps them after every process that made them is gone, so anything created here would
# outlive grading (the test compares /proc/sysvipc before and after). First, reach for a
# message queue the host holds, by its key and by its id (before this cell makes any, which
# could take the same id in a namespace of its own).
IPC_CREAT, IPC_STAT, O_CREAT, O_RDWR = 0o1000, 2, 0o100, 0o2
libc = ctypes.CDLL(None, use_errno=True)
if libc.msgget(@HOST_IPC_KEY@, 0) >= 0:
    leak("found the host's message queue by its key")
if libc.msgctl(@HOST_MSQID@, IPC_STAT, ctypes.create_string_buffer(512)) == 0:
    leak("read the host's message queue by its id")
created = [libc.shmget(@IPC_KEY@, 4096, IPC_CREAT | 0o600), libc.msgget(@IPC_KEY@, IPC_CREAT | 0o600),
           libc.semget(@IPC_KEY@, 1, IPC_CREAT | 0o600)]
try:
    libc.mq_open(b"@MQ_NAME@", O_CREAT | O_RDWR, 0o600, None)
except AttributeError:  # a libc without mq_open (it lives in librt before glibc 2.34)
    pass
report_leaks()
