#!/usr/bin/env bash
# Set everything up (a venv in .venv with the package and its test extras) and run the whole
# test suite with the linters. This is the README's second quick-start command and what CI runs.
# The [test] extra holds what the tests need, the [export] extra's openpyxl and matplotlib
# included (the tests export); tests/packaging builds the wheel with this venv's pip and installs
# it in a fresh venv from the package index (pip's cache makes that quick after the first run).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check gworkspace_supervision tests scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
