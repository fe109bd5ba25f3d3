"""report.md / report.html / report.json: content, escaping, atomic writing, plots, and
the HTML page rendered by a real headless Chromium."""
import base64
import copy
import io
import json
import math
import os
import re
import sys

import numpy
import pytest

from grader.render import plots, views, write_reports
from grader.render.views import render_html, render_markdown
from grader.report import Report
from gradelib import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import student_path  # noqa: E402  (tools/student_path.py: the same Chromium the JupyterLab tests drive)

SCRIPT = "<script>alert(1)</script>"
NOTICE = "::notice::Points 100/100"


def spiral(n_per_class=60, classes=3, seed=0):
    """The book's spiral data set (DLFS2 dataset/spiral.py)."""
    rng = numpy.random.default_rng(seed)
    points, labels = [], []
    for j in range(classes):
        for i in range(n_per_class):
            rate = i / n_per_class
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.normal() * 0.2
            points.append([radius * math.sin(theta), radius * math.cos(theta)])
            labels.append(j)
    return points, labels


def spiral_grid(xlim, ylim, size=80, classes=3):
    """What a well-trained model predicts: the arm whose angle at that radius is nearest."""
    xs = numpy.linspace(*xlim, size)
    ys = numpy.linspace(*ylim, size)
    X, Y = numpy.meshgrid(xs, ys)              # rows: y from ylim[0] to ylim[1]
    radius, theta = numpy.hypot(X, Y), numpy.arctan2(X, Y)
    arms = numpy.stack([(theta - 4.0 * radius - 4.0 * j + math.pi) % (2 * math.pi) - math.pi
                        for j in range(classes)])
    return numpy.abs(arms).argmin(axis=0).astype(int).tolist()


def realistic_data():
    """A report.json object with every field, odd values included."""
    points, labels = spiral()
    xlim, ylim = [-1.1, 1.1], [-1.1, 1.1]
    losses = [1.1 * math.exp(-k / 40) + 0.05 + 0.02 * math.sin(k) for k in range(120)]
    losses[60] = float("nan")                   # a diverging batch: not finite
    checks = [
        {"id": "mul.forward", "target": "MulLayer", "status": "pass", "points": 1.0, "max_points": 1.0,
         "message": "ok", "hint": None},
        {"id": "mul.backward", "target": "MulLayer", "status": "fail", "points": 0.0, "max_points": 2.0,
         "message": "dx differs from the reference | max abs error 0.5, max rel error 1\n(worst at index (0, 1))",
         "hint": "backward must swap x and y: dx = dout * y"},
        {"id": "affine.forward", "target": "Affine", "status": "pass", "points": 2.0, "max_points": 2.0,
         "message": "ok", "hint": None},
        {"id": "affine.backward.numerical", "target": "Affine", "status": "fail", "points": 1.5,
         "max_points": 3.0, "message": "dW has shape (3, 2), expected (2, 3) `W.T` | partial credit",
         "hint": "dW = x.T @ dout"},
        {"id": "affine.backward.inplace", "target": "Affine", "status": "error", "points": 0.0,
         "max_points": 3.0, "message": f"the submission's code raised ValueError: {SCRIPT}", "hint": None},
        {"id": "softmax.stable", "target": "Softmax", "status": "error", "points": 0.0, "max_points": 2.0,
         "message": NOTICE, "hint": None},
        {"id": "softmax.forward", "target": "Softmax", "status": "pass", "points": 2.0, "max_points": 2.0,
         "message": "ok", "hint": None},
        {"id": "swl.backward", "target": "SoftmaxWithLoss", "status": "skip", "points": 0.0,
         "max_points": 2.0, "message": "needs Softmax", "hint": None},
        {"id": "spiral.accuracy", "target": "TwoLayerNet", "status": "pass", "points": 5.0, "max_points": 5.0,
         "message": "accuracy 0.97 on the spiral data (needs 0.9)", "hint": None},
    ]
    return {
        "assignment": "layers", "score": 11.5, "max_score": 20.0, "error": None,
        "checks": checks,
        "targets": [{"target": "MulLayer", "score": 1.0, "max_score": 3.0},
                    {"target": "Affine", "score": 3.5, "max_score": 8.0},
                    {"target": "Softmax", "score": 2.0, "max_score": 4.0},
                    {"target": "SoftmaxWithLoss", "score": 0.0, "max_score": 0.0},
                    {"target": "TwoLayerNet", "score": 5.0, "max_score": 5.0}],
        "submission": {"name": "layers.ipynb", "sha256": "ab" * 32, "path": "submissions/alice/layers.ipynb"},
        "cells": [{"index": 3, "status": "error", "message": "NameError: name 'np' is not defined"},
                  {"index": 7, "status": "timeout", "message": "the cell ran longer than 60 s"}],
        "artifacts": {
            "loss_curve": {"losses": losses, "eval_interval": 10},
            "decision_boundary": {"xlim": xlim, "ylim": ylim, "grid": spiral_grid(xlim, ylim),
                                  "points": points, "labels": labels},
            "gradient_errors": {"tolerance": 1e-5, "rows": [
                {"check": "affine.backward.numerical", "tensor": "Affine.dx", "max_abs": 2e-10, "max_rel": 3.1e-9},
                {"check": "affine.backward.numerical", "tensor": "Affine.dW", "max_abs": 0.8, "max_rel": 0.42},
                {"check": "affine.backward.numerical", "tensor": "Affine.db", "max_abs": 0.0, "max_rel": 0.0},
                {"check": "sigmoid.backward.numerical", "tensor": "Sigmoid.dx", "max_abs": 1e-11, "max_rel": 2e-8},
                {"check": "tanh.backward.numerical", "tensor": "Tanh.dx", "max_abs": 3e-3, "max_rel": 7e-4},
                {"check": "swl.backward.numerical", "tensor": "SoftmaxWithLoss.dx", "max_abs": None,
                 "max_rel": float("inf")},
            ]},
        },
        "grader_version": "0.1.0+abc123", "isolation": "bubblewrap",
        "limits": {"call_timeout_s": 10.0, "memory_mb": 2048},
        "warnings": ["The submission printed 2000000 bytes; only the first 1048576 were kept.",
                     "line one\n::warning::spoofed"],
        "duration_s": 1.23, "created": "2026-11-24T12:00:00Z",
    }


def realistic_report():
    return Report.from_json(realistic_data())


def error_report():
    return Report("layers", error="The file is not a notebook: JSON decoding failed at line 1.",
                  created="2026-11-24T12:00:00Z")


def without_non_finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: without_non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_non_finite(v) for v in value]
    return value


def md_lines(markdown):
    return markdown.split("\n")


# ------------------------------------------------------------------ files

def test_writes_three_files_and_json_round_trips(tmp_path):
    data = realistic_data()
    report = Report.from_json(copy.deepcopy(data))
    out = tmp_path / "alice" / "layers"
    write_reports(report, out)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    text = (out / "report.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    written = json.loads(text)
    assert {key: written[key] for key in data if key != "checks"} == \
        without_non_finite({key: value for key, value in data.items() if key != "checks"})
    for got, given in zip(written["checks"], data["checks"], strict=True):  # the Report adds `note`, `same_mistake_as`
        assert {key: got[key] for key in given} == given
    assert list(written)[:4] == ["assignment", "score", "max_score", "error"]
    assert written["artifacts"]["loss_curve"]["losses"][60] is None
    assert math.isnan(report.artifacts["loss_curve"]["losses"][60]), "the caller's report must not be modified"
    assert Report.from_json(written).to_json() == written


def test_report_json_is_written_last_each_file_atomically(tmp_path, monkeypatch):
    replaced, real_replace = [], os.replace

    def spy(src, dst):
        src, dst = str(src), str(dst)
        assert os.path.dirname(src) == os.path.dirname(dst), "temp file must be in the same directory"
        with open(src, "rb") as handle:
            assert handle.read(), "the temp file is complete before it is renamed"
        replaced.append(os.path.basename(dst))
        real_replace(src, dst)

    monkeypatch.setattr("grader.render.os.replace", spy)
    write_reports(realistic_report(), tmp_path)
    assert replaced[-1] == "report.json" and sorted(replaced) == ["report.html", "report.json", "report.md"]


def test_failed_write_leaves_no_temp_files_and_no_stale_json(tmp_path, monkeypatch):
    write_reports(error_report(), tmp_path)                  # an earlier, finished run
    real_replace = os.replace

    def failing(src, dst):
        if str(dst).endswith("report.html"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("grader.render.os.replace", failing)
    with pytest.raises(OSError):
        write_reports(realistic_report(), tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "report.json" not in names, "a stale report.json would mark the new run finished"
    assert not [n for n in names if n.endswith(".tmp") or n.startswith(".")], names


def test_directories_in_the_reports_places_are_replaced(tmp_path):
    for name in ("report.json", "report.html"):
        (tmp_path / name / "inside").mkdir(parents=True)
    write_reports(error_report(), tmp_path)
    assert json.loads((tmp_path / "report.json").read_text()) == error_report().to_json()
    assert (tmp_path / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_error_only_report_renders(tmp_path):
    write_reports(error_report(), tmp_path)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert markdown.startswith("## layers: 0.0 / 0.0\n")
    assert "**Not graded:** The file is not a notebook: JSON decoding failed at line 1." in markdown
    assert "No checks ran: the submission could not be read." in markdown
    assert "The submission could not be graded." in html and "JSON decoding failed" in html
    assert "data:image/png" not in html
    assert json.loads((tmp_path / "report.json").read_text()) == error_report().to_json()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_minimal_report_with_missing_keys_renders():
    minimal = {"assignment": "optimizers", "score": 1.0, "max_score": 2.0, "error": None,
               "checks": [{"id": "sgd.update", "status": "pass"}, {"weird": True}]}
    assert render_markdown(minimal).startswith("## optimizers: 1.0 / 2.0\n")
    assert "sgd.update" in render_html(minimal)
    odd = {"assignment": None, "score": float("nan"), "max_score": None, "error": None, "checks": None}
    assert render_markdown(odd).startswith("## unknown: ? / ?\n")
    render_html(odd)


# ------------------------------------------------------------------ markdown

def test_markdown_summary_is_escaped_and_has_no_workflow_commands():
    markdown = render_markdown(realistic_data())
    lines = md_lines(markdown)
    assert lines[0] == "## layers: 11.5 / 20.0"
    assert not [line for line in lines if line.lstrip().startswith("::")]
    assert "##[" not in markdown
    assert SCRIPT not in markdown and "<script" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "| MulLayer | 1.0 / 3.0 |" in markdown and "| Affine | 3.5 / 8.0 |" in markdown
    # every table row keeps its column count: student pipes are escaped
    for line in lines:
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line)) - 1
            assert cells in (2, 4), line
    row = next(line for line in lines if "mul.backward" in line)
    assert "\\| max abs error 0.5, max rel error 1 (worst at index (0, 1))" in row
    assert "Hint:* backward must swap x and y" in row
    assert "\\`W.T\\`" in markdown
    assert "1.5 / 3.0" in markdown and "❌ fail" in markdown and "⏭️ skip" in markdown
    assert ":\\:notice:\\:Points 100/100" in markdown
    assert "- line one :\\:warning:\\:spoofed" in markdown


def test_markdown_truncates_long_messages():
    report = realistic_data()
    report["checks"][0]["message"] = "x" * 5000
    row = next(line for line in md_lines(render_markdown(report)) if "mul.forward" in line)
    assert 300 <= len(row) < 400 and "…" in row


def test_md_escape_neutralises_markdown_and_commands():
    assert views.md_escape("::error file=a::b") == ":\\:error file=a:\\:b"
    assert views.md_escape("a|b`c`<d>&[e](f)*g*") == "a\\|b\\`c\\`&lt;d&gt;&amp;\\[e\\](f)\\*g\\*"
    assert views.md_escape("one\r\ntwo\n\n  three") == "one two three"
    assert views.md_escape("evil\u202egnp.exe\x1b[31m") == "evilgnp.exe\\[31m"
    assert views._neutralise_commands("ok\n  ::set-output name=x::1\n") == "ok\n\\::set-output name=x::1\n"


# ------------------------------------------------------------------ html

def test_html_is_escaped_self_contained_and_has_three_plots():
    html = render_html(realistic_data())
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?!data:)[a-z]+:""", html), "only data: URIs"
    assert "Content-Security-Policy" in html
    assert html.count("data:image/png;base64,") == 3
    for uri in re.findall(r'data:image/png;base64,([A-Za-z0-9+/=]+)"', html):
        png = base64.b64decode(uri, validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    for expected in ("layers", "11.5 / 20.0", "width: 57.5%", "The submission printed 2000000 bytes",
                     "NameError: name &#39;np&#39; is not defined", "0.1.0+abc123", "bubblewrap", "1.23 s",
                     "backward must swap x and y", 'class="check fail"', 'class="check error"',
                     'class="check skip"', 'class="check pass"', "Gradient errors", "Decision boundary"):
        assert expected in html, expected


def test_plot_failure_is_a_warning_not_a_crash(tmp_path):
    report = realistic_report()
    report.artifacts["decision_boundary"]["grid"] = [[0, 1], [2]]      # ragged
    report.artifacts["loss_curve"] = {"losses": []}                    # empty: no plot, no warning
    write_reports(report, tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 1
    assert "The plot “Decision boundary” could not be drawn" in html
    assert "Training loss" not in html
    assert json.loads((tmp_path / "report.json").read_text())["artifacts"]["loss_curve"] == {"losses": []}


# ------------------------------------------------------------------ plots

def _image(png):
    import matplotlib.image
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_plots_are_pngs_and_survive_odd_values():
    assert _image(plots.loss_curve([2.0, 1.0, float("nan"), None, 0.5], 20)).ndim == 3
    assert _image(plots.loss_curve([3.0], None)).ndim == 3
    rows = [{"check": "c", "tensor": "T.dx", "max_abs": 0.0, "max_rel": 0.0},
            {"check": "c", "tensor": "T.dx", "max_abs": None, "max_rel": None},
            {"check": "d", "tensor": "U.dW", "max_abs": 1.0, "max_rel": float("nan")}]
    assert _image(plots.gradient_errors(rows, 1e-5)).ndim == 3
    many = [{"check": "c", "tensor": f"T{i}.dx", "max_abs": 1.0, "max_rel": 10.0 ** -(i % 12)} for i in range(150)]
    assert _image(plots.gradient_errors(many)).shape[0] < 3000
    art = {"xlim": [0, 1], "ylim": [0, 2], "grid": [[0, 1, 7], [1, 1, 0]], "points": [], "labels": []}
    assert _image(plots.decision_boundary(art)).ndim == 3
    with pytest.raises(ValueError):
        plots.decision_boundary({"xlim": [0, 1], "ylim": [0, 1], "grid": [[0]], "points": [[0, 0]], "labels": []})


def test_decision_boundary_regions_follow_the_grid():
    """The lower half of the grid is class 0, the upper class 1: the picture's lower and
    upper halves must show different colours (rows run from ylim[0] up to ylim[1])."""
    grid = [[0] * 20] * 10 + [[1] * 20] * 10
    img = _image(plots.decision_boundary({"xlim": [-1, 1], "ylim": [-1, 1], "grid": grid,
                                          "points": [], "labels": []}))
    h, w = img.shape[:2]
    upper, lower = img[int(h * 0.3), w // 2, :3], img[int(h * 0.75), w // 2, :3]
    assert numpy.abs(upper - lower).sum() > 0.1
    # class 0 (blue #0072B2, pale) is at the bottom: more blue than red there
    assert lower[2] > lower[0]


# ------------------------------------------------------------------ the page in a real browser

def test_html_renders_in_headless_chromium(tmp_path, chromium):
    out = tmp_path / "report"
    write_reports(realistic_report(), out)
    shot = tmp_path / "shot.png"
    student_path.screenshot(out / "report.html", shot, tmp_path / "profile")

    import matplotlib.image
    pixels = matplotlib.image.imread(str(shot))[..., :3]
    assert pixels.shape[:2] == (1600, 1200)
    assert pixels.std() > 0.05, "the screenshot is (nearly) one colour"
    colours = numpy.unique((pixels.reshape(-1, 3) * 255).round().astype(numpy.uint8), axis=0)
    assert len(colours) > 200, f"only {len(colours)} distinct colours: the page did not render"
    # the header, the failing-row tint and the pass badge are all on the first screen
    has = lambda rgb: bool(numpy.any(numpy.all(numpy.abs(pixels * 255 - rgb) <= 3, axis=-1)))
    assert has((0xfd, 0xec, 0xec)), "no failing row (fail background) visible"
    assert has((0x2e, 0x7d, 0x32)), "no pass colour visible"
