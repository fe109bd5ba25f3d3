"""What a batch found and did: an EntryResult per submission, a BatchResult for the whole."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..report import NAME as REPORT_NAME
from .discovery import Entry
from .shard import Shard

GRADED, CACHED, FAILED, REFUSED = "graded", "cached", "failed", "refused"


@dataclass
class EntryResult:
    """What happened to one submission in a batch."""
    entry: Entry
    status: str                     # GRADED | CACHED | FAILED | REFUSED
    report_dir: Path
    score: float = 0.0
    max_score: float = 0.0
    error: str | None = None        # the report's error sentence (the judge's or the fallback's)
    seconds: float = 0.0            # wall time of the judge process (0 when cached)
    log_path: Path | None = None    # the judge's captured output, kept when it failed
    has_report: bool = True         # False only when even the fallback report could not be written

    @property
    def report_path(self) -> Path:
        return self.report_dir / REPORT_NAME

    @property
    def student(self) -> str:
        return self.entry.student

    @property
    def assignment(self) -> str:
        return self.entry.assignment


@dataclass
class BatchResult:
    root: Path
    out: Path
    results: list[EntryResult]
    grader_version: str
    elapsed: float
    ignored: list[tuple[Path, str]] = field(default_factory=list)
    tamper: dict[str, list[str]] = field(default_factory=dict)  # Classroom clone's folder -> differences
    refused_entries: list[tuple[Path, str]] = field(default_factory=list)  # student folders not read
    shard: Shard | None = None      # the part of the class this batch graded (--shard i/N)
    # assignment -> (its written questions' answer sheet, answers in it without points)
    answer_sheets: dict[str, tuple[Path, int]] = field(default_factory=dict)

    def with_status(self, status) -> list[EntryResult]:
        return [r for r in self.results if r.status == status]

    @property
    def refused(self) -> list[tuple[Path, str]]:
        """Every entry not read, with the reason: submissions (each has a report) and student folders."""
        return [(r.entry.path, r.error) for r in self.with_status(REFUSED)] + self.refused_entries

    @property
    def exit_code(self) -> int:
        """0 when every submission was graded, whatever the scores; 1 when one has no report;
        3 when all have reports but some entries were refused (links, pipes, ...)."""
        if not all(r.has_report for r in self.results):
            return 1
        return 3 if self.refused else 0
