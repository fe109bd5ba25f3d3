"""The hidden checks: one pytest module per assignment, run by the judge only."""
