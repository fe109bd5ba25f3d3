"""Build the PrairieLearn questions of the course, one per assignment.

    python tools/prairielearn_course.py [--out dist/prairielearn] [--image USER/REPO:TAG] [--timeout 60]
                                        [--lang ko]

writes OUT/ (copy its folders into the PrairieLearn course repository, then sync):

    questions/backprop-lab/<id>/info.json        externally graded by IMAGE, entrypoint
                                                 `python3 -m grader.platforms.prairielearn --assignment <id> ...`
                                                 (with `--lang ko` for a Korean course)
    questions/backprop-lab/<id>/question.html    download the exercise, upload <id>.ipynb, see the results
    questions/backprop-lab/<id>/clientFilesQuestion/<id>.ipynb   the exercise notebook (exercises/<lang>/
                                                 with --lang)
    clientFilesCourse/backprop_lab_check.zip     the visible checks the notebooks' check() cells import

A question's uuid is derived from its assignment id, so rebuilding keeps every question's
identity (and its students' submissions) in PrairieLearn. The timeout is PrairieLearn's
externalGradingOptions.timeout; the grader's own --submission-timeout-s and --memory-mb follow
from it (grader/platforms/prairielearn.py).
"""
import argparse
import html
import io
import json
import shutil
import sys
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from backprop_lab_check.i18n import LANGUAGES, SOURCE_LANGUAGE, _  # noqa: E402
from backprop_lab_check import i18n  # noqa: E402
from grader.platforms import prairielearn  # noqa: E402
from tools.classroom import RUNTIME, assignments, runtime_files, write  # noqa: E402

QUESTION_FOLDER = "backprop-lab"     # the questions' ids are backprop-lab/<assignment>
# Fixed for good: a new namespace would give every question a new identity in PrairieLearn.
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://backprop-lab/prairielearn/questions")
DEFAULT_IMAGE = "backproplab/grader:latest"
DEFAULT_TIMEOUT_S = 60
TOPIC = "Deep learning from scratch"
TAGS = ["backprop-lab", "notebook"]
RUNTIME_ZIP = f"{RUNTIME}.zip"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)     # fixed, so that the same sources give the same bytes


def question_uuid(assignment):
    return str(uuid.uuid5(UUID_NAMESPACE, assignment))


def exercise_path(assignment, language=SOURCE_LANGUAGE):
    """The exercise notebook of `assignment` in `language` (exercises/<lang>/ but for English)."""
    folder = ROOT / "exercises" if language == SOURCE_LANGUAGE else ROOT / "exercises" / language
    return folder / f"{assignment}.ipynb"


def title_of(notebook, assignment):
    """The notebook's first Markdown heading, or the assignment id."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return assignment


def uses_runtime(notebook):
    return any(cell["cell_type"] == "code" and RUNTIME in "".join(cell["source"]) for cell in notebook["cells"])


def info(assignment, title, image, timeout_s, language=SOURCE_LANGUAGE):
    """The question's info.json object (PrairieLearn's QuestionJsonSchema)."""
    return {
        "uuid": question_uuid(assignment),
        "title": title,
        "topic": TOPIC,
        "tags": TAGS,
        "type": "v3",
        "singleVariant": True,
        "showCorrectAnswer": False,
        "gradingMethod": "External",
        "externalGradingOptions": {
            "image": image,
            "entrypoint": prairielearn.entrypoint(assignment, timeout_s,
                                                  None if language == SOURCE_LANGUAGE else language),
            "timeout": timeout_s,
        },
    }


def question_html(assignment, runtime):
    """The question's page, in the current language (i18n.use)."""
    notebook = html.escape(f"{assignment}.ipynb", quote=True)
    checks = ("\n  <p>" + _("Its {check} cells need the visible checks: unzip\n  {download}\n  next to the "
                            "notebook.").format(
        check="<code>check(...)</code>",
        download=f'<pl-file-download file-name="{RUNTIME_ZIP}" directory="clientFilesCourse"></pl-file-download>')
              + "</p>" if runtime else "")
    upload = _("Download the notebook\n  {download},\n  fill in every {todo} and upload it as {notebook}.").format(
        download=f'<pl-file-download file-name="{notebook}" directory="clientFilesQuestion"></pl-file-download>',
        todo="<code># YOUR CODE HERE</code>", notebook=f"<code>{notebook}</code>")
    graded = _("The grader runs your notebook in a sandbox and checks every class and function the assignment\n  "
               "names; each lost point comes with what was wrong and, for the classic mistakes, a hint.")
    return f"""<pl-question-panel>
  <p>{upload}</p>{checks}
  <p>{graded}</p>
  <pl-file-upload file-names="{notebook}"></pl-file-upload>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def runtime_zip():
    """The visible checks as a zip with fixed dates and order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in runtime_files():
            entry = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


def build(out, image=DEFAULT_IMAGE, timeout_s=DEFAULT_TIMEOUT_S, language=SOURCE_LANGUAGE):
    """Write the question of every assignment with an exercise into `out`, its notebook, page and
    reports in `language`; returns their folder."""
    out = Path(out)
    with i18n.speaking(language):
        return _build(out, image, timeout_s, language)


def _build(out, image, timeout_s, language):
    prairielearn.limits_for(timeout_s)  # refuses a timeout PrairieLearn or the grader cannot use
    questions = out / "questions" / QUESTION_FOLDER
    shutil.rmtree(questions, ignore_errors=True)
    any_runtime = False
    for assignment in assignments():
        exercise = exercise_path(assignment, language)
        notebook = json.loads(exercise.read_text(encoding="utf-8"))
        runtime = uses_runtime(notebook)
        any_runtime |= runtime
        folder = questions / assignment
        write(folder / "info.json", json.dumps(info(assignment, title_of(notebook, assignment), image, timeout_s,
                                                    language), indent=2) + "\n")
        write(folder / "question.html", question_html(assignment, runtime))
        write(folder / "clientFilesQuestion" / f"{assignment}.ipynb", exercise.read_bytes())
    if any_runtime:
        write(out / "clientFilesCourse" / RUNTIME_ZIP, runtime_zip())
    return questions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "prairielearn")
    parser.add_argument("--image", default=DEFAULT_IMAGE,
                        help=f"the grading image on Docker Hub (default {DEFAULT_IMAGE})")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S,
                        help=f"PrairieLearn's grading timeout in seconds (default {DEFAULT_TIMEOUT_S}, at most "
                             f"{prairielearn.MAX_TIMEOUT_S})")
    parser.add_argument("--lang", choices=LANGUAGES, default=SOURCE_LANGUAGE,
                        help="the language of the notebooks, the question pages and the reports (default en; "
                             "see docs/i18n.md)")
    args = parser.parse_args(argv)
    try:
        questions = build(args.out, args.image, args.timeout, args.lang)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {len(list(questions.iterdir()))} questions to {questions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
