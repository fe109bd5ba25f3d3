"""backprop-lab's grader: a sandboxed worker runs submissions, the judge runs hidden checks."""
__version__ = "0.1.0"
