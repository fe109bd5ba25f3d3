# The two commands a fresh clone needs: `make grade` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUBMISSIONS ?= submissions
CLASSROOM_KEY ?= classroom.key

.PHONY: install grade test exercises check-exercises bench classroom clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@# Where PYTHONDONTWRITEBYTECODE is set (many container images), every judge would compile these again.
	$(PY) -m compileall -q grader reference backprop_lab_check > /dev/null
	@bash tools/system_packages.sh
	@touch $(STAMP)

grade: $(STAMP)
	$(PY) -m grader batch $(SUBMISSIONS) --out reports --jobs $(JOBS)

test: $(STAMP)
	$(PY) -m pytest -n $(JOBS) tests

exercises: $(STAMP)
	$(PY) tools/make_exercises.py

check-exercises: $(STAMP)
	$(PY) tools/make_exercises.py --check

# The GitHub Classroom template (dist/classroom/) and its manifest; see docs/classroom.md.
classroom: $(STAMP)
	$(PY) tools/classroom.py --out dist/classroom --key-file $(CLASSROOM_KEY)

bench: $(STAMP)
	$(PY) tools/bench.py --out docs/benchmarks.md

clean:
	rm -rf $(VENV) reports build dist *.egg-info
