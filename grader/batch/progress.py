"""What a batch shows while it runs: a rich progress bar on a terminal, one line per finished
submission otherwise (CI logs); every name and message from a submission printed inert."""
from backprop_lab_check.i18n import _, ngettext

from ..text import terminal
from .gradebook import points, status_word
from .results import FAILED, REFUSED


class Progress:
    """A rich progress bar on a terminal; one line per finished submission otherwise (CI logs)."""

    def __init__(self, console, total: int, cached: int, enabled: bool):
        self.console = console
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 0
        self.bar = None
        if enabled and cached:
            self.console.print(ngettext("{count} submission(s) unchanged since their last report (cached)",
                                        "{count} submission(s) unchanged since their last report (cached)",
                                        cached).format(count=cached), highlight=False)
        if self.enabled and console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TimeRemainingColumn(), console=console)
            self.task = self.bar.add_task(_("grading"), total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def advance(self, outcome) -> None:
        self.done += 1
        if not self.enabled:
            return
        sub = outcome.entry
        name = terminal(f"{sub.student}/{sub.assignment}")
        if self.bar is not None:
            from rich.markup import escape
            from rich.text import Text

            self.bar.update(self.task, advance=1, description=_("grading (last: {name})").format(name=escape(name)))
            if outcome.status in (FAILED, REFUSED):
                self.bar.console.print(Text(_("{status} {name}: {error}").format(
                    status=status_word(outcome.status), name=name, error=terminal(outcome.error)), style="red"))
            return
        width = len(str(self.total))
        counter = f"[{self.done:>{width}}/{self.total}]"
        scored = dict(counter=counter, status=status_word(outcome.status), name=name, score=points(outcome.score),
                      max_score=points(outcome.max_score), seconds=outcome.seconds)
        if outcome.status in (FAILED, REFUSED):
            line = _("{counter} {status} {name}: {score}/{max_score} ({seconds:.1f} s) - {error}").format(
                error=terminal(outcome.error), **scored)
        else:
            line = _("{counter} {status} {name}: {score}/{max_score} ({seconds:.1f} s)").format(**scored)
        self.console.print(line, highlight=False, markup=False, soft_wrap=True)
