"""Generate exercises/<id>.ipynb from solutions/<id>.ipynb with nbgrader's own preprocessors.

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
PIPELINE = [LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums,
            ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]


def generate(solution_path):
    nb = nbformat.read(solution_path, as_version=nbformat.NO_CONVERT)
    resources = {"metadata": {"name": solution_path.stem, "path": str(solution_path.parent)}}
    for preprocessor in PIPELINE:
        nb, resources = preprocessor().preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when exercises/ is out of date")
    parser.add_argument("--solutions", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercises", type=Path, default=ROOT / "exercises")
    args = parser.parse_args(argv)
    stale = []
    for solution in sorted(args.solutions.glob("*.ipynb")):
        target = args.exercises / solution.name
        text = generate(solution)
        if args.check:
            if not target.exists() or target.read_text() != text:
                stale.append(target)
        else:
            args.exercises.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    if stale:
        names = ", ".join(str(p.name) for p in stale)
        print(f"exercises out of date with solutions: {names}; run `make exercises`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
