"""Build the GitHub Classroom template repository: `make classroom`.

    python tools/classroom.py [--out dist/classroom] [--key-file classroom.key] [--assignments layers,spiral]
                              [--lang ko]

writes OUT/ (push it as the assignment's template repository):

    <id>.ipynb                         the exercises, one per assignment (exercises/<lang>/ with --lang)
    backprop_lab_check/                the visible checks the notebooks run (no reference, no hidden check)
    requirements.txt, README.md, .gitignore
    .github/workflows/classroom.yml    "Autograding Tests", job run-autograding-tests
    .github/classroom/grade.py         what the workflow runs (unpack, grade one assignment)
    .github/classroom/grader.bundle    grader + hidden checks + reference, encrypted (AES-SIV)
    .github/classroom/assignments.json notebook and max score per assignment
    .github/classroom/requirements.txt what grading needs beyond requirements.txt

and OUT.manifest.json next to it (`python -m grader batch` compares the students' clones with it).
The key is $BACKPROP_LAB_KEY when set, else the key file, created on the first build; the same
key must be the organisation secret BACKPROP_LAB_KEY. The build is reproducible: the same sources
and key give the same bytes (AES-SIV is deterministic), so rebuilding does not invalidate the
template students already have, nor its manifest.
"""
import argparse
import base64
import gzip
import io
import json
import os
import shutil
import sys
import re
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from backprop_lab_check.i18n import LANGUAGES, SOURCE_LANGUAGE  # noqa: E402
from grader.batch import tamper  # noqa: E402
from tools import catalogues, notebook_text  # noqa: E402

SOURCES = ROOT / "tools" / "classroom_template"
RUNTIME = "backprop_lab_check"
BUNDLED = ("grader", "reference", RUNTIME)   # what the judge needs, all of it from this checkout
STUDENT_NEEDS = ("numpy", "matplotlib", "ipykernel")
GRADER_NEEDS = ("pytest", "jinja2", "cryptography")
PYTHON_VERSION = "3.12"
KEY_VARIABLE = "BACKPROP_LAB_KEY"
BUNDLE_CONTEXT = b"backprop-lab grader bundle v1"  # AES-SIV associated data, checked by grade.py
GITIGNORE = "__pycache__/\n.ipynb_checkpoints/\n.venv/\n"


# ---------------------------------------------------------------- inputs

def requirements(names):
    """The project's own requirement specifiers (pyproject.toml) for `names`, one per line."""
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"(?ms)^dependencies\s*=\s*\[(.*?)\]", text).group(1)
    specs = re.findall(r'"([^"]+)"', block)
    by_name = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower(): spec for spec in specs}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SystemExit(f"pyproject.toml lists no dependency {', '.join(missing)}")
    return "".join(by_name[n] + "\n" for n in names)


def assignments(requested=None):
    """Assignment ids with an exercise notebook and hidden checks, or the requested ones."""
    from grader.assignments import known_assignments

    available = [a for a in known_assignments() if (ROOT / "exercises" / f"{a}.ipynb").exists()]
    if not requested:
        return available
    unknown = [a for a in requested if a not in available]
    if unknown:
        raise SystemExit(f"no exercise or no hidden checks for {', '.join(unknown)}; available: {', '.join(available)}")
    return list(requested)


def max_score(assignment):
    """The assignment's total points: what the grader gives an unreadable notebook as its maximum."""
    from grader.judge import NoSubmission, run_checks
    from grader.limits import Limits
    from grader.scoring import summarise

    checks, _, _ = run_checks(assignment, NoSubmission("not a submission"), Limits())
    return summarise(checks)[1]


def new_key():
    """A 512-bit AES-SIV key as URL-safe base64 text (what the secret holds)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    return base64.urlsafe_b64encode(AESSIV.generate_key(512)).decode()


def load_key(key_file):
    """$BACKPROP_LAB_KEY, or the key file (created with a new key, readable by its owner only)."""
    text = os.environ.get(KEY_VARIABLE, "").strip()
    if not text:
        key_file = Path(key_file)
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(new_key() + "\n")
            print(f"created a new key in {key_file}: set it as the organisation secret {KEY_VARIABLE}")
        text = key_file.read_text().strip()
    try:
        key = base64.urlsafe_b64decode(text)
    except ValueError:
        key = b""
    if len(key) != 64:
        raise SystemExit("the key must be 64 bytes in URL-safe base64 (as `make classroom` creates it)")
    return key


# ---------------------------------------------------------------- the bundle

SHIPPED_SUFFIXES = (".py", ".mo")  # sources, and the compiled message catalogues (docs/i18n.md)


def runtime_files():
    """The student package's files as it ships to students: its sources and catalogues, no caches."""
    return [path for path in sorted((ROOT / RUNTIME).rglob("*"))
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts]


def bundled_files():
    """(name in the bundle, path) for the judge's sources: *.py, catalogues and report templates, no caches."""
    yield "pyproject.toml", ROOT / "pyproject.toml"
    for top in BUNDLED:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.is_file() and "__pycache__" not in rel.parts and \
                    (path.suffix in SHIPPED_SUFFIXES or "templates" in rel.parts):
                yield rel.as_posix(), path


def bundle(key):
    """The encrypted bundle: a gzipped tar with fixed metadata, encrypted and authenticated with
    AES-SIV (deterministic: same sources, same key, same bytes), as base64 text."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for name, path in bundled_files():
            data = path.read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return base64.encodebytes(AESSIV(key).encrypt(raw.getvalue(), [BUNDLE_CONTEXT]))


# ---------------------------------------------------------------- the template

def render_workflow(ids):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SOURCES), trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template("classroom.yml.j2").render(assignments=ids, python_version=PYTHON_VERSION)


def clear(out):
    """Empty OUT but keep its .git, so an instructor can rebuild inside their clone of the template."""
    out.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


def students_readme(language):
    """docs/students.md, in `language` (from its catalogue, locale/<lang>/docs/students.po)."""
    text = catalogues.STUDENT_README.read_text(encoding="utf-8")
    if language == SOURCE_LANGUAGE:
        return text
    return notebook_text.translate_markdown(text, catalogues.translations(language, "docs/students"))


def build(out, key, ids, language=SOURCE_LANGUAGE):
    """Write the template into `out` (its notebooks and README in `language`) and its manifest
    next to it; returns the manifest path."""
    out = Path(out)
    clear(out)
    scores = {a: max_score(a) for a in ids}
    exercises = ROOT / "exercises" if language == SOURCE_LANGUAGE else ROOT / "exercises" / language
    for a in ids:
        shutil.copyfile(exercises / f"{a}.ipynb", out / f"{a}.ipynb")
    for path in runtime_files():
        write(out / path.relative_to(ROOT), path.read_bytes())
    write(out / "README.md", students_readme(language))
    write(out / "requirements.txt", requirements(STUDENT_NEEDS))
    write(out / ".gitignore", GITIGNORE)
    github = out / ".github"
    write(github / "workflows" / "classroom.yml", render_workflow(ids))
    write(github / "classroom" / "grade.py", (SOURCES / "grade.py").read_text())
    write(github / "classroom" / "requirements.txt", requirements(GRADER_NEEDS))
    write(github / "classroom" / "assignments.json", json.dumps(
        {a: {"notebook": f"{a}.ipynb", "max_score": scores[a]} for a in ids}, indent=2) + "\n")
    write(github / "classroom" / "grader.bundle", bundle(key))
    manifest = out.with_name(out.name + ".manifest.json")
    write(manifest, json.dumps({**tamper.manifest_of(out), "assignments": scores}, indent=2) + "\n")
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "classroom")
    parser.add_argument("--key-file", type=Path, default=ROOT / "classroom.key",
                        help=f"the bundle's key (ignored when ${KEY_VARIABLE} is set); created when missing")
    parser.add_argument("--assignments", help="comma-separated ids (default: every assignment with an exercise)")
    parser.add_argument("--lang", choices=LANGUAGES, default=SOURCE_LANGUAGE,
                        help="the language of the notebooks and the README (default en; see docs/i18n.md)")
    args = parser.parse_args(argv)
    ids = assignments([a for a in (args.assignments or "").split(",") if a])
    try:
        manifest = build(args.out, load_key(args.key_file), ids, args.lang)
    except notebook_text.Untranslated as exc:
        parser.error(f"the {args.lang} edition is not complete ({exc}): run `make i18n` and translate it")
    scores = json.loads(manifest.read_text())["assignments"]
    print(f"wrote {args.out} ({', '.join(f'{a}: {s:g} points' for a, s in scores.items())})")
    print(f"wrote {manifest} (keep it: `python -m grader batch` flags clones that differ from the template)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
