"""Build the autograder zip that Gradescope asks for when an assignment is set up.

    python tools/gradescope_zip.py --out dist/gradescope/autograder.zip [--assignment ID]
                                   [--visibility V] [--submission-timeout-s S] [--memory-mb M]

The options after --out are those of `python -m grader.platforms.gradescope` (checked here, so
that a mistake shows now rather than in every student's result); run_autograder passes them on.
Without --assignment the zip grades any assignment, the one each notebook's metadata names
(which the student controls); with it, every upload is graded as that assignment: build one
zip per Gradescope assignment.

The zip holds, at its root, what Gradescope requires (setup.sh, run_autograder) and what
setup.sh installs: pyproject.toml, README.md (its `readme`) and the packages grader/,
reference/ and backprop_lab_check/, without __pycache__ or hidden files. No tests, no
submissions, no virtual environment. The same sources and options give the same bytes.
"""
import argparse
import io
import shlex
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader import files  # noqa: E402
from grader.platforms import gradescope  # noqa: E402
from grader.version import VERSIONED  # noqa: E402

TEMPLATE = ROOT / "tools" / "gradescope"
SCRIPTS = ("setup.sh", "run_autograder")
PROJECT_FILES = ("pyproject.toml", "README.md")
OPTIONS_LINE = "GRADER_OPTIONS=()"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed time: the same sources give the same zip


def source_files():
    """(name in the zip, path) of every file setup.sh needs to install the grader, sorted."""
    found = [(name, ROOT / name) for name in PROJECT_FILES]
    for package in VERSIONED:
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                found.append((rel.as_posix(), path))
    return sorted(found)


def run_autograder(options):
    """The run_autograder script with `options` for the entry point written into it."""
    text = (TEMPLATE / "run_autograder").read_text(encoding="utf-8")
    if text.count(OPTIONS_LINE) != 1:
        raise SystemExit(f"error: {TEMPLATE / 'run_autograder'} must hold the line {OPTIONS_LINE!r} once")
    return text.replace(OPTIONS_LINE, f"GRADER_OPTIONS=({shlex.join(options)})")


def build(options):
    """The zip's bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        scripts = {"setup.sh": (TEMPLATE / "setup.sh").read_text(encoding="utf-8"),
                   "run_autograder": run_autograder(options)}
        for name in SCRIPTS:
            _add(archive, name, scripts[name].encode("utf-8"), 0o755)
        for name, path in source_files():
            _add(archive, name, path.read_bytes(), 0o644)
    return buffer.getvalue()


def _add(archive, name, data, mode):
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions (unzip, Gradescope)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Other options: those of python -m grader.platforms.gradescope "
                                            "(see its --help), except --root.")
    parser.add_argument("--out", type=Path, required=True, help="the zip to write")
    args, options = parser.parse_known_args(argv)
    if any(option == "--root" or option.startswith("--root=") for option in options):
        parser.error("--root is Gradescope's /autograder; run_autograder sets it")
    graded = gradescope.parse_options(options).assignment  # exits with a usage message when not valid
    data = build(options)
    files.atomic_write(args.out, data)
    print(f"wrote {args.out} ({len(data) // 1024} KiB); grades "
          + (f"every upload as {graded}" if graded else "the assignment each notebook names")
          + (f"; options: {shlex.join(options)}" if options else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
