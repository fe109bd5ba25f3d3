"""Tamper evidence for GitHub Classroom repositories.

`make classroom` writes a manifest of the template's protected files (the autograding
workflow and script, the encrypted grader, the requirements and the visible-check runtime):
their paths and sha256 digests. A student's clone that differs there, by a changed, missing
or added file, is flagged in the gradebook: its points in Classroom came from a workflow the
instructor did not write. Notebooks and the README are the student's to change.
"""
import hashlib
import json
import os
from pathlib import Path

from .. import files
from ..text import shown_name

MANIFEST_VERSION = 1
PROTECTED = (".github", "backprop_lab_check", "requirements.txt")
IGNORED_PARTS = frozenset({"__pycache__", ".ipynb_checkpoints", ".DS_Store"})
MAX_FILE_BYTES = 16 << 20  # a protected file larger than this is reported, not hashed
MAX_FILES = 2000           # protected files looked at in one repository


def digest(path):
    """sha256 of the regular file with CRLF line ends read as LF (a Windows checkout is not
    tampering); for a link, pipe or oversized file, a description of it instead."""
    try:
        data = files.read_regular(path, MAX_FILE_BYTES)
    except files.Refused as exc:
        return f"unreadable: {exc}"
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def protected_files(root):
    """Relative POSIX paths of the protected files below `root` (links included, never followed)."""
    root = Path(root)
    found = []
    for top in PROTECTED:
        base = root / top
        if files.kind(base) != "dir":
            if files.kind(base) != "missing":
                found.append(top)
            continue
        for dirpath, dirnames, filenames in os.walk(base):  # does not follow links to folders
            dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_PARTS)
            links = [d for d in dirnames if files.kind(os.path.join(dirpath, d)) == "link"]
            for name in sorted(filenames + links):
                rel = Path(dirpath, name).relative_to(root)
                if name not in IGNORED_PARTS and not name.endswith(".pyc"):
                    found.append(rel.as_posix())
            if len(found) > MAX_FILES:
                break
    return sorted(found)


def manifest_of(root):
    """The manifest of a template (or any repository) folder."""
    return {"version": MANIFEST_VERSION, "protected": list(PROTECTED),
            "files": {rel: digest(Path(root) / rel) for rel in protected_files(root)}}


def load_manifest(path):
    """A manifest file written by `make classroom`, or a template folder to hash now."""
    path = Path(path)
    if path.is_dir():
        return manifest_of(path)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ValueError(f"{path} is not a Classroom template manifest")
    return manifest


def findings(repo, manifest):
    """What differs between `repo` and the template: ['modified: .github/workflows/classroom.yml', ...]."""
    repo = Path(repo)
    expected = manifest["files"]
    present = set(protected_files(repo))
    result = []
    for rel, sha in sorted(expected.items()):
        if rel not in present:
            result.append(f"missing: {rel}")
        else:
            found = digest(repo / rel)
            if found != sha:
                result.append(f"modified: {rel}" + (f" ({found})" if found.startswith("unreadable") else ""))
    result += [f"added: {shown_name(rel)}" for rel in sorted(present - set(expected))]
    return result


def looks_like_classroom_repo(folder, manifest):
    """A clone (it has .git) or a folder holding any of the template's protected files."""
    folder = Path(folder)
    return any(files.kind(folder / rel) != "missing" for rel in (".git", *manifest["files"]))
