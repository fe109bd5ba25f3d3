"""Finding the submissions of a class: `<student>/<assignment>.ipynb` (or `.py`), or a GitHub
Classroom clone per student with `.../<assignment>.ipynb` anywhere below it (the shallowest is
graded).

Student folders and everything in them are data, never paths to follow: they are listed with
`lstat`, never through a link, at most MAX_DEPTH folders deep and MAX_ENTRIES entries a
student. A link, pipe or folder where a submission belongs is an Entry too, `refused` with the
reason (its judge writes the report that says so); a student folder that is itself a link is
refused. Names are kept as they are where they are plain; otherwise the report folder is a
safe form of the name (text.folder_name) and the name is shown escaped.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from backprop_lab_check.i18n import _

from .. import files
from ..assignments import known_assignments
from ..text import folder_name, shown_name
from .store import GRADEBOOK_CSV, GRADEBOOK_JSON, QUESTIONS_FOLDER

SUBMISSION_SUFFIXES = (".ipynb", ".py")
SKIPPED_DIRS = frozenset({".ipynb_checkpoints", "__pycache__", "node_modules"})
RESERVED_NAMES = (GRADEBOOK_CSV, GRADEBOOK_JSON, QUESTIONS_FOLDER)  # no student's reports folder may take these names
MAX_DEPTH = 8          # folders below a student's folder that are searched for notebooks
MAX_ENTRIES = 20_000   # files and folders looked at in one student's folder


@dataclass(frozen=True, order=True)
class Entry:
    """A submission found under the submissions folder: whose, for which assignment, where."""
    student: str                    # the student's folder name as people read it (escaped)
    assignment: str
    path: Path
    folder: str = ""                # the student's folder under --out (text.folder_name)
    home: Path | None = None        # the student's folder under the submissions folder
    refused: str | None = None      # why the file is not read (a link, a pipe, ...), or None

    def __post_init__(self):
        if not self.folder:
            object.__setattr__(self, "folder", folder_name(self.student, RESERVED_NAMES))


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_DIRS


def _entries(folder: Path) -> list[os.DirEntry]:
    """The folder's entries by name; none when it cannot be listed."""
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda e: e.name)
    except OSError:
        return []


def walk(top: Path) -> Iterator[tuple[int, os.DirEntry]]:
    """(depth, entry) below `top`, not following links, at most MAX_DEPTH folders deep and
    MAX_ENTRIES entries in all: a cloned repository is the student's, of any shape."""
    todo, seen = [(1, top)], 0
    while todo:
        depth, folder = todo.pop(0)
        for entry in _entries(folder):
            seen += 1
            if seen > MAX_ENTRIES:
                return
            if _hidden(entry.name):
                continue
            yield depth, entry
            if depth < MAX_DEPTH and files.kind(entry.path) == "dir":
                todo.append((depth + 1, Path(entry.path)))


def _student(entry: os.DirEntry, known: frozenset[str], ignored: list) -> list[Entry]:
    """The submissions in one student's folder: `<assignment>.ipynb|.py` in it, else a
    Classroom clone's `.../<assignment>.ipynb` (the shallowest). A link, pipe or folder in a
    submission's place is a submission too, refused with the reason, unless a readable file
    for the same assignment is found."""
    home, student = Path(entry.path), shown_name(entry.name)
    folder = folder_name(entry.name, RESERVED_NAMES)
    candidates: dict[str, list[tuple[tuple, Path, str | None]]] = {}
    for depth, item in walk(home):
        path = Path(item.path)
        if path.suffix not in SUBMISSION_SUFFIXES or _hidden(item.name):
            continue
        if depth == 1 and known and path.stem not in known:
            ignored.append((path, _("its name is not a known assignment id")))
            continue
        if depth > 1 and (not known or path.stem not in known or path.suffix != ".ipynb"):
            continue  # the Classroom layout needs the ids, and holds notebooks
        what = files.kind(path)
        refused = None if what == "file" else files.refusal(shown_name(item.name), what)
        rank = (refused is not None, depth, SUBMISSION_SUFFIXES.index(path.suffix), path.relative_to(home).as_posix())
        candidates.setdefault(path.stem, []).append((rank, path, refused))
    submissions = []
    for assignment, found in sorted(candidates.items()):
        found.sort(key=lambda item: item[0])
        chosen, refused = found[0][1:]
        submissions.append(Entry(student, assignment, chosen, folder, home, refused))
        for other in (item[1] for item in found[1:]):
            ignored.append((other, _("{chosen} is graded for this assignment instead").format(
                chosen=shown_name(chosen.relative_to(home.parent).as_posix()))))
    return submissions


def scan(root: Path, known: frozenset[str]) -> tuple[list[Entry], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(submissions, ignored files, refused entries) under `root`."""
    submissions: list[Entry] = []
    ignored: list[tuple[Path, str]] = []
    refused: list[tuple[Path, str]] = []
    for entry in _entries(root):
        if _hidden(entry.name):
            continue
        what = files.kind(entry.path)
        if what == "dir":
            submissions += _student(entry, known, ignored)
        elif what == "file" and Path(entry.name).suffix in SUBMISSION_SUFFIXES:
            ignored.append((Path(entry.path), _("not inside a student folder")))
        elif what in ("link", "other"):
            refused.append((Path(entry.path), _("a student folder must be a folder; {refusal}").format(
                refusal=files.refusal(shown_name(entry.name), what))))
    submissions.sort(key=lambda s: (s.folder, s.assignment))
    return submissions, ignored, refused


def find_submissions(root: Path, known_ids: Iterable[str] | None = None) -> list[Entry]:
    """Every submission under `root`, sorted by (student, assignment).

    `known_ids` default: the assignments the grader knows. When there are known ids, files
    named otherwise are ignored; when there are none, every `<student>/<stem>.ipynb|.py` counts
    (and the Classroom layout, which needs the ids, finds nothing).
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {root}")
    known = frozenset(known_assignments() if known_ids is None else known_ids)
    return scan(root, known)[0]
