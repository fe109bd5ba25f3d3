"""The grader's version: the package version plus a digest of every file whose change can
change a verdict, so that a cached report is never reused across a change of the grader."""
import functools
import hashlib
import re
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
VERSIONED = ("grader", "reference", "backprop_lab_check")


def _package_version(root):
    """The `version` of pyproject.toml's [project] table (read with a pattern: Python 3.10 has no tomllib)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'(?m)^version\s*=\s*"([^"]+)"', text)
    return match.group(1) if match else "0+unknown"


def _versioned_files(root):
    """(name, path) of every source file and template of the packages the verdicts come from."""
    for top in VERSIONED:
        base = root / top
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            rel = path.relative_to(base)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            if path.is_file() and (path.suffix == ".py" or "templates" in rel.parts[:-1]):
                yield f"{top}/{rel.as_posix()}", path


@functools.lru_cache(maxsize=None)
def grader_version():
    """The version of this grader, computed once per process (see version_at)."""
    return version_at(PACKAGE_ROOT)


def version_at(root: Path) -> str:
    """`<package version>+<12 hex digits>` of the sources under `root`: changes whenever a source
    file of `grader/`, `reference/` or `backprop_lab_check/` (whose verdicts the judge uses)
    changes (every *.py and every file under a `templates/` folder)."""
    digest = hashlib.sha256()
    for name, path in _versioned_files(root):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return f"{_package_version(root)}+{digest.hexdigest()[:12]}"
