"""What the hidden checks of an assignment (grader/checks/test_<id>.py) and its visible checks
(checks/<id>.py) both say and do, written once, one module per assignment: the hints for known
mistakes, the wrong values those mistakes give, and helpers that read what a submission returned.

The hidden checks import these modules; they may not import the visible checks' own modules,
which register themselves when imported (tests/test_layout.py)."""
