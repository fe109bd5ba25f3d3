"""An nbgrader course on a JupyterHub: the grader grades what `nbgrader collect` put in
`submitted/`, and the results land where nbgrader keeps its own, so that formgrader, `nbgrader
export` and `nbgrader release_feedback` work on them as on nbgrader's autograding.

    python -m grader.platforms.nbgrader COURSE_DIR [--assignment ID ...] [--jobs N]

COURSE_DIR holds `nbgrader_config.py`, `source/`, `submitted/` and the gradebook; its config is
read by nbgrader itself (the database, the folder names, the late-submission plugin). An nbgrader
assignment is graded here when its notebooks are named after grader assignments
(`source/<assignment>/layers.ipynb`). Steps:

1. `grader.batch.run_batch` grades `submitted/<student>/<assignment>/<notebook>.ipynb` into
   `COURSE_DIR/autograded-backprop-lab/<student>/<notebook>/report.{json,md,html}` (cached: a
   second run grades only what changed). It sits beside nbgrader's `autograded/`, which
   formgrader reads as notebooks.
2. The gradebook, through `nbgrader.api.Gradebook` as `nbgrader autograde` writes it: the student,
   the submission with the timestamp of its `timestamp.txt`, and `auto_score` of each autograded
   (code) grade cell; `manual_score` is never touched, and a cell a person graded is marked
   `needs_manual_grade` as nbgrader marks it; then nbgrader's own late-submission plugin.
3. `autograded/<student>/<assignment>/<notebook>.ipynb`: the submission through nbgrader's own
   sanitizing preprocessors (outputs cleared, locked cells restored from the gradebook), not
   executed: formgrader lists a submission as autograded only when this folder exists, and shows
   a notebook's grades on it.
4. `feedback/<student>/<assignment>/<notebook>.html`: the report, with the submission's
   `timestamp.txt` and `submission_secret.txt`, which `release_feedback` reads to name the file it
   releases (the secret and the notebook's name hashed), as it does after `generate_feedback`.

How a report becomes grade cells. The notebook's grade cells are its visible self-checks, with
the instructor's points; the report's points are the hidden checks'. The two weigh targets
differently (layers: 28 points over 9 cells, 51 over 11 targets), so a cell cannot simply carry
its targets' points. Each grade cell names the targets it checks (`check("Repeat", "Sum")`); a
cell that names none (a whole-network test) stands for them all. A cell's *fraction* is the share
of its targets' points the report gives. What nbgrader shows in all is the report's score scaled
to the points of the autograded cells; it is shared out in proportion to points times fraction,
times one common factor, no cell above its points. A cell whose targets earned nothing gets
nothing (unless every cell that earned is full and points are left: those go to the others by
their points); where the weightings differ, a passing cell may show a little less than full (the
hidden checks weigh the failed target more than the notebook does) or a partial one a little more.
Written-answer and task cells are left to a person and flagged for manual grading, as nbgrader
autograde does.
"""
import argparse
import ast
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    OverwriteCells, OverwriteKernelspec)
from nbgrader.utils import parse_utc
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SAWarning, SQLAlchemyError

from backprop_lab_check.i18n import _

from .. import files
from ..assignments import known_assignments
from ..batch import BatchUsageError, find_submissions, run_batch
from ..batch.gradebook import points
from ..limits import Limits
from ..loading import MAX_SUBMISSION_BYTES
from ..report import Report
from . import NBGRADER_CONFIG
from ..text import terminal, valid_utf8

REPORTS_FOLDER = "autograded-backprop-lab"
# What `nbgrader collect` puts beside the notebooks and `release_feedback` reads beside the HTML.
TIMESTAMP, SECRET = "timestamp.txt", "submission_secret.txt"
SMALL_FILE_BYTES = 4096
# `nbgrader autograde`'s sanitizing steps (Autograde.sanitize_preprocessors), in its order.
SANITIZE = (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata)
DEFAULT_LAYOUT = CourseDirectory.class_traits()["directory_structure"].default_value


def say_line(line):
    """The default way a step tells the user something: one inert line on stdout."""
    print(terminal(line))


class CourseError(Exception):
    """The course cannot be graded as asked; the message is one sentence for the user."""


@dataclass(frozen=True)
class GradeCell:
    """An autograded grade cell of a gradebook notebook: its grade_id, its points, and the graded
    names its `check(...)` calls list."""
    name: str
    points: float
    targets: frozenset


class Course:
    """An nbgrader course directory, configured as nbgrader configures it."""

    def __init__(self, root):
        root = Path(root).resolve()
        if not (root / NBGRADER_CONFIG).is_file():
            raise CourseError(_("{root} is not an nbgrader course: it has no nbgrader_config.py "
                                "(`nbgrader quickstart COURSE` makes one)").format(root=root))
        # quiet: nbgrader's own log lines about a student's notebook are said here in one line
        app = NbGrader(log_level=logging.CRITICAL, raise_config_file_errors=True)
        try:
            app.initialize([], root=str(root))
        except (Exception, SystemExit) as exc:
            raise CourseError(_("cannot read {path}: {error}").format(
                path=root / NBGRADER_CONFIG, error=f"{type(exc).__name__}: {exc}")) from None
        self.app, self.dir = app, app.coursedir
        self.root = Path(self.dir.root)
        if self.dir.directory_structure != DEFAULT_LAYOUT:
            raise CourseError(_("nbgrader_config.py sets CourseDirectory.directory_structure to {layout!r}; only "
                                "nbgrader's default {default!r} is supported").format(
                                    layout=self.dir.directory_structure, default=DEFAULT_LAYOUT))
        url = make_url(self.dir.db_url)
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
            raise CourseError(_("{root} has no gradebook ({database}): `nbgrader generate_assignment ASSIGNMENT` "
                                "creates it, with the assignment's notebooks and grade cells").format(
                                    root=self.root, database=url.database))
        self.submitted = self.root / self.dir.submitted_directory
        self.reports = self.root / REPORTS_FOLDER

    def gradebook(self):
        return Gradebook(self.dir.db_url, self.dir.course_id)

    def folder(self, step, student, assignment):
        return Path(self.dir.format_path(step, student, assignment))

    def resources(self, student, assignment, notebook):
        """What nbgrader's preprocessors are given about the notebook they process."""
        return {"nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                             "db_url": self.dir.db_url}}


def graded_notebooks(course, wanted=(), say=say_line):
    """{assignment: [its notebooks named after grader assignments]}, of the assignments `wanted`
    (default: every assignment in the gradebook that has such a notebook)."""
    known = set(known_assignments())
    selection = {}
    with course.gradebook() as gb:
        for name in list(wanted) or sorted(a.name for a in gb.assignments):
            try:
                notebooks = sorted(n.name for n in gb.find_assignment(name).notebooks)
            except MissingEntry:
                raise CourseError(_("assignment {name!r} is not in the gradebook: `nbgrader generate_assignment "
                                    "{name}` creates it from source/{name}/").format(name=name)) from None
            if not notebooks and wanted:
                raise CourseError(_("assignment {name!r} has no notebooks in the gradebook: `nbgrader "
                                    "generate_assignment {name}` adds them from source/{name}/").format(name=name))
            ours = [n for n in notebooks if n in known]
            if not ours and wanted:
                raise CourseError(_("assignment {name!r} has no notebook named after a grader assignment "
                                    "({known}); name one source/{name}/<id>.ipynb").format(
                                        name=name, known=", ".join(sorted(known))))
            others = [n for n in notebooks if n not in known]
            if ours and others:
                say(_("{name}: {others} not graded here (`nbgrader autograde {name}` grades them)").format(
                    name=name, others=", ".join(others)))
            if ours:
                selection[name] = ours
    if not selection:
        raise CourseError(_("no assignment in the gradebook has a notebook named after a grader assignment "
                            "({known}): put one in source/ASSIGNMENT/ and run `nbgrader generate_assignment "
                            "ASSIGNMENT`").format(known=", ".join(sorted(known))))
    return selection


def checked_targets(source):
    """The names a grade cell's `check("A", "B")` calls list (none when it is not plain Python)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return frozenset()
    return frozenset(arg.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                     and getattr(node.func, "id", getattr(node.func, "attr", None)) == "check"
                     for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str))


def grade_cells(gb, assignment, notebook):
    """The notebook's autograded grade cells (code cells; written answers are graded by people)."""
    cells = []
    for cell in gb.find_notebook(notebook, assignment).grade_cells:
        if cell.cell_type != "code":
            continue
        try:
            source = gb.find_source_cell(cell.name, notebook, assignment).source
        except MissingEntry:
            source = ""
        cells.append(GradeCell(cell.name, float(cell.max_score), checked_targets(source)))
    return cells


def cell_scores(report, cells):
    """{grade_id: auto_score} for the report `report` (None: no such notebook, 0 points): adding
    up to the report's score scaled to the cells' points (see the module's docstring)."""
    if report is None or report.max_score <= 0:
        return {cell.name: 0.0 for cell in cells}
    overall = report.score / report.max_score
    targets = {t.target: t for t in report.targets}
    fractions = []
    for cell in cells:
        named = [targets[name] for name in cell.targets if name in targets]
        possible = sum(t.max_score for t in named)
        fractions.append(sum(t.score for t in named) / possible if possible > 0 else overall)
    total = overall * sum(cell.points for cell in cells)
    shares = _shares(total, [cell.points for cell in cells], fractions)
    return {cell.name: share for cell, share in zip(cells, shares)}


def _shares(total, maxima, fractions):
    """`total` shared out as min(maximum, k * maximum * fraction) with the one k that makes the
    shares add up to `total` (total <= sum(maxima)); what full earning cells cannot hold goes to
    the others by their maxima."""
    shares = [0.0] * len(maxima)
    earning = sorted((i for i in range(len(maxima)) if fractions[i] > 0 and maxima[i] > 0),
                     key=lambda i: -fractions[i])
    left = total
    for position, i in enumerate(earning):
        factor = left / sum(maxima[j] * fractions[j] for j in earning[position:])
        if factor * fractions[i] < 1:  # the largest fraction left fits, so every smaller one does
            for j in earning[position:]:
                shares[j] = factor * maxima[j] * fractions[j]
            return shares
        shares[i] = maxima[i]
        left -= maxima[i]
    idle = [i for i in range(len(maxima)) if i not in earning]
    room = sum(maxima[i] for i in idle)
    for i in idle:
        shares[i] = max(0.0, left) * maxima[i] / room if room > 0 else 0.0
    return shares


# ------------------------------------------------------------------ writing one submission

@dataclass
class Graded:
    """One notebook of a submission: its report (None when the submission lacks the notebook)
    and the folder of the batch's reports."""
    notebook: str
    report: Report | None
    report_dir: Path | None


def record_grades(course, student, assignment, timestamp, graded):
    """The student, the submission and each notebook's autograded cells in the gradebook, as
    `nbgrader autograde` records them; then nbgrader's late-submission plugin. Returns
    {notebook: (score, max_score)} as nbgrader now shows them."""
    with course.gradebook() as gb:
        gb.update_or_create_student(student)
        with warnings.catch_warnings():  # nbgrader's add_submission autoflushes half-built rows; harmless
            warnings.simplefilter("ignore", SAWarning)
            gb.update_or_create_submission(assignment, student, **({"timestamp": timestamp} if timestamp else {}))
        for item in graded:
            scores = cell_scores(item.report, grade_cells(gb, assignment, item.notebook))
            for name, score in scores.items():
                grade = gb.find_grade(name, item.notebook, assignment, student)
                grade.auto_score = score
                # as nbgrader: a person's grade wins, and is flagged for review after a regrade;
                # a judge that did not finish is flagged too (the next run grades it again)
                grade.needs_manual_grade = grade.manual_score is not None or bool(item.report and item.report.fallback)
            for cell in gb.find_notebook(item.notebook, assignment).grade_cells:
                if cell.cell_type != "code":  # a written answer: for a person, flagged as nbgrader autograde does
                    gb.find_grade(cell.name, item.notebook, assignment, student).needs_manual_grade = True
            gb.db.commit()
    for item in graded:
        AssignLatePenalties(config=course.app.config, log=course.app.log).preprocess(
            nbformat.v4.new_notebook(), course.resources(student, assignment, item.notebook))
    with course.gradebook() as gb:
        return {item.notebook: (notebook.score, notebook.max_score) for item in graded
                for notebook in [gb.find_submission_notebook(item.notebook, assignment, student)]}


def sanitized_notebook(course, student, assignment, notebook, path):
    """The submitted notebook as nbgrader autograde prepares it, as text; OSError/ValueError and
    nbgrader's own errors when it cannot be."""
    nb = nbformat.reads(files.read_regular(path, MAX_SUBMISSION_BYTES).decode("utf-8"), as_version=4)
    resources = course.resources(student, assignment, notebook)
    for step in SANITIZE:
        nb, resources = step(config=course.app.config, log=course.app.log).preprocess(nb, resources)
    return nbformat.writes(nb)


def collected_file(folder, name):
    """The bytes of `timestamp.txt` or `submission_secret.txt` in a submission, or None."""
    try:
        return files.read_regular(folder / name, SMALL_FILE_BYTES)
    except files.Refused:
        return None


def submission_timestamp(folder, say, who):
    data = collected_file(folder, TIMESTAMP)
    if data is None:
        return None
    try:
        return parse_utc(data.decode("utf-8").strip())
    except (ValueError, OverflowError, UnicodeDecodeError):
        say(_("{who}: {file} does not hold a time nbgrader reads; the submission is recorded without one").format(
            who=who, file=TIMESTAMP))
        return None


def publish_submission(course, student, assignment, folder, graded, say):
    """One submission into the gradebook, autograded/ and feedback/."""
    who = _("{student}'s {assignment}").format(student=student, assignment=assignment)
    shown = record_grades(course, student, assignment, submission_timestamp(folder, say, who), graded)
    collected = {name: collected_file(folder, name) for name in (TIMESTAMP, SECRET)}
    autograded = course.folder(course.dir.autograded_directory, student, assignment)
    feedback = course.folder(course.dir.feedback_directory, student, assignment)
    for target in (autograded, feedback):
        target.mkdir(parents=True, exist_ok=True)
        for name, data in collected.items():
            if data is not None:
                files.atomic_write(target / name, data)
    for item in graded:
        score, max_score = shown[item.notebook]
        if item.report is None:
            say(_("{who}: no {notebook}.ipynb was submitted; nbgrader shows {score} / {max_score}").format(
                who=who, notebook=item.notebook, score=points(score), max_score=points(max_score)))
            continue
        say(_("{who}/{notebook}: {score} / {max_score} in the gradebook (report {report_score} / "
              "{report_max_score})").format(who=who, notebook=item.notebook, score=points(score),
                                            max_score=points(max_score), report_score=points(item.report.score),
                                            report_max_score=points(item.report.max_score)))
        files.atomic_write(feedback / f"{item.notebook}.html", (item.report_dir / "report.html").read_bytes())
        if item.report.error is None:
            try:
                text = sanitized_notebook(course, student, assignment, item.notebook,
                                          folder / f"{item.notebook}.ipynb")
            except Exception as exc:  # noqa: BLE001 - a student's notebook through nbgrader's code
                say(_("{who}/{notebook}: formgrader cannot show this notebook ({error}); its grades and feedback "
                      "are written").format(who=who, notebook=item.notebook,
                                            error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"))
            else:
                files.atomic_write(autograded / f"{item.notebook}.ipynb", text)
    if collected[SECRET] is None and any(item.report is not None for item in graded):
        say(_("{who}: no {file} (nbgrader submit writes it), so `nbgrader release_feedback` cannot deliver "
              "{feedback}; hand the HTML out yourself").format(who=who, file=SECRET, feedback=feedback))


def publish(course, selection, results, say):
    """Every submission of the selected assignments into nbgrader's places; `results` are the
    batch's EntryResults. Students of the gradebook without a submission are named."""
    by_path = {Path(r.entry.path): r for r in results}
    submitted = set()
    for student_dir in sorted(course.submitted.iterdir()) if course.submitted.is_dir() else []:
        student = student_dir.name
        if student.startswith(".") or files.kind(student_dir) != "dir":
            continue
        if valid_utf8(student) != student:
            say(_("{folder}: a folder name that is not UTF-8 cannot be an nbgrader student id; skipped").format(
                folder=student_dir))
            continue
        for assignment, notebooks in selection.items():
            folder = student_dir / assignment
            if files.kind(folder) != "dir":
                continue
            submitted.add((student, assignment))
            graded = []
            for notebook in notebooks:
                path = folder / f"{notebook}.ipynb"
                result = by_path.get(path)
                report = Report.read(result.report_path) if result is not None and result.has_report else None
                if report is None and files.kind(path) != "missing":
                    say(_("{student}'s {assignment}/{notebook}.ipynb has no report; its grades are left as they "
                          "are").format(student=student, assignment=assignment, notebook=notebook))
                    continue
                graded.append(Graded(notebook, report, result.report_dir if result is not None else None))
            try:
                publish_submission(course, student, assignment, folder, graded, say)
            except MissingEntry as exc:
                say(_("{student}'s {assignment}: {error} in the gradebook; nothing written for it").format(
                    student=student, assignment=assignment, error=exc))
    with course.gradebook() as gb:
        students = sorted(s.id for s in gb.students)
    for assignment in selection:
        for student in students:
            if (student, assignment) not in submitted:
                say(_("{student} has no submission of {assignment} in {folder}; nbgrader lists none").format(
                    student=student, assignment=assignment, folder=course.submitted))


# ------------------------------------------------------------------ the command

def run(course_dir, assignments=(), jobs=1, say=say_line, **batch_options):
    """Grade the course's submissions of `assignments` (default: all it can) and publish them;
    `batch_options` go to run_batch (limits, isolation, force, progress). Returns the batch's exit
    status; raises CourseError or BatchUsageError when the course cannot be graded as asked."""
    course = Course(course_dir)
    selection = graded_notebooks(course, assignments, say)
    notebooks = sorted({n for names in selection.values() for n in names})
    if course.submitted.is_dir() and find_submissions(course.submitted, notebooks):
        batch = run_batch(course.submitted, course.reports, jobs, known_ids=notebooks, **batch_options)
        results, code = batch.results, batch.exit_code
    else:
        say(_("no submitted notebooks of {assignments} in {folder} (`nbgrader collect` puts them there)").format(
            assignments=", ".join(selection), folder=course.submitted))
        results, code = [], 0
    publish(course, selection, results, say)
    say(_("gradebook: {database}; feedback in {feedback} (`nbgrader release_feedback {assignments}` delivers "
          "it)").format(database=course.dir.db_url, feedback=course.root / course.dir.feedback_directory,
                        assignments=" ".join(selection)))
    return code


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader.platforms.nbgrader",
                                     description="grade an nbgrader course's submissions into its gradebook "
                                                 "and feedback")
    parser.add_argument("course", type=Path, help="the folder with nbgrader_config.py, source/, submitted/")
    parser.add_argument("--assignment", action="extend", nargs="+", default=[], metavar="ID",
                        help="nbgrader assignments to grade (default: every one with a grader notebook)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--force", action="store_true", help="regrade even when nothing changed")
    Limits.add_arguments(parser)
    return parser


def command(course_dir, assignments=(), jobs=1, **batch_options):
    """`run`, with every problem it can meet said in one line on stderr; the exit status."""
    try:
        return run(course_dir, assignments, jobs, **batch_options)
    except (CourseError, BatchUsageError) as exc:
        problem = str(exc)
    except SQLAlchemyError as exc:
        problem = _("cannot use the gradebook: {error} (after an nbgrader upgrade, `nbgrader db upgrade` updates "
                    "it)").format(error=str(exc).splitlines()[0])
    except OSError as exc:
        problem = _("cannot write into the course: {error}: {file}").format(error=exc.strerror or exc,
                                                                            file=exc.filename)
    except KeyboardInterrupt:
        print(_("interrupted: finished reports are kept; run again to grade the rest"), file=sys.stderr)
        return 130
    print(terminal(_("error: {problem}").format(problem=problem)), file=sys.stderr)
    return 2


def main(argv=None):
    args, limits = Limits.parse(build_parser(), argv)
    return command(args.course, args.assignment, args.jobs, force=args.force, limits=limits)


if __name__ == "__main__":
    sys.exit(main())
