"""Visible checks, one module per assignment (the module's name is the assignment id)."""
