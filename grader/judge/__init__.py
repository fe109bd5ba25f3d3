"""The judge: the hidden checks run by pytest against one submission, reached only through its
worker.

- `plugin.run_checks`: runs an assignment's checks (grader/checks/test_<id>.py) and returns
  their CheckResults;
- `student.Student`: what a check sees of the submission; `NoSubmission` when there is none;
- `device`: the device runs and what the device checks use.
"""
from .plugin import run_checks
from .student import NoSubmission, Student

__all__ = ["run_checks", "NoSubmission", "Student"]
