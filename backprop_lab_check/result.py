"""What a run of visible checks shows: an HTML table in Jupyter, plain text elsewhere."""
import html

from .i18n import N_, _
from .local import student_frames

# Marks every common font has (DejaVu, Segoe UI Symbol, Apple Symbols): the emoji they replace were
# empty boxes in a browser without an emoji font (seen in headless Chromium on Debian).
ICONS = {"pass": "✔", "fail": "✘", "error": "⚠"}
TEXT_ICONS = {"pass": N_("ok"), "fail": N_("FAIL"), "error": N_("ERR")}  # padded to one width where shown
STATUS_WORDS = {"pass": N_("pass"), "fail": N_("fail"), "error": N_("error")}
COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#9a6700"}


MORE_CHECKS = N_("The hidden grader runs more checks on other inputs.")


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
        counts = dict(names=", ".join(self.targets), done=sum(o.status == "pass" for o in self.outcomes),
                      total=len(self.outcomes), failed=len(self.failed), seconds=self.seconds)
        if self.passed:
            return _("{names}: {done}/{total} visible checks passed (all passed, {seconds:.2f} s)").format(**counts)
        return _("{names}: {done}/{total} visible checks passed ({failed} did not pass, {seconds:.2f} s)").format(
            **counts)

    def __str__(self):
        lines = [self.summary()]
        for o in self.outcomes:
            lines.append(f"  {_(TEXT_ICONS[o.status]):<4} {o.id}: {o.message}")
            if o.hint:
                lines.append("       " + _("hint: {hint}").format(hint=o.hint))
        if self.passed:
            lines.append("  " + _(MORE_CHECKS))
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        rows = []
        for o in self.outcomes:
            hint = f"<br><b>{html.escape(_('Hint:'))}</b> {html.escape(o.hint)}" if o.hint else ""
            rows.append(
                # JupyterLab right-aligns table cells unless told otherwise
                f'<tr><td style="white-space:nowrap;text-align:left;color:{COLOURS[o.status]}">'
                f'{ICONS[o.status]} {html.escape(_(STATUS_WORDS[o.status]))}</td>'
                f'<td style="text-align:left"><code>{html.escape(o.id)}</code></td>'
                f'<td style="text-align:left">{html.escape(o.message)}{hint}</td></tr>')
        colour = COLOURS["pass" if self.passed else "fail"]
        note = (f"<p style='margin:0.2em 0;color:#57606a'>{html.escape(_(MORE_CHECKS))}</p>" if self.passed else "")
        return (f'<div class="backprop-lab-check"><p style="margin:0.2em 0;font-weight:bold;color:{colour}">'
                f"{html.escape(self.summary())}</p>"
                f'<table><thead><tr><th></th><th style="text-align:left">{html.escape(_("check"))}</th>'
                f'<th style="text-align:left">{html.escape(_("message"))}</th></tr></thead>'
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
            raise ChecksFailed(_("{count} visible check(s) did not pass: {names} (see the table above)").format(
                count=len(self.failed), names=names))
