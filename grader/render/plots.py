"""PNG plots for the HTML report, drawn from the plain data in report["artifacts"].

Each function takes JSON-like data (lists, numbers, None for non-finite values)
and the gettext of the report's language (`_`), and returns PNG bytes. Figures are
built with the object-oriented API on the Agg canvas, never through pyplot's global
state, so plotting is safe in the judge process and in threads.
"""
import contextlib
import io
import math

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullLocator  # noqa: E402
import numpy  # noqa: E402

DEFAULT_TOLERANCE = 1e-5
FLOOR = 1e-16              # log-scale stand-in for zero errors
MAX_GRADIENT_ROWS = 60     # more rows than this: only the worst are drawn
MAX_GRID_CELLS = 4_000_000

PASS_COLOUR = "#2e7d32"
FAIL_COLOUR = "#c62828"
# Distinct, colour-blind-friendly class colours (Okabe-Ito, then tab10 for more classes).
CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                 "#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def _png(fig):
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def _figure(width, height, left=0.7, right=0.2, bottom=0.55, top=0.4):
    """A figure with one axes' margins given in inches: a layout engine would find them
    itself, at the cost of drawing every figure twice."""
    fig = Figure(figsize=(width, height))
    fig.patch.set_facecolor("white")
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)
    return fig


def _set_title(fig, ax, title):
    """The axes' title, with the figure's top margin grown for each line beyond the first."""
    ax.set_title(title, fontsize=10, y=1.0)
    extra = title.count("\n")
    if extra:
        top = fig.subplotpars.top - 0.18 * extra / fig.get_figheight()
        fig.subplots_adjust(top=top)


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# Fonts with Hangul, in the order they are preferred (the install step provides NanumGothic).
KOREAN_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "NanumBarunGothic", "Malgun Gothic",
                "AppleGothic", "UnDotum")


def _untranslated(message):
    return message


@contextlib.contextmanager
def fonts_for(language):
    """Draw in a font family that has `language`'s script: DejaVu Sans first (the digits and
    the Latin of identifiers look the same in every report), then a Korean font for Hangul."""
    if language != "ko":
        yield
        return
    installed = {font.name for font in font_manager.fontManager.ttflist}
    korean = [name for name in KOREAN_FONTS if name in installed][:1]
    with rc_context({"font.family": ["DejaVu Sans", *korean]}):
        yield


def _power_of_ten(value, _position=None):
    """A log axis' tick label as plain text (10⁻⁵): matplotlib's default is mathtext, whose
    parser costs more than the rest of drawing the plot."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    return "10" + str(round(exponent)).translate(SUPERSCRIPTS) if abs(exponent - round(exponent)) < 1e-9 else ""


def _log_scale(ax, which):
    """Put the axes' x or y axis on a log scale, labelled 10⁻⁵ (plain text, see _power_of_ten)."""
    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(FuncFormatter(_power_of_ten))
    axis.set_minor_locator(NullLocator())  # unlabelled ticks between the decades: dozens of them to draw


def _finite(value):
    """The value as a float, or None when it is missing, not a number, nan or inf."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def loss_curve(losses, eval_interval=None, _=_untranslated):
    """The student's Trainer.loss_list against evaluations, as in the book's Trainer.plot."""
    values = [_finite(v) for v in losses]
    if not values:
        raise ValueError("no losses to plot")
    y = numpy.array([numpy.nan if v is None else v for v in values], dtype=float)
    x = numpy.arange(len(y))
    finite = y[numpy.isfinite(y)]

    fig = _figure(5.6, 4.6)
    ax = fig.add_subplot()
    ax.plot(x, y, color="#1565c0", linewidth=1.6, marker="o" if len(y) <= 30 else None, markersize=3)
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 1e3:
        _log_scale(ax, "y")
    elif finite.size:
        ax.set_ylim(bottom=min(0.0, float(finite.min())))
    interval = _finite(eval_interval)
    ax.set_xlabel(_("iterations (x{interval})").format(interval=f"{interval:g}") if interval else _("evaluations"))
    ax.set_ylabel(_("loss"))
    title = _("Training loss: last value {value}").format(value=f"{finite[-1]:.3g}") if finite.size \
        else _("Training loss")
    missing = int(numpy.sum(~numpy.isfinite(y)))
    if missing:
        title += "\n" + _("Non-finite values not drawn: {count}").format(count=missing)
    _set_title(fig, ax, title)
    ax.grid(True, alpha=0.3)
    return _png(fig)


def decision_boundary(art, _=_untranslated):
    """Predicted class regions over a grid, with the data points coloured by their label."""
    xlim = [float(v) for v in art["xlim"]]
    ylim = [float(v) for v in art["ylim"]]
    if len(xlim) != 2 or len(ylim) != 2 or not all(map(math.isfinite, xlim + ylim)):
        raise ValueError("xlim and ylim must be two finite numbers each")
    grid = numpy.array([[numpy.nan if _finite(v) is None else float(v) for v in row] for row in art["grid"]],
                       dtype=float)
    if grid.ndim != 2 or grid.size == 0 or grid.size > MAX_GRID_CELLS:
        raise ValueError(f"grid must be a non-empty 2-D list of class labels, got shape {grid.shape}")
    points = numpy.asarray(art.get("points") or [], dtype=float).reshape(-1, 2)
    labels = numpy.asarray(art.get("labels") or [], dtype=float).ravel()
    if labels.size != len(points):
        raise ValueError(f"{len(points)} points but {labels.size} labels")

    classes = sorted({int(v) for v in grid[numpy.isfinite(grid)]} | {int(v) for v in labels[numpy.isfinite(labels)]})
    index = {c: i for i, c in enumerate(classes)}
    colours = [CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(max(1, len(classes)))]

    region = numpy.full(grid.shape, numpy.nan)
    for c, i in index.items():
        region[grid == c] = i
    fig = _figure(5.6, 4.6)
    ax = fig.add_subplot()
    cmap = ListedColormap(colours).with_extremes(bad="#eeeeee")
    ax.imshow(numpy.ma.masked_invalid(region), origin="lower", extent=(*xlim, *ylim), cmap=cmap,
              vmin=-0.5, vmax=len(colours) - 0.5, alpha=0.30, interpolation="nearest", aspect="auto")
    for c, i in index.items():
        chosen = labels == c
        if chosen.any():
            ax.scatter(points[chosen, 0], points[chosen, 1], s=14, color=colours[i], edgecolors="white",
                       linewidths=0.4, label=_("class {label}").format(label=c), zorder=3)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(_("Decision boundary (regions: predicted class; dots: true class)"), fontsize=10, y=1.0)
    if len(points):
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return _png(fig)


def gradient_errors(rows, tolerance=DEFAULT_TOLERANCE, _=_untranslated):
    """Max relative error per checked tensor, on a log scale against the tolerance."""
    tolerance = _finite(tolerance) or DEFAULT_TOLERANCE
    rows = [row for row in rows if isinstance(row, dict)]
    if not rows:
        raise ValueError("no gradient errors to plot")
    shown = rows
    if len(rows) > MAX_GRADIENT_ROWS:
        # Keep the worst rows (non-finite counts as worst), in their original order.
        worst = sorted(range(len(rows)), key=lambda i: -(_finite(rows[i].get("max_rel")) or math.inf))
        keep = set(worst[:MAX_GRADIENT_ROWS])
        shown = [row for i, row in enumerate(rows) if i in keep]

    names = [str(row.get("tensor") or row.get("check") or "?") for row in shown]
    repeated = {n for n in names if names.count(n) > 1}
    labels = [f"{n}  [{row.get('check', '')}]" if n in repeated else n for n, row in zip(names, shown)]
    labels = [label if len(label) <= 48 else label[:47] + "…" for label in labels]
    values = [_finite(row.get("max_rel")) for row in shown]
    finite = [max(v, FLOOR) for v in values if v is not None]
    top = max(finite + [tolerance]) * 30
    bottom = min(finite + [tolerance]) / 30
    ends = [top if v is None else max(v, FLOOR) for v in values]
    passed = [v is not None and v <= tolerance for v in values]

    # Room on the left for the longest label (about 0.06 inch per character at 8 points).
    fig = _figure(7.5, 1.3 + 0.32 * len(shown), left=0.25 + 0.062 * max(len(label) for label in labels))
    ax = fig.add_subplot()
    y = numpy.arange(len(shown))
    ax.barh(y, [end - bottom for end in ends], left=bottom, height=0.65,
            color=[PASS_COLOUR if ok else FAIL_COLOUR for ok in passed])
    for yi, v, w in zip(y, values, ends):
        text = _("non-finite") if v is None else f"{v:.2g}"
        ax.text(w * 1.15 if v is not None else w / 1.15, yi, text, va="center", fontsize=7,
                ha="left" if v is not None else "right", color="black" if v is not None else "white")
    _log_scale(ax, "x")
    ax.set_xlim(bottom, top * 20)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(tolerance, color="#333333", linestyle="--", linewidth=1.2)
    ax.text(tolerance, -0.95, " " + _("tolerance {tolerance}").format(tolerance=f"{tolerance:g}"), fontsize=8,
            va="center", ha="left", color="#333333")
    ax.set_ylim(len(shown) - 0.5, -1.5)
    ax.set_xlabel(_("max relative error (log scale)"))
    title = _("Gradient check: {passed} of {total} tensors within tolerance").format(passed=sum(passed), total=len(shown))
    if len(shown) < len(rows):
        title += "\n" + _("Only the worst {shown} of {total} are shown.").format(shown=len(shown), total=len(rows))
    _set_title(fig, ax, title)
    ax.grid(True, axis="x", alpha=0.3)
    return _png(fig)


def warm_up():
    """Draw one small figure: loads the fonts and the glyph cache, which the first real plot
    would otherwise wait for."""
    gradient_errors([{"tensor": "warm-up", "max_rel": 1e-9}])
