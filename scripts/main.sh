#!/usr/bin/env bash
# The main job: set up (if needed), then check the example document.
# Usage: scripts/main.sh [FILE.dlm ...]   (default: examples/notes.dlm)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -eq 0 ]; then set -- examples/notes.dlm; fi
exec .venv/bin/dlmls check "$@"
