"""make bench's pure parts: the batch it grades and the arithmetic it reports (the timings
themselves are measured by `make bench`, never in a test)."""
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import bench  # noqa: E402


def test_sample_batch_copies_are_distinct_notebooks(tmp_path):
    folder, count = bench.sample_batch(tmp_path, 30)
    notebooks = sorted(folder.glob("*/*.ipynb"))
    assert count == len(notebooks) == 30
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in notebooks}) == 30  # none graded once for two
    assert {p.name for p in notebooks} == {p.name for p in (ROOT / "submissions").glob("*/*.ipynb")}


def test_batch_section_reports_ratios_overhead_and_the_projection():
    rows = [("--jobs 1", 200.0, 0.5, 120.0), ("--jobs 2", 110.0, 100 / 110.0, 118.0),
            ("--cluster local:1", 210.0, 100 / 210.0, 125.0)]
    text = "\n".join(bench.batch_section(rows, 100))
    assert "| `--jobs 2` | 110.0 | 0.91 | 1.82x | 118.0 | 1.07 | 1.18 |" in text
    assert "(210.0 s - 200.0 s) / 100 = 0.10 s" in text
    assert "- 7 assignments, 16 cores: 350,000 x 1.25 s / 16 = 7.6 hours" in text
    assert "- 7 assignments, 320 cores: 350,000 x 1.25 s / 320 = 0.4 hours" in text
    assert "- 8 assignments, 16 cores: 400,000 x 1.25 s / 16 = 8.7 hours" in text
