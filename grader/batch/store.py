"""The reports folder of a batch: one batch at a time (a lock), a cache of finished reports
keyed by the submission's bytes, the grader's version and the judges' options, and the files a
judge leaves (its log) or a killed batch leaves (temporary files)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from backprop_lab_check.i18n import _

from .. import files
from ..loading import MAX_SUBMISSION_BYTES
from ..report import FILES, Report
from ..report import NAME as REPORT_NAME
from ..text import shown_name

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

CACHE_KEY_NAME = ".cache-key"
LOG_NAME = ".grade.log"
LOCK_NAME = ".batch.lock"
GRADEBOOK_CSV = "gradebook.csv"
GRADEBOOK_JSON = "gradebook.json"
QUESTIONS_FOLDER = "questions"  # the written questions' answer sheets, one CSV per assignment
# A batch killed with -9 can leave a child that was forked but has not yet reached exec,
# holding a copy of the lock's file for a moment: wait that long before calling it busy.
LOCK_WAIT_S = 5.0


class FolderBusy(Exception):
    """Another batch is writing to the reports folder."""


def cache_key(path: Path, assignment: str, version: str, judge_options: dict) -> str:
    """sha256 of the submission's bytes, the assignment id, the grader version and the options
    every judge grades with (limits, isolation); files.Refused for what is not a regular file
    of at most MAX_SUBMISSION_BYTES."""
    options = json.dumps(judge_options, sort_keys=True)
    digest = hashlib.sha256()
    digest.update(f"backprop-lab batch cache v2\0{assignment}\0{version}\0{options}\0".encode())
    digest.update(files.read_regular(path, MAX_SUBMISSION_BYTES, shown_name(Path(path).name)))
    return digest.hexdigest()


def cached(report_dir: Path, key: str) -> Report | None:
    """The finished report in `report_dir` when its cache key is `key` (a fallback report is
    never a cache hit: its submission is graded again)."""
    report = Report.read(report_dir / REPORT_NAME)
    if report is None or report.fallback or (_read_text(report_dir / CACHE_KEY_NAME) or "").strip() != key:
        return None
    return report


def remember(report_dir: Path, key: str) -> None:
    files.atomic_write(report_dir / CACHE_KEY_NAME, key + "\n")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def prepare_report_dir(report_dir: Path) -> None:
    """Invalidate the cache entry first, then remove what a previous grade left."""
    report_dir.mkdir(parents=True, exist_ok=True)
    for name in (CACHE_KEY_NAME, *FILES, LOG_NAME):
        with suppress(FileNotFoundError):
            (report_dir / name).unlink()
    for stale in report_dir.iterdir():
        if files.is_temporary(stale.name):
            with suppress(OSError):
                stale.unlink()


def remove_stale_temp_files(out: Path) -> None:
    """Temporary files of a batch that was killed mid-write."""
    for dirpath, dirnames, filenames in os.walk(out):
        for name in filenames:
            if files.is_temporary(name):
                with suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))


@contextmanager
def batch_lock(out: Path):
    """One batch at a time per output folder; the kernel drops the lock if we are killed."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = open(out / LOCK_NAME, "a+")
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise FolderBusy(_("another batch is already writing to {folder}").format(folder=out)) from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()
