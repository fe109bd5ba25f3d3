"""Generate exercises/<id>.ipynb from solutions/<id>.ipynb with nbgrader's own preprocessors,
and each translated edition, exercises/<lang>/<id>.ipynb, from the same solution with its text
from locale/<lang>/notebooks/<id>.po (tools/notebook_text.py: the code stays the same).

The chain is nbgrader's `generate_assignment` pipeline minus the steps that need
its database (SaveCells) or a course layout (IncludeHeaderFooter), so the output
is what `nbgrader generate_assignment` would release. With --check nothing is
written and the exit status says whether exercises/ is in sync.
"""
import argparse
import sys
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearOutput, ClearSolutions, ComputeChecksums, LockCells)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import catalogues, notebook_text  # noqa: E402
PIPELINE = [LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums,
            ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]


def generate(solution_path, language=None):
    """The exercise's text: of the solution itself, or of its edition in `language`
    (notebook_text.Untranslated when the catalogue lacks some of its text)."""
    nb = nbformat.read(solution_path, as_version=nbformat.NO_CONVERT)
    if language is not None:
        nb = notebook_text.translate(nb, catalogues.translations(language, f"notebooks/{solution_path.stem}"), language)
    resources = {"metadata": {"name": solution_path.stem, "path": str(solution_path.parent)}}
    for preprocessor in PIPELINE:
        nb, resources = preprocessor().preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def editions(solution, exercises):
    """(exercise path, language or None) of every edition of `solution`."""
    yield exercises / solution.name, None
    for language in catalogues.TRANSLATED:
        yield exercises / language / solution.name, language


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when exercises/ is out of date")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    stale, untranslated = [], []
    for solution in sorted(args.solutions.glob("*.ipynb")):
        for target, language in editions(solution, args.exercises):
            shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
            try:
                text = generate(solution, language)
            except notebook_text.Untranslated as exc:
                untranslated.append(f"{shown}: {exc}")
                continue
            if args.check:
                if not target.exists() or target.read_text() != text:
                    stale.append(shown)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
                print(f"wrote {shown}")
    for problem in untranslated:
        print(f"not built: {problem}; run `make i18n` and translate locale/<lang>/notebooks/", file=sys.stderr)
    if stale:
        print(f"exercises out of date with solutions: {', '.join(map(str, stale))}; run `make exercises`",
              file=sys.stderr)
    return 1 if stale or untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
