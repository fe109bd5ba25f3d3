"""Fixtures every hidden check can ask for.

A check is a plain test function with a `check` marker:

    @pytest.mark.check(id="affine.forward", target="Affine", points=1)
    def test_affine_forward(student, rng, ref):
        layer = student.new("Affine", W, b)
        ...

`student` reaches the submission (only through the worker), `rng` is seeded per
check, `ref` is the reference implementation, `evidence` collects plot data.
"""
import numpy
import pytest

import reference
from grader.runner import seed_for


@pytest.fixture
def check_id(request):
    marker = request.node.get_closest_marker("check")
    return marker.kwargs.get("id") if marker else request.node.name


@pytest.fixture
def target(request):
    return request.node.get_closest_marker("check").kwargs["target"]


@pytest.fixture
def student(grading, check_id, target):
    """The submission, with the trusted helpers of the names `target` is built on standing in
    for the student's (grader/trusted/), seeded for this check."""
    grading.student.use_helpers_for(target, own=grading.own_names)
    grading.student.seed(seed_for(check_id))
    return grading.student


@pytest.fixture
def trusted(student):
    """trusted(name, *args): a trusted helper built in the worker (grader/trusted/), for the
    model, optimizer or container a check needs around the name it grades."""
    return student.trusted


@pytest.fixture
def rng(check_id):
    return numpy.random.default_rng(seed_for(check_id))


@pytest.fixture
def ref():
    return reference


@pytest.fixture
def evidence(grading):
    return grading.evidence


@pytest.fixture
def limits(grading):
    return grading.limits
