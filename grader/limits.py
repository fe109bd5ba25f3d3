"""Resource limits for a submission's worker; every value is recorded in report.json.

Each is a command-line flag (`--memory-mb 1024`, ...) of `python -m grader grade` and `batch`
and of the platforms' entry points, which choose their own defaults for their platform's
limits; see docs/security.md for what enforces which.
"""
import math
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Limits:
    call_timeout_s: float = 10.0        # one method call of a check
    train_timeout_s: float = 120.0      # one training run (Trainer.fit on spiral)
    cell_timeout_s: float = 60.0        # one notebook cell
    submission_timeout_s: float = 600.0  # everything for one submission
    cpu_time_s: int = 600               # RLIMIT_CPU of one worker process
    memory_mb: int = 2048               # RLIMIT_AS of each worker process, and the memory cgroup of all of them
    max_processes: int = 64             # processes the worker may start (pids cgroup / RLIMIT_NPROC)
    output_bytes: int = 1 << 20         # captured stdout+stderr kept; the rest is dropped
    file_size_mb: int = 64              # RLIMIT_FSIZE: largest file the worker may write
    scratch_mb: int = 256               # bubblewrap: size of the worker's /tmp and scratch tmpfs (each)

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value <= 0:
                raise ValueError(f"{f.name} must be a positive number, got {value!r}")

    def to_dict(self):
        return asdict(self)

    @classmethod
    def names(cls):
        return [f.name for f in fields(cls)]

    @staticmethod
    def add_arguments(parser, **defaults):
        """A `--<limit>` flag per limit on the argparse `parser`, defaulting to `defaults` where
        it names the limit (a platform's), else to the Limits default."""
        group = parser.add_argument_group("limits (recorded in report.json)")
        for name in Limits.names():
            default = defaults.get(name, getattr(Limits, name))
            group.add_argument("--" + name.replace("_", "-"), type=type(getattr(Limits, name)), default=default,
                               metavar=type(default).__name__.upper(), help=f"default {default}")

    @classmethod
    def parse(cls, parser, argv=None):
        """(the options `parser` reads from `argv`, their Limits): a limit that is not valid is a
        usage error, as a bad flag is."""
        args = parser.parse_args(argv)
        try:
            return args, cls.from_arguments(args)
        except ValueError as exc:
            parser.error(f"bad limit: {exc}")

    @classmethod
    def from_arguments(cls, args):
        """The Limits the flags of `add_arguments` were given; ValueError when one is not valid."""
        return cls(**{name: getattr(args, name) for name in cls.names()})
