"""Fixtures every hidden check can ask for.

A check is a plain test function with a `check` marker:

    @pytest.mark.check(id="affine.forward", target="Affine", points=1)
    def test_affine_forward(student, rng, ref):
        layer = student.new("Affine", W, b)
        ...

`student` reaches the submission (only through the worker), `trusted` builds the judge's own
helpers there, `on_device` is the submission's device run (device checks are parametrized with
`judge.device.on_devices`), `rng` is seeded per check, `ref` is the reference implementation,
`evidence` collects plot data.
"""
import numpy
import pytest
from backprop_lab_check.outcomes import seed_for

import reference
from grader.judge.device import device_student


@pytest.fixture
def check_id(request):
    return request.node.get_closest_marker("check").kwargs["id"]


@pytest.fixture
def target(request):
    return request.node.get_closest_marker("check").kwargs["target"]


@pytest.fixture
def student(grading, check_id, target):
    """The submission, with the trusted helpers of the names `target` is built on standing in
    for the student's (grader/trusted/), seeded for this check."""
    grading.student.prepare_for(check_id, target, own=grading.own_names)
    return grading.student


@pytest.fixture
def trusted(student):
    """trusted(name, *args): a trusted helper built in the worker (grader/trusted/), for the
    model, optimizer or container a check needs around the name it grades."""
    return student.trusted


@pytest.fixture
def on_device(request, grading, check_id, target):
    """The submission's device run for the mode the check is parametrized with (on_devices);
    a check of a GPU that is not there is skipped before anything else is set up."""
    return device_student(grading, request.param, check_id, target)


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
