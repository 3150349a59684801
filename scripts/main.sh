#!/usr/bin/env bash
# The main job: the self-improving loop, headless, with the embedded model SmolLM2-135M-Instruct:
#   train → synthesize pairs with the document's own adapter (--teacher self) → accept them
#   into the file → retrain on prose + pairs → ask a question the document answers.
# Usage: scripts/main.sh [FILE.dlm [QUESTION]]
#   Without FILE it works on a scratch copy of examples/notes.dlm (the checkout is never changed).
#   With FILE the accepted pairs are written into FILE (atomically, each a new ::instruction:: section).
# The store is the one every dlmls command and the editor use: $DLM_HOME, default ~/.dlm.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
DLMLS="$PWD/.venv/bin/dlmls"
if [ $# -ge 1 ]; then
  FILE="$1"
  QUESTION="${2:-What is this document about?}"
else
  SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/dlmls-main.XXXXXX")"
  cp examples/notes.dlm "$SCRATCH/notes.dlm"
  FILE="$SCRATCH/notes.dlm"
  QUESTION="${2:-What does functools.wraps copy onto the wrapper?}"
fi
echo "dlmls main: $FILE (store: ${DLM_HOME:-$HOME/.dlm})"
"$DLMLS" check "$FILE"
train() {
  local rc=0
  "$DLMLS" train "$FILE" || rc=$?
  # 5: trained, but the held-out loss got worse, so the previous version stays current.
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then exit "$rc"; fi
}
echo "== 1/4 train on the document"
train
echo "== 2/4 synthesize instructions (teacher: the adapter just trained), judge, accept into the file"
"$DLMLS" synth instructions "$FILE" --teacher self --apply
echo "== 3/4 retrain on the prose and the accepted pairs"
train
echo "== 4/4 ask: $QUESTION"
"$DLMLS" prompt "$FILE" "$QUESTION"
echo "dlmls main: done; the document with its new pairs: $FILE"
