"""Numerical differentiation done by the judge, with the worker only evaluating.

The code lives in `backprop_lab_check.gradcheck`, shared with the visible checks that
students run in their notebooks; the hidden checks import it from here.
"""
from backprop_lab_check.gradcheck import (FULL_LIMIT, H, directional_derivatives,  # noqa: F401
                                          normalised_error, numerical_gradient, unit_directions)
