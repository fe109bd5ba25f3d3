"""Command line: `python -m grader grade SUBMISSION --assignment ID --out DIR`,
`python -m grader batch SUBMISSIONS --out REPORTS [--jobs N | --cluster ADDRESS] [--shard I/N]`,
`python -m grader gradebook REPORTS... --out DIR [--questions SHEET...]` and
`python -m grader export REPORTS --lms canvas|moodle --out FILE`."""
import argparse
import os
import sys
from pathlib import Path

from backprop_lab_check import i18n
from backprop_lab_check.i18n import _, ngettext, resolve as resolve_language

from .limits import Limits
from .platforms import NBGRADER_CONFIG
from .text import terminal


def _isolation_option(parser):
    parser.add_argument("--isolation", choices=["auto", "bubblewrap", "fallback"], default="auto",
                        help="how the worker is confined (default: bubblewrap when it works here)")


def _usage_problem(args):
    """A sentence when the limits or the isolation asked for cannot be used, else None."""
    try:
        Limits.from_arguments(args)
    except (TypeError, ValueError) as exc:
        return _("bad limit: {error}").format(error=exc)
    if args.isolation == "bubblewrap":
        from .sandbox import bubblewrap_available

        if not bubblewrap_available():
            return _("--isolation bubblewrap, but bwrap is missing or cannot create namespaces here "
                     "(see docs/security.md)")
    return None


def _error(problem):
    """The line that reports a usage error or a failure: "error: ..." in the command's language."""
    return _("error: {problem}").format(problem=problem)


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade one submission and write report.json/.md/.html")
    grade.add_argument("submission", type=Path, help="a .ipynb notebook or a .py file")
    grade.add_argument("--assignment", help="assignment id (default: the notebook's metadata)")
    grade.add_argument("--out", type=Path, required=True, help="directory for the reports")
    _isolation_option(grade)
    i18n.add_language_argument(grade, "the reports")
    grade.add_argument("--count-gpu", action="store_true",
                       help="count the GPU checks (device.*) when there is no GPU, as failed, instead of "
                            "skipping them outside max_score (see docs/gpu.md)")
    Limits.add_arguments(grade)

    batch = commands.add_parser("batch", help="grade submissions/<student>/<assignment>.ipynb in parallel, "
                                              "or an nbgrader course's submitted/ into its gradebook")
    batch.add_argument("submissions", type=Path, help="a folder of student folders, or an nbgrader course")
    batch.add_argument("--out", type=Path, help="the reports folder (an nbgrader course keeps its own)")
    batch.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    batch.add_argument("--force", action="store_true", help="regrade even when nothing changed")
    batch.add_argument("--template", type=Path, metavar="MANIFEST",
                       help="flag GitHub Classroom clones whose workflow or check runtime differ from this "
                            "template manifest or folder (default: dist/classroom.manifest.json if it exists)")
    batch.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on a Dask cluster: a scheduler's address (tcp://host:8786) or local:N for N "
                            "worker processes here; needs the cluster extra (see docs/cluster.md)")
    batch.add_argument("--shard", metavar="I/N",
                       help="grade only part I of N (0 <= I < N) of the class, chosen by student; merge the "
                            "parts with `python -m grader gradebook`")
    _isolation_option(batch)
    i18n.add_language_argument(batch, "the reports")
    Limits.add_arguments(batch)

    gradebook = commands.add_parser("gradebook", help="merge the gradebooks of several batches (the shards of a class), "
                                                      "with the written questions' points")
    gradebook.add_argument("reports", type=Path, nargs="+", help="the --out folders of the batches")
    gradebook.add_argument("--out", type=Path, required=True, help="the folder for the merged gradebook")
    gradebook.add_argument("--questions", type=Path, nargs="+", default=[], metavar="SHEET",
                           help="answer sheets with the teaching assistants' points (REPORTS/questions/*.csv, "
                                "as the batch wrote them): adds `<assignment> written` and `total with written`")

    export = commands.add_parser("export", help="a batch's gradebook as the CSV Canvas or Moodle imports")
    export.add_argument("reports", type=Path, help="the --out folder of a batch")
    export.add_argument("--lms", choices=["canvas", "moodle"], required=True)
    export.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    export.add_argument("--roster", type=Path,
                        help="a CSV with a `student` column (the folder names) and the LMS's identifier columns")

    commands.add_parser("list", help="list the assignments the grader knows")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    # The command's own words: --lang when given, else the environment's (a report's may differ: its notebook's)
    i18n.use(resolve_language(getattr(args, "lang", None)))
    if args.command == "list":
        from .assignments import known_assignments
        print("\n".join(known_assignments()))
        return 0
    if args.command == "grade":
        return _grade(args)
    if args.command == "export":
        return _export(args)
    if args.command == "gradebook":
        return _merge(args)
    return _batch(args)


def _grade(args):
    from .assignments import known_assignments
    from .pipeline import grade

    if args.assignment is not None and args.assignment not in known_assignments():
        print(_error(_("unknown assignment '{assignment}'; known: {known}").format(
            assignment=args.assignment, known=", ".join(known_assignments()))), file=sys.stderr)
        return 2
    problem = _usage_problem(args)
    if problem:
        print(terminal(_error(problem)), file=sys.stderr)
        return 2
    report = grade(args.submission, args.assignment, Limits.from_arguments(args), args.isolation, count_gpu=args.count_gpu,
                   language=args.lang, default_language=resolve_language(), alone=True)
    from .render import write_reports

    try:
        write_reports(report, args.out, side_by_side=True)
    except OSError as exc:
        print(terminal(_error(_("cannot write reports to {folder}: {error}").format(
            folder=args.out, error=exc.strerror or exc))), file=sys.stderr)
        return 2
    status = _error(report.error) if report.error else f"{report.score:g} / {report.max_score:g}"
    # Exactly one inert line, whatever the error quotes from the submission: CI reads the
    # judge's stdout for workflow commands (`::notice::...`) at the start of a line.
    print(terminal(" ".join(f"{report.assignment}: {status} -> {args.out / 'report.json'}".split())))
    return 0


def _batch(args):
    from rich.console import Console

    from .assignments import known_assignments
    from .batch import BatchUsageError, Shard, print_gradebook, run_batch

    problem = _usage_problem(args) or _batch_problem(args)
    if problem:
        print(terminal(_error(problem)), file=sys.stderr)
        return 2
    if (args.submissions / NBGRADER_CONFIG).is_file():
        return _nbgrader_course(args)
    if args.out is None:
        print(_error(_("the batch needs --out REPORTS (the folder for the reports and the gradebook)")), file=sys.stderr)
        return 2
    try:
        result = run_batch(args.submissions, args.out, jobs=args.jobs, force=args.force, known_ids=known_assignments(),
                           template=args.template, limits=Limits.from_arguments(args), isolation=args.isolation,
                           shard=Shard.parse(args.shard) if args.shard else None, cluster=args.cluster,
                           language=args.lang, default_language=resolve_language())
    except BatchUsageError as exc:
        print(terminal(_error(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("interrupted: finished reports are kept; run again to grade the rest"), file=sys.stderr)
        return 130
    print_gradebook(Console(), args.out)
    for assignment, (sheet, to_grade) in result.answer_sheets.items():
        print(terminal(ngettext("{assignment}: written answers for teaching assistants in {sheet} ({count} without points)",
                                "{assignment}: written answers for teaching assistants in {sheet} ({count} without points)",
                                to_grade).format(assignment=assignment, sheet=sheet, count=to_grade)))
    return result.exit_code


def _batch_problem(args):
    """A sentence when --shard or --cluster cannot be used as given, else None."""
    from .batch.cluster import INSTALL_HINT, check_address, dask_available
    from .batch.shard import Shard

    try:
        if args.shard:
            Shard.parse(args.shard)
        if args.cluster:
            check_address(args.cluster)
    except ValueError as exc:
        return str(exc)
    if args.cluster and not dask_available():
        return _("--cluster needs Dask distributed, which is not installed: {install}").format(install=INSTALL_HINT)
    if (args.cluster or args.shard) and (args.submissions / NBGRADER_CONFIG).is_file():
        return _("--cluster and --shard grade a folder of submissions, not an nbgrader course")
    return None


def _attempt(action, own_error, written):
    """(action(), 0), or (None, 2) once its error is printed, an inert line per line of it: the
    command's own error (`own_error`) as it words it, an OSError as what could not be `written`."""
    try:
        return action(), 0
    except own_error as exc:
        message = str(exc)
    except OSError as exc:
        message = _("cannot write {what}: {error}").format(what=written, error=exc.strerror or exc)
    for line in message.splitlines():
        print(terminal(_error(line)), file=sys.stderr)
    return None, 2


def _merge(args):
    from rich.console import Console

    from .batch import print_gradebook
    from .batch.merge import MergeError, merge_gradebooks

    merged, status = _attempt(lambda: merge_gradebooks(args.reports, args.out, args.questions), MergeError,
                              _("the gradebook to {folder}").format(folder=args.out))
    if status:
        return status
    print_gradebook(Console(), args.out)
    ungraded = {a: n for a, n in merged.get("written", {}).get("ungraded", {}).items() if n}
    if ungraded:
        counts = ", ".join(f"{a}: {n}" for a, n in ungraded.items())
        total = sum(ungraded.values())
        print(terminal(ngettext("note: {count} written answer(s) have no points yet ({counts}); they count 0 until "
                                "a teaching assistant fills them in",
                                "note: {count} written answer(s) have no points yet ({counts}); they count 0 until "
                                "a teaching assistant fills them in", total).format(count=total, counts=counts)),
              file=sys.stderr)
    print(terminal(ngettext("merged {count} gradebook(s) into {folder}", "merged {count} gradebook(s) into {folder}",
                            len(merged["parts"])).format(count=len(merged["parts"]), folder=args.out)))
    return 0


def _nbgrader_course(args):
    """`batch COURSE` on an nbgrader course: its submitted/ graded into its gradebook and
    feedback (platforms/nbgrader.py), the reports in the course's own folder."""
    from .platforms.nbgrader import REPORTS_FOLDER, command

    if args.out is not None:
        print(terminal(_("note: {course} is an nbgrader course: its reports go to {reports}, not {out}").format(
            course=args.submissions, reports=args.submissions / REPORTS_FOLDER, out=args.out)), file=sys.stderr)
    return command(args.submissions, (), args.jobs, force=args.force, limits=Limits.from_arguments(args),
                   isolation=args.isolation)


def _export(args):
    from .platforms.lms import ExportError, export

    unlisted, status = _attempt(lambda: export(args.reports, args.lms, args.out, args.roster), ExportError, args.out)
    if status:
        return status
    if unlisted:
        print(terminal(ngettext("warning: the roster does not list {count} student(s), exported under their folder "
                                "names: {names}",
                                "warning: the roster does not list {count} student(s), exported under their folder "
                                "names: {names}", len(unlisted)).format(count=len(unlisted),
                                                                       names=", ".join(unlisted[:10]))),
              file=sys.stderr)
    print(terminal(f"{args.lms}: {args.out}"))
    return 0
