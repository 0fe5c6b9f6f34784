#!/usr/bin/env bash
# Set everything up (a venv in .venv with the package and its test extras) and run the whole
# test suite with the linters. This is the README's second quick-start command and what CI runs.
# The [test] extra holds what the tests need (selenium for the browser test), the [export]
# extra's openpyxl and matplotlib included (the tests export); tests/packaging builds the wheel
# with this venv's pip and installs it in a fresh venv from the package index (pip's cache
# makes that quick after the first run).
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser test (tests/browser) drives Debian's headless Chromium through Selenium; install
# it from the distribution's packages once (CI runs this as root on Debian). Skipped when present.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
    else
        echo "chromium and chromium-driver are not installed: tests/browser will be skipped" >&2
    fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check gworkspace_supervision tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
