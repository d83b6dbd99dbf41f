#!/usr/bin/env bash
# Browser tests (JupyterLab widgets, slides) in headless Chromium.
# Runs when a Chromium is available; installs Debian's chromium when run as root with
# apt-get; otherwise says clearly that it skips, unless REQUIRE_BROWSER=1 (CI), where a
# missing browser is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser tests: installing Debian's chromium package"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true
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
export CHROMIUM
if [ ! -d tests/browser ]; then
    echo "browser tests: none defined yet"
    exit 0
fi
exec .venv/bin/python -m pytest tests/browser -q
