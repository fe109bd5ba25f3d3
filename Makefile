# The two commands a fresh clone needs: `make grade` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUBMISSIONS ?= submissions
CLASSROOM_KEY ?= classroom.key

GPU_PYTHON ?= 3.12
GPU_ARCH ?= x86_64

.PHONY: install grade test exercises check-exercises i18n bench classroom gradescope prairielearn gpu-check gpu-wheels clean

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

# The message catalogues (docs/i18n.md): extract the marked sentences, merge them into
# locale/<lang>/LC_MESSAGES/backprop_lab.po, compile those into backprop_lab_check/locale/.
i18n: $(STAMP)
	$(PY) tools/catalogues.py update

# The GitHub Classroom template (dist/classroom/) and its manifest; see docs/classroom.md.
classroom: $(STAMP)
	$(PY) tools/classroom.py --out dist/classroom --key-file $(CLASSROOM_KEY) $(CLASSROOM_OPTIONS)

# Course platforms (docs/platforms.md): Gradescope's autograder zip, PrairieLearn's questions.
gradescope: $(STAMP)
	$(PY) tools/gradescope_zip.py --out dist/gradescope/autograder.zip $(GRADESCOPE_OPTIONS)

prairielearn: $(STAMP)
	$(PY) tools/prairielearn_course.py --out dist/prairielearn $(PRAIRIELEARN_OPTIONS)

bench: $(STAMP)
	$(PY) tools/bench.py --out docs/benchmarks.md $(BENCH_OPTIONS)

# Real CuPy on a GPU machine, no network needed there (docs/gpu.md); one line and exit 0 without a GPU.
gpu-check:
	bash tools/gpu_check.sh

# Where there is a network: the judge's packages as wheels for the GPU machine's Python, into .gpu-wheels/.
gpu-wheels: $(STAMP)
	$(PY) tools/gpu_env.py download --python-version $(GPU_PYTHON) --arch $(GPU_ARCH) --dest .gpu-wheels

clean:
	rm -rf $(VENV) reports build dist *.egg-info .gpu-check
