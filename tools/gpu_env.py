"""What `make gpu-check` needs on a GPU machine, which has no network: the GPU itself, and the
few pure-Python packages the grader's judge imports that such a machine may lack.

A GPU machine image ships CuPy, NumPy and matplotlib (the worker's libraries, too big to carry);
the judge also needs nbformat, IPython, pytest, Jinja2 and rich. `make gpu-wheels` downloads
those, with their dependencies, as wheels for the GPU machine's Python and platform into a
folder that travels with the working tree; the check installs from it what is missing.

    python tools/gpu_env.py probe       # the GPU and the versions, or exit 1 with why there is none
    python tools/gpu_env.py missing     # the distributions to install here, one per line
    python tools/gpu_env.py download --python-version 3.12 --arch x86_64 --dest .gpu-wheels

Standard library only (and CuPy, for the probe): it runs before anything is installed.
"""
import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

# import name -> distribution: what the judge imports beyond the machine's own libraries
JUDGE_PACKAGES = {"nbformat": "nbformat", "IPython": "ipython", "pytest": "pytest", "xdist": "pytest-xdist",
                  "jinja2": "jinja2", "rich": "rich"}
MACHINE_PACKAGES = ("numpy", "matplotlib")  # never in the wheel folder: the machine must have them
MANYLINUX = ("manylinux_2_28_{arch}", "manylinux_2_17_{arch}", "manylinux2014_{arch}")


def probe():
    """(device name, None) when CuPy sees a CUDA device, else (None, reason)."""
    try:
        import cupy
        count = cupy.cuda.runtime.getDeviceCount()
    except ImportError:
        return None, "CuPy is not installed"
    except Exception as exc:  # a CUDA error of any kind: no driver, no device
        return None, f"CuPy finds no CUDA device ({type(exc).__name__}: {exc})"
    if not count:
        return None, "CuPy finds no CUDA device"
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    return (name.decode() if isinstance(name, bytes) else str(name)), None


def versions():
    """CuPy's, CUDA's, NumPy's and Python's versions, as far as they can be read."""
    import cupy
    import numpy
    try:
        cuda = f", CUDA runtime {cupy.cuda.runtime.runtimeGetVersion()}"
    except Exception:  # an emulation, or a CUDA that cannot say
        cuda = ""
    return f"CuPy {cupy.__version__}{cuda}, NumPy {numpy.__version__}, Python {sys.version.split()[0]}"


def missing(names):
    return [name for name in names if importlib.util.find_spec(name) is None]


def download(python_version, arch, dest):
    """pip download the judge's packages and their dependencies as wheels for that machine."""
    platforms = [arg for tag in MANYLINUX for arg in ("--platform", tag.format(arch=arch))]
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                    "--implementation", "cp", "--python-version", python_version, *platforms,
                    "--dest", str(dest), *JUDGE_PACKAGES.values()], check=True)
    wheels = sorted(Path(dest).glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 2**20
    print(f"{len(wheels)} wheels, {size:.1f} MiB, in {dest} (for CPython {python_version} on {arch})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("probe", help="print the GPU's name and versions, or why there is none (exit 1)")
    commands.add_parser("missing", help="print the judge's distributions that are not installed")
    fetch = commands.add_parser("download", help="download the judge's packages as wheels")
    fetch.add_argument("--python-version", default=f"{sys.version_info.major}.{sys.version_info.minor}",
                       help="the GPU machine's Python, e.g. 3.12 (default: this one's)")
    fetch.add_argument("--arch", default="x86_64", help="the GPU machine's architecture: x86_64 or aarch64")
    fetch.add_argument("--dest", type=Path, default=Path(".gpu-wheels"))
    args = parser.parse_args(argv)
    if args.command == "probe":
        name, reason = probe()
        print(f"{name} ({versions()})" if name else reason)
        return 0 if name else 1
    if args.command == "missing":
        absent = missing(MACHINE_PACKAGES)
        if absent:
            print(f"this machine lacks {', '.join(absent)}, which a GPU check cannot bring: install "
                  f"them with CuPy", file=sys.stderr)
            return 2
        print("\n".join(JUDGE_PACKAGES[name] for name in missing(JUDGE_PACKAGES)))
        return 0
    download(args.python_version, args.arch, args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
