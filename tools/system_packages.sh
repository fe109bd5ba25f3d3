#!/usr/bin/env bash
# Optional system packages: bubblewrap isolates the grader's worker, chromium lets the
# tests open HTML reports. Installed with apt when we can; otherwise we say what is missing.
set -u
wanted=()
command -v bwrap >/dev/null 2>&1 || wanted+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
[ ${#wanted[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing ${wanted[*]} with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}") >/dev/null 2>&1 \
        || echo "warning: apt-get could not install ${wanted[*]}"
else
    echo "note: ${wanted[*]} not installed (needs root and apt-get). Without bubblewrap the grader"
    echo "      falls back to weaker isolation (see docs/security.md); without chromium the HTML"
    echo "      report test is skipped. On Debian/Ubuntu: sudo apt-get install ${wanted[*]}"
fi
