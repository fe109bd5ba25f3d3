"""report.md (fits a GitHub Actions job summary) and report.html (one self-contained page
with plots), rendered from the report.json object.

Everything a submission can influence (exception messages, hints quoting its values, cell
errors) is escaped for the format it lands in: HTML through Jinja2's autoescaping, Markdown
through a finalize hook that escapes every value a template prints, so a template cannot
forget to. The views tolerate any shape of report, since a rendering problem must never stop
report.json from being written.
"""
import base64
import math
import re
from pathlib import Path

import jinja2

from backprop_lab_check import i18n

from ..report import STATUSES, jsonable
from ..text import strip_controls

TEMPLATES = Path(__file__).resolve().parent / "templates"
MD_ICONS = {"pass": "✅", "fail": "❌", "error": "💥", "skip": "⏭️"}
MD_MESSAGE_CHARS = 300
HTML_MESSAGE_CHARS = 4000


def render_or_fallback(render, report, **options):
    """render(report, **options), or a short page that says the full report could not be rendered."""
    try:
        return render(report, **options)
    except Exception as exc:  # a report with a bug in it beats no report
        fallback = _fallback_markdown if render is render_markdown else _fallback_html
        return fallback(report, f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- escaping

_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def one_line(text, limit):
    """Newlines collapsed to spaces, control characters dropped, at most `limit` characters."""
    text = strip_controls(_LINE_BREAKS.sub(" ", str(text))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md_escape(text, limit=MD_MESSAGE_CHARS):
    """Student-influenced text made inert inside a GitHub-flavoured Markdown table cell:
    one line, no emphasis/links/code/HTML, no table breaks, no workflow commands."""
    text = one_line(text, limit)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # `::` starts a workflow command when a line begins with it; `\:` renders as `:`.
    return text.replace("::", ":\\:")


class MdRaw(str):
    """Markdown the template code itself built (already escaped); printed as is."""


def _md_finalize(value):
    if isinstance(value, MdRaw):
        return value
    if value is None:
        return ""
    return md_escape(value)


def _neutralise_commands(markdown):
    """No output line may start (after blanks) with `::`, nor carry a `##[` command."""
    lines = []
    for line in markdown.split("\n"):
        if line.lstrip().startswith("::"):
            line = "\\" + line.lstrip()
        lines.append(line.replace("##[", "##\\["))
    return "\n".join(lines)


# ---------------------------------------------------------------- view model

def _number(value):
    """Points as in `37.0 / 40.0`, `0.67 / 2.0`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "?"
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _fraction(score, max_score):
    return f"{_number(score)} / {_number(max_score)}"


def _percent(score, max_score):
    try:
        if max_score and max_score > 0 and math.isfinite(score):
            return round(max(0.0, min(100.0, 100.0 * score / max_score)), 1)
    except TypeError:
        pass
    return 0.0


def _status(value):
    return value if value in STATUSES else "error"


def _text(value):
    return "" if value is None else str(value)


def _clean(value):
    """Student-influenced text for display: as _text, without control or bidi characters
    (newlines and tabs kept; Markdown collapses them later, HTML shows them)."""
    return strip_controls(_text(value).replace("\r\n", "\n"))


# What a check's or a cell's status is called in the report's language.
STATUS_TEXT = {"pass": i18n.N_("pass"), "fail": i18n.N_("fail"), "error": i18n.N_("error"), "skip": i18n.N_("skip"),
               "timeout": i18n.N_("timeout")}


# What a page that could not be rendered in full says instead.
NOT_RENDERED = i18n.N_("The full report could not be rendered ({problem}); see report.json.")


def _language(report):
    """The language the report was written in (report.json's `language`), English when it names none we have."""
    return i18n.supported(report.get("language")) or i18n.SOURCE_LANGUAGE


def _translations(report):
    """The catalogue of the report's language."""
    return i18n.translations(_language(report))


def _status_text(value, tr):
    value = _text(value)
    return tr.gettext(STATUS_TEXT[value]) if value in STATUS_TEXT else (value or "?")


def _view(report, tr):
    """Everything the templates show, computed once, tolerant of missing keys; `tr` translates."""
    checks = [c for c in report.get("checks") or [] if isinstance(c, dict)]
    targets = [t for t in report.get("targets") or [] if isinstance(t, dict)]
    score, max_score = report.get("score"), report.get("max_score")

    groups, by_target = [], {}
    for t in targets:
        group = {"target": _text(t.get("target")), "score": _fraction(t.get("score"), t.get("max_score")),
                 "percent": _percent(t.get("score"), t.get("max_score")), "checks": [],
                 "graded": _percent(1.0, t.get("max_score")) > 0}
        by_target.setdefault(group["target"], group)
        groups.append(group)
    rows = []
    for c in checks:
        status = _status(c.get("status"))
        row = {"id": _text(c.get("id")), "target": _text(c.get("target")), "status": status,
               "status_text": _status_text(c.get("status"), tr),
               "points": _fraction(c.get("points"), c.get("max_points")),
               "message": _clean(c.get("message")), "hint": _clean(c.get("hint")), "note": _clean(c.get("note")),
               "same_as": _text(c.get("same_mistake_as"))}
        rows.append(row)
        if row["target"] not in by_target:     # a target the summary does not list
            group = {"target": row["target"], "score": "", "percent": 0.0, "checks": [], "graded": False}
            by_target[row["target"]] = group
            groups.append(group)
        by_target[row["target"]]["checks"].append(row)

    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    submission = report.get("submission") if isinstance(report.get("submission"), dict) else {}
    limits = report.get("limits") if isinstance(report.get("limits"), dict) else {}
    duration = report.get("duration_s")
    return {
        "assignment": _text(report.get("assignment")) or "unknown",
        "score": _fraction(score, max_score),
        "percent": _percent(score, max_score),
        "error": _clean(report.get("error")),
        "groups": groups,
        "targets": [g for g in groups if g["score"]],
        "checks": rows,
        "counts": counts,
        "cells": [{"index": _text(c.get("index")), "status": _text(c.get("status")) or "error",
                   "status_text": _status_text(c.get("status") or "error", tr), "message": _clean(c.get("message"))}
                  for c in report.get("cells") or [] if isinstance(c, dict)],
        "warnings": [_clean(w) for w in report.get("warnings") or []],
        "submission": {"name": _text(submission.get("name")), "sha256": _text(submission.get("sha256"))},
        "grader_version": _text(report.get("grader_version")),
        "isolation": _text(report.get("isolation")),
        "duration": f"{duration:.2f} s" if isinstance(duration, (int, float)) and math.isfinite(duration) else "",
        "created": _text(report.get("created")),
        "limits": [(str(k), _text(v)) for k, v in limits.items()],
        "language": _language(report),
    }


# ---------------------------------------------------------------- plots

def figures(report, side_by_side=False):
    """([{title, caption, src (a data URI), wide}] for the artifacts present, [warnings for plots
    that failed]), in the report's language; `side_by_side`: drawn at once on several cores
    (side_by_side.py), else one after the other. A plot drawn early (draw_early) from the same
    data in the same language is taken as it is."""
    from .side_by_side import abandon_early, one_by_one, side_by_side as at_once, take_early

    tr = _translations(report)
    planned = _plots(report)
    early = [take_early(key) for key, _title, _caption, _draw, _wide in planned]
    abandon_early()
    late = iter((at_once if side_by_side else one_by_one)(
        [draw for (_key, _title, _caption, draw, _wide), taken in zip(planned, early) if taken is None]))
    drawn, problems = [], []
    for (_key, title, caption, _draw, wide), taken in zip(planned, early):
        png, error = taken or next(late)
        if error is not None:
            problems.append(tr.gettext("The plot “{title}” could not be drawn: {error}").format(title=title, error=error))
        else:
            drawn.append({"title": title, "caption": caption, "wide": wide,
                          "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii")})
    return drawn, problems


def draw_early(artifacts, language):
    """Start drawing the plots of `artifacts` (the judge's, as Report.artifacts holds them before
    it is serialised) in `language` in a forked child, for `figures` to take: a grading alone does
    this after each check that changed some, while the remaining checks run (side_by_side.start_early)."""
    from .side_by_side import start_early

    start_early([(key, draw) for key, _title, _caption, draw, _wide in
                 _plots({"language": language, "artifacts": jsonable(artifacts)})])


def _plots(report):
    """[(key, title, caption, draw, wide)] of the plots of the report.json object `report`: `draw`
    returns the PNG, in the report's language; `key`, (the artifact, the language, its data),
    names the drawing."""
    from .plots import DEFAULT_TOLERANCE, decision_boundary, fonts_for, gradient_errors, loss_curve

    tr, language = _translations(report), _language(report)
    artifacts = report.get("artifacts") if isinstance(report.get("artifacts"), dict) else {}
    planned = []

    def plan(name, title, caption, draw, wide=False):
        def drawn_in_language():
            with fonts_for(language):
                return draw()
        planned.append(((name, language, artifacts[name]), title, caption, drawn_in_language, wide))

    loss = artifacts.get("loss_curve")
    if isinstance(loss, dict) and loss.get("losses"):
        plan("loss_curve", tr.gettext("Training loss"),
             tr.gettext("Trainer.loss_list of the submission's own training run."),
             lambda: loss_curve(loss["losses"], loss.get("eval_interval"), tr.gettext))
    boundary = artifacts.get("decision_boundary")
    if isinstance(boundary, dict) and boundary.get("grid"):
        plan("decision_boundary", tr.gettext("Decision boundary"),
             tr.gettext("Classes the trained model predicts over the plane, with the data set."),
             lambda: decision_boundary(boundary, tr.gettext))
    gradients = artifacts.get("gradient_errors")
    if isinstance(gradients, dict) and gradients.get("rows"):
        plan("gradient_errors", tr.gettext("Gradient errors"),
             tr.gettext("Largest relative error of each backward gradient against central differences; "
                        "bars right of the dashed line fail."),
             lambda: gradient_errors(gradients["rows"], gradients.get("tolerance", DEFAULT_TOLERANCE), tr.gettext),
             wide=True)
    return planned


# ---------------------------------------------------------------- rendering

_loader = jinja2.FileSystemLoader(TEMPLATES)
# Babel's extraction (babel.cfg) reads the templates with these same settings.
_html_env = jinja2.Environment(
    loader=_loader, extensions=["jinja2.ext.i18n"],
    autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# Markdown has no autoescape of its own: finalize escapes every printed value
# unless it is MdRaw built by this module.
_md_env = jinja2.Environment(loader=_loader, extensions=["jinja2.ext.i18n"], autoescape=False, finalize=_md_finalize,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)


_warm = False


def warm_up():
    """Compile the templates and draw a plot ahead of the first report; once per process (a judge
    forked from a batch's fork server inherits it: drawing the figure again cost every judge
    about 0.15 CPU-seconds)."""
    global _warm
    if _warm:
        return
    _md_env.get_template("report.md.j2")
    _html_env.get_template("report.html.j2")
    from .plots import warm_up as warm_up_plots

    warm_up_plots()
    _warm = True


def _render(env, name, view, tr):
    """Template `name` filled with `view`, its sentences from the catalogue `tr` (a process renders
    one report at a time, so installing the catalogue on the shared environment is safe)."""
    env.install_gettext_translations(tr, newstyle=True)
    return env.get_template(name).render(**view)


def render_markdown(report, html_beside=True):
    """report.md; `html_beside`: its footer points to report.html (not where a platform shows the
    Markdown alone)."""
    tr = _translations(report)
    view = _view(report, tr)
    view["html_beside"] = html_beside
    view["icons"] = {s: MdRaw(MD_ICONS[s]) for s in STATUSES}
    view["br"] = MdRaw("<br>")
    text = _render(_md_env, "report.md.j2", view, tr)
    return _neutralise_commands(re.sub(r"\n{3,}", "\n\n", text).strip() + "\n")


def render_html(report, side_by_side=False):
    """report.html; `side_by_side`: its plots drawn at once on several cores (figures)."""
    tr = _translations(report)
    view = _view(report, tr)
    view["figures"], problems = figures(report, side_by_side)
    view["warnings"] = view["warnings"] + problems
    view["message_chars"] = HTML_MESSAGE_CHARS
    return _render(_html_env, "report.html.j2", view, tr)


def _fallback_markdown(report, problem):
    return _neutralise_commands(
        f"## {md_escape(report.get('assignment'))}: "
        f"{_fraction(report.get('score'), report.get('max_score'))}\n\n"
        f"{md_escape(_translations(report).gettext(NOT_RENDERED).format(problem=problem))}\n")


def _fallback_html(report, problem):
    from markupsafe import escape
    sentence = _translations(report).gettext(NOT_RENDERED)
    return (f"<!DOCTYPE html><html lang=\"{_language(report)}\"><head><meta charset=\"utf-8\"><title>report</title></head><body>"
            f"<h1>{escape(_text(report.get('assignment')))}: "
            f"{escape(_fraction(report.get('score'), report.get('max_score')))}</h1>"
            f"<p>{escape(sentence.format(problem=problem))}</p></body></html>\n")
