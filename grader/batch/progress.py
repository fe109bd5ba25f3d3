"""What a batch shows while it runs: a rich progress bar on a terminal, one line per finished
submission otherwise (CI logs); every name and message from a submission printed inert."""
from ..text import terminal
from .gradebook import points
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
            self.console.print(f"{cached} submission(s) unchanged since their last report (cached)",
                               highlight=False)
        if self.enabled and console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TimeRemainingColumn(), console=console)
            self.task = self.bar.add_task("grading", total=total)

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

            self.bar.update(self.task, advance=1, description=f"grading (last: {escape(name)})")
            if outcome.status in (FAILED, REFUSED):
                self.bar.console.print(Text(f"{outcome.status} {name}: {terminal(outcome.error)}", style="red"))
            return
        width = len(str(self.total))
        line = (f"[{self.done:>{width}}/{self.total}] {outcome.status} {name}: "
                f"{points(outcome.score)}/{points(outcome.max_score)} ({outcome.seconds:.1f} s)")
        if outcome.status in (FAILED, REFUSED):
            line += f" - {terminal(outcome.error)}"
        self.console.print(line, highlight=False, markup=False, soft_wrap=True)
