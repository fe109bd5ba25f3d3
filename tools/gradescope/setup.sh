#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu; 22.04 is
# its default base image). It installs a Python of 3.10 or later if there is none, the grader
# with its dependencies into a virtual environment that run_autograder uses, and bubblewrap
# where apt has it (the grader confines the student's code with it when the container allows
# user namespaces, and falls back to rlimits, Landlock and seccomp otherwise). A failure stops
# the build, so it shows on the Configure Autograder page, not to students.
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv=/opt/backprop-lab/venv  # run_autograder's default AUTOGRADER_PYTHON lives here

apt_updated=""
apt_install() {
    [ -n "$apt_updated" ] || { apt-get update -qq && apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

recent_python() {
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11 python3.10; do
        if command -v "$candidate" >/dev/null 2>&1 \
                && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

python="$(recent_python)" || { apt_install python3 python3-venv && python="$(recent_python)"; } \
    || { apt_install python3.11 python3.11-venv && python="$(recent_python)"; } \
    || { echo "error: no Python 3.10 or later here, and apt could not install one;" \
              "choose the Ubuntu 22.04 base image (or later) in the autograder settings" >&2; exit 1; }
echo "using $python ($("$python" --version 2>&1))"

# Debian and Ubuntu ship the venv module (ensurepip) in a package of its own.
if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    apt_install "$(basename "$python")-venv"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --no-cache-dir -e "$source_dir"
# Every submission runs in a fresh container from this image: compile the grader and build
# matplotlib's font cache once, here, rather than in each grading.
"$venv/bin/python" -m compileall -q "$source_dir/grader" "$source_dir/reference" \
    "$source_dir/backprop_lab_check" >/dev/null
"$venv/bin/python" -c "import matplotlib.pyplot"
echo "grader installed; assignments: $("$venv/bin/python" -m grader list | tr '\n' ' ')"

if ! command -v bwrap >/dev/null 2>&1; then
    apt_install bubblewrap || echo "note: apt could not install bubblewrap; the grader will use its fallback isolation"
fi
