#!/usr/bin/env bash
# Optional system packages: bubblewrap isolates the grader's worker, chromium lets the
# tests open HTML reports and chromium-driver lets them drive JupyterLab in it, fonts-nanum
# draws Hangul in Korean reports and their plots (docs/i18n.md). Installed
# with apt when we can (as root, or with passwordless sudo as on GitHub's runners);
# otherwise, and whenever bubblewrap cannot work here, we say so. See docs/security.md
# for what the grader does without it.
set -u
wanted=()
command -v bwrap >/dev/null 2>&1 || wanted+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
command -v chromedriver >/dev/null 2>&1 || wanted+=(chromium-driver)
[ -n "$(fc-list :lang=ko 2>/dev/null)" ] || wanted+=(fonts-nanum)
if [ ${#wanted[@]} -gt 0 ]; then
    as_root=()
    [ "$(id -u)" = 0 ] || { sudo -n true >/dev/null 2>&1 && as_root=(sudo -n); }
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ ${#as_root[@]} -gt 0 ]; }; then
        echo "installing ${wanted[*]} with apt-get"
        ("${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq "${wanted[@]}") >/dev/null 2>&1 \
            || echo "warning: apt-get could not install ${wanted[*]}"
        # matplotlib lists the system's fonts once and keeps the list: forget it, so the new
        # fonts are found.
        [[ " ${wanted[*]} " == *" fonts-nanum "* ]] && \
            rm -f "${MPLCONFIGDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/matplotlib}"/fontlist-v*.json
    else
        echo "note: ${wanted[*]} not installed (needs root or sudo, and apt-get). Without bubblewrap the"
        echo "      grader falls back to weaker isolation (see docs/security.md); without chromium the"
        echo "      HTML report and JupyterLab tests are skipped; without a Korean font Korean reports"
        echo "      show boxes for Hangul. On Debian/Ubuntu: sudo apt-get install ${wanted[*]}"
    fi
fi
if command -v bwrap >/dev/null 2>&1; then
    if ! bwrap --ro-bind / / --unshare-all --die-with-parent true >/dev/null 2>&1; then
        echo "note: bubblewrap is installed but cannot create namespaces here (unprivileged user"
        echo "      namespaces are disabled, e.g. kernel.apparmor_restrict_unprivileged_userns=1 or"
        echo "      kernel.unprivileged_userns_clone=0): the grader uses the fallback isolation,"
        echo "      see docs/security.md."
    fi
elif [[ " ${wanted[*]} " == *" bubblewrap "* ]]; then
    echo "note: the grader will use the fallback isolation (no bubblewrap), see docs/security.md."
fi
exit 0
