"""The reports of one graded submission, written into its report folder: report.json (the
contract, serialised by report.Report), report.md and report.html (views.py, with plots.py).

Files are written atomically, report.json last: its presence means the other two are complete;
an earlier report stays whole until the new one is on disk.
"""
import os
import shutil
from pathlib import Path

from .. import files
from ..report import FILES
from .views import draw_early, render_html, render_markdown, render_or_fallback, warm_up

__all__ = ["write_reports", "warm_up", "draw_early"]


def write_reports(report, out_dir, side_by_side=False):
    """Write the Report `report` as report.md, report.html and report.json into `out_dir`;
    `side_by_side`: the plots drawn at once on several cores, for a grading someone waits for
    alone (a batch keeps to one core per submission)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = report.to_json()
    texts = {"report.md": render_or_fallback(render_markdown, data),
             "report.html": render_or_fallback(render_html, data, side_by_side=side_by_side),
             "report.json": report.dumps(data)}
    written = {}
    try:
        for name, text in texts.items():
            written[name] = files.write_temporary(out_dir / name, text)
        for name in FILES:
            # A directory in a report's place (one a submission planted there, say) would make
            # the rename fail: the report replaces it, as it replaces an old file.
            if (out_dir / name).is_dir() and not (out_dir / name).is_symlink():
                shutil.rmtree(out_dir / name)
        # A report.json left from an earlier run would claim the new md/html are finished.
        (out_dir / "report.json").unlink(missing_ok=True)
        for name in FILES:
            os.replace(written[name], out_dir / name)
            del written[name]
    finally:
        for tmp in written.values():
            Path(tmp).unlink(missing_ok=True)
    _fsync_dir(out_dir)


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
