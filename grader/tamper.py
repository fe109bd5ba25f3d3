"""Tamper evidence for GitHub Classroom repositories.

`make classroom` writes a manifest of the template's protected files (the autograding
workflow and script, the encrypted grader, the requirements and the visible-check runtime):
their paths and sha256 digests. A student's clone that differs there, by a changed, missing
or added file, is flagged in the gradebook: its points in Classroom came from a workflow the
instructor did not write. Notebooks and the README are the student's to change.
"""
import hashlib
import json
from pathlib import Path

MANIFEST_VERSION = 1
PROTECTED = (".github", "backprop_lab_check", "requirements.txt")
IGNORED_PARTS = frozenset({"__pycache__", ".ipynb_checkpoints", ".DS_Store"})


def digest(path):
    """sha256 of the file with CRLF line ends read as LF (a Windows checkout is not tampering)."""
    return hashlib.sha256(Path(path).read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def protected_files(root):
    """Relative POSIX paths of the protected files below `root`."""
    root = Path(root)
    found = []
    for top in PROTECTED:
        base = root / top
        if base.is_file():
            paths = [base]
        elif base.is_dir():
            paths = sorted(p for p in base.rglob("*") if p.is_file())
        else:
            continue
        for path in paths:
            rel = path.relative_to(root)
            if not IGNORED_PARTS.intersection(rel.parts) and not path.name.endswith(".pyc"):
                found.append(rel.as_posix())
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
        elif digest(repo / rel) != sha:
            result.append(f"modified: {rel}")
    result += [f"added: {rel}" for rel in sorted(present - set(expected))]
    return result


def looks_like_classroom_repo(folder, manifest):
    """A clone (it has .git) or a folder holding any of the template's protected files."""
    folder = Path(folder)
    return (folder / ".git").exists() or any((folder / rel).exists() for rel in manifest["files"])
