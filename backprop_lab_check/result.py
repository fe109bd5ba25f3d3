"""What a run of visible checks shows: an HTML table in Jupyter, plain text elsewhere."""
import html

from .local import student_frames

# Marks every common font has (DejaVu, Segoe UI Symbol, Apple Symbols): the emoji they replace were
# empty boxes in a browser without an emoji font (seen in headless Chromium on Debian).
ICONS = {"pass": "✔", "fail": "✘", "error": "⚠"}
TEXT_ICONS = {"pass": "ok  ", "fail": "FAIL", "error": "ERR "}
COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#9a6700"}


class ChecksFailed(AssertionError):
    """Raised by `check()` when a visible check did not pass (so nbgrader's autograde and
    "Run all" stop at the cell)."""


class Result:
    def __init__(self, targets, outcomes, seconds):
        self.targets, self.outcomes, self.seconds = targets, outcomes, seconds

    @property
    def passed(self):
        return all(o.status == "pass" for o in self.outcomes)

    @property
    def failed(self):
        return [o for o in self.outcomes if o.status != "pass"]

    def summary(self):
        names = ", ".join(self.targets)
        done = sum(o.status == "pass" for o in self.outcomes)
        verdict = "all passed" if self.passed else f"{len(self.failed)} did not pass"
        return f"{names}: {done}/{len(self.outcomes)} visible checks passed ({verdict}, {self.seconds:.2f} s)"

    def __str__(self):
        lines = [self.summary()]
        for o in self.outcomes:
            lines.append(f"  {TEXT_ICONS[o.status]} {o.id}: {o.message}")
            if o.hint:
                lines.append(f"       hint: {o.hint}")
        if self.passed:
            lines.append("  The hidden grader runs more checks on other inputs.")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        rows = []
        for o in self.outcomes:
            hint = f"<br><b>Hint:</b> {html.escape(o.hint)}" if o.hint else ""
            rows.append(
                # JupyterLab right-aligns table cells unless told otherwise
                f'<tr><td style="white-space:nowrap;text-align:left;color:{COLOURS[o.status]}">'
                f'{ICONS[o.status]} {o.status}</td><td style="text-align:left"><code>{html.escape(o.id)}</code></td>'
                f'<td style="text-align:left">{html.escape(o.message)}{hint}</td></tr>')
        colour = COLOURS["pass" if self.passed else "fail"]
        note = ("<p style='margin:0.2em 0;color:#57606a'>The hidden grader runs more checks on other inputs.</p>"
                if self.passed else "")
        return (f'<div class="backprop-lab-check"><p style="margin:0.2em 0;font-weight:bold;color:{colour}">'
                f"{html.escape(self.summary())}</p>"
                '<table><thead><tr><th></th><th style="text-align:left">check</th>'
                '<th style="text-align:left">message</th></tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>{note}</div>")

    def raise_for_status(self):
        """NotImplementedError again, from the student's stub, when one was hit (the notebook
        stops where the work is); ChecksFailed when anything else did not pass."""
        __tracebackhide__ = True
        for o in self.failed:
            if isinstance(o.raised, NotImplementedError):
                raise o.raised.with_traceback(student_frames(o.raised)) from None
        if not self.passed:
            names = ", ".join(o.id for o in self.failed)
            raise ChecksFailed(f"{len(self.failed)} visible check(s) did not pass: {names} (see the table above)")
