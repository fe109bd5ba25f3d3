#!/usr/bin/env bash
# The GPU check: real CuPy against what CI only ever sees emulated. See docs/gpu.md.
#
#   bash tools/gpu_check.sh [--out DIR] [--wheels DIR] [--repeat N]     (or: make gpu-check)
#
# Without a GPU it says so in one line and exits 0. With one, it installs what the judge lacks
# from the wheel folder (`make gpu-wheels`, no network needed here), then, printing as it goes:
#   1. the conformance suite: the emulated device and CuPy on the same operations;
#   2. the device checks: the solutions (every device.* check must pass) and the float32/device
#      mutants (each must lose points on the right check), graded by the real CLI;
#   3. timing: the reference's training, float64 vs float32, on the CPU and on the GPU.
# Everything it printed, and the timing table, is written under --out (default .gpu-check/).
# Exit status: 0 when every step passed (or there is no GPU), 1 when a step failed, 2 when the
# machine cannot run the check (a package missing and no wheel folder).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/.gpu-check
WHEELS=$ROOT/.gpu-wheels
REPEAT=3
while [ $# -gt 0 ]; do
    case $1 in
        --out) OUT=$(realpath -m "$2"); shift 2 ;;
        --wheels) WHEELS=$(realpath -m "$2"); shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        *) echo "usage: bash tools/gpu_check.sh [--out DIR] [--wheels DIR] [--repeat N]" >&2; exit 2 ;;
    esac
done
cd "$ROOT" || exit 2

# The Python that has CuPy: $PYTHON if given, else the project's venv, else the machine's python3.
candidates=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python ) python3}
found=
for PY in $candidates; do
    if DEVICE=$("$PY" tools/gpu_env.py probe 2>&1); then
        found=yes
        break
    fi
done
if [ -z "$found" ]; then
    echo "gpu-check: no GPU here ($DEVICE); nothing to check."
    exit 0
fi

SITE=$OUT/site  # the judge's packages installed from the wheel folder, for this check only
export PYTHONPATH=$ROOT:$SITE${PYTHONPATH:+:$PYTHONPATH}
mkdir -p "$OUT"
LOG=$OUT/gpu-check.log
: > "$LOG"
say() { echo "$*" | tee -a "$LOG"; }

if ! needed=$("$PY" tools/gpu_env.py missing 2>&1); then
    say "gpu-check: $needed"
    exit 2
fi
if [ -n "$needed" ]; then
    if ! ls "$WHEELS"/*.whl > /dev/null 2>&1; then
        version=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        say "gpu-check: this machine lacks $(echo $needed) and there is no wheel folder at $WHEELS;" \
            "run 'make gpu-wheels GPU_PYTHON=$version' where there is a network and bring .gpu-wheels along"
        exit 2
    fi
    say "gpu-check: installing $(echo $needed) from $WHEELS"
    if ! "$PY" -m pip install --quiet --no-index --find-links "$WHEELS" --target "$SITE" $needed >> "$LOG" 2>&1; then
        say "gpu-check: installing from $WHEELS failed (see $LOG): were the wheels made for this Python and platform?"
        exit 2
    fi
fi

say "gpu-check: $DEVICE"
# pytest loads only the plugins named here: what else the machine has installed stays out.
export PYTEST_DISABLE_PLUGIN_AUTOLOAD=1
PARALLEL=()
if "$PY" -c 'import xdist' 2> /dev/null; then
    PARALLEL=(-p xdist.plugin -n "$(( $(nproc) < 8 ? $(nproc) : 8 ))")
fi

failed=0
step() {  # step NAME COMMAND...: run, print as it goes, time it
    local name=$1 start=$SECONDS
    shift
    say ""
    say "== $name"
    "$@" 2>&1 | tee -a "$LOG"
    local status=${PIPESTATUS[0]}
    say "== $name: $([ "$status" = 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s"
    [ "$status" = 0 ] || failed=1
}

begin=$SECONDS
step "conformance: the emulated device and CuPy on the same operations" \
    "$PY" -m pytest -q -rfE -p no:cacheprovider tests/test_device_conformance.py --junitxml="$OUT/conformance.xml"
step "device checks: solutions and float32/device mutants graded by the CLI" \
    "$PY" -m pytest -q -rfE -p no:cacheprovider "${PARALLEL[@]}" tests/test_float32.py --junitxml="$OUT/device-checks.xml"
step "timing: the reference's training, float64 vs float32, CPU and GPU" \
    "$PY" tools/bench_float32.py --repeat "$REPEAT" --out "$OUT/float32.md"
say ""
say "gpu-check: $([ $failed = 0 ] && echo "every step passed" || echo "a step FAILED") in $((SECONDS - begin)) s on $DEVICE; results in $OUT"
exit $failed
