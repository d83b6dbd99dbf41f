#!/usr/bin/env bash
# Browser tests (JupyterLab widgets, live presentation, static slides) in headless Chromium.
# Runs when a Chromium is available; as root with apt-get it installs what is missing
# (Debian's chromium, and npm, which fetches the slides' JavaScript once). Otherwise it
# says clearly that it skips, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "browser tests: installing Debian's $*"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null) || true
    fi
}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    apt_install chromium
    CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
    if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then
        echo "browser tests: FAILED - no Chromium found and REQUIRE_BROWSER=1" >&2
        exit 1
    fi
    echo "======================================================================"
    echo "browser tests: SKIPPED - no Chromium on this machine (apt-get install chromium)"
    echo "======================================================================"
    exit 0
fi
command -v npm >/dev/null || apt_install npm
export CHROMIUM
exec .venv/bin/python -m pytest tests/browser -q "$@"
