"""`python -m grader gradebook PART... --out DIR [--questions SHEET...]`: one gradebook from the
gradebooks of several batches, the shards of one class (`--shard i/N`) or separately graded
sections (or of one batch), with the written questions' points that teaching assistants gave in
the answer sheets the batches wrote (questions.py).

Nothing is graded again: the parts' gradebook.json files are read, checked to belong together
(one grader version, no student twice, every shard of a sharded class present), and their rows
written as one gradebook.csv and gradebook.json whose report paths lead to the parts' reports."""
from __future__ import annotations

import json
import os
from pathlib import Path

from backprop_lab_check.i18n import _, ngettext

from ..text import shown_name
from .gradebook import write_book
from .questions import QuestionsError, read_answer_sheets
from .store import GRADEBOOK_JSON

SUMMED = ("graded", "cached", "failed", "refused")


class MergeError(Exception):
    """The parts cannot be merged; the message is a sentence for the user (a line each, when
    the answer sheets have several problems)."""


def merge_gradebooks(parts: list[Path], out: Path, answer_sheets: list[Path] = ()) -> dict:
    """Read each part's gradebook.json, merge them, add the written points of `answer_sheets`
    (under "written", see questions.read_answer_sheets), write `out/gradebook.{csv,json}`; the
    merged gradebook. MergeError when a part is missing, unreadable or does not belong with the
    others, or when a sheet does not fit the gradebook."""
    parts, out = [Path(p) for p in parts], Path(out)
    if not parts:
        raise MergeError(_("name the folders to merge (each the --out of a batch)"))
    if any(p.resolve() == out.resolve() for p in parts):
        raise MergeError(_("--out {out} is one of the parts: its own gradebook would be overwritten").format(out=out))
    books = [_read(part) for part in parts]
    _check_versions(parts, books)
    _check_shards(parts, books)
    merged = _merge(parts, books, out)
    if answer_sheets:
        try:
            merged["written"] = read_answer_sheets(list(answer_sheets), merged["students"])
        except QuestionsError as exc:
            raise MergeError(str(exc)) from None
    write_book(out, merged)
    return merged


def _read(part: Path) -> dict:
    path = part / GRADEBOOK_JSON
    try:
        book = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(_("{folder} has no {book}: it is not a batch's --out folder, or its batch has not "
                           "finished").format(folder=shown_name(str(part)), book=GRADEBOOK_JSON)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MergeError(_("cannot read {path}: {error}").format(path=shown_name(str(path)), error=exc)) from None
    if not isinstance(book, dict) or not isinstance(book.get("students"), dict):
        raise MergeError(_("{path} is not a gradebook written by python -m grader batch").format(
            path=shown_name(str(path))))
    return book


def _check_versions(parts, books):
    versions = {book.get("grader_version") for book in books}
    if len(versions) > 1:
        listed = "; ".join(f"{shown_name(str(p))}: {b.get('grader_version')}" for p, b in zip(parts, books))
        raise MergeError(_("the parts were graded by different grader versions ({versions}); grade them again "
                           "with one version so that every student is judged by the same checks").format(
                               versions=listed))


def _check_shards(parts, books):
    shards = [book.get("shard") for book in books]
    if not any(shards):
        return
    if not all(shards):
        raise MergeError(_("some parts are shards of a class (--shard) and some are not; merge the shards of one "
                           "class"))
    counts = {s["count"] for s in shards}
    if len(counts) > 1:
        raise MergeError(_("the shards split the class differently (counts {counts}); use one --shard .../N").format(
            counts=sorted(counts)))
    count = counts.pop()
    seen = {}
    for part, shard in zip(parts, shards):
        if shard["index"] in seen:
            raise MergeError(_("shard {shard} is given twice: {first} and {second}").format(
                shard=f"{shard['index']}/{count}", first=shown_name(str(seen[shard["index"]])),
                second=shown_name(str(part))))
        seen[shard["index"]] = part
    missing = sorted(set(range(count)) - set(seen))
    if missing:
        raise MergeError(ngettext("shard(s) {shards} missing: the gradebook would leave their students out; give "
                                  "every shard's folder",
                                  "shard(s) {shards} missing: the gradebook would leave their students out; give "
                                  "every shard's folder", len(missing)).format(
                                      shards=", ".join(f"{i}/{count}" for i in missing)))


def _merge(parts, books, out) -> dict:
    merged = {"grader_version": books[0].get("grader_version"), "assignments": [], "max_scores": {},
              "students": {}, "names": {}, "summary": {key: 0 for key in SUMMED} | {"elapsed_s": 0.0},
              "failed": [], "refused": [], "ignored": [], "parts": []}
    owner = {}
    for part, book in zip(parts, books):
        for folder, row in book["students"].items():
            if folder in owner:
                raise MergeError(_("student {student} is in two parts: {first} and {second}").format(
                    student=shown_name(book.get("names", {}).get(folder, folder)), first=shown_name(str(owner[folder])),
                    second=shown_name(str(part))))
            owner[folder] = part
            merged["students"][folder] = {a: cell | {"report": _moved(cell.get("report"), part, out)}
                                          for a, cell in row.items()}
        merged["names"].update(book.get("names", {}))
        for assignment, best in book.get("max_scores", {}).items():
            merged["max_scores"][assignment] = max(best, merged["max_scores"].get(assignment, 0.0))
        summary = book.get("summary", {})
        for key in SUMMED:
            merged["summary"][key] += summary.get(key, 0)
        # the parts ran side by side: the class took as long as its slowest part
        merged["summary"]["elapsed_s"] = max(merged["summary"]["elapsed_s"], summary.get("elapsed_s", 0.0))
        merged["failed"] += [f | {"log": _moved(f.get("log"), part, out)} for f in book.get("failed", [])]
        merged["refused"] += book.get("refused", [])
        merged["ignored"] += book.get("ignored", [])
        if book.get("tamper"):
            merged.setdefault("tamper", {}).update(book["tamper"])
        merged["parts"].append({"folder": shown_name(_relative(part, out))} |
                               ({"shard": book["shard"]} if book.get("shard") else {}))
    merged["assignments"] = sorted(merged["max_scores"])
    merged["max_scores"] = dict(sorted(merged["max_scores"].items()))
    merged["students"] = dict(sorted(merged["students"].items()))
    return merged


def _moved(path: str | None, part: Path, out: Path) -> str | None:
    """A part's report path (relative to the part) as seen from the merged gradebook's folder."""
    if not path or os.path.isabs(path):
        return path
    return _relative(part / path, out)


def _relative(path: Path, out: Path) -> str:
    return Path(os.path.relpath(path.resolve(), out.resolve())).as_posix()
