#!/usr/bin/env bash
# The whole test suite: set up (if needed), then run every test.
# Extra arguments go to pytest (e.g. scripts/test.sh -k conformance).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
