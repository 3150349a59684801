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
current() {
  # The current adapter version of the document (the store's pointer), e.g. v0002.
  "$PWD/.venv/bin/python" - "$FILE" <<'PY'
import sys
from pathlib import Path
from dlmls.core.document import Document
from dlmls.store import current_version
info = Document(Path(sys.argv[1]).read_text(encoding="utf-8")).model.frontmatter.info
version = current_version(info.dlm_id).version
print(version.name if version is not None else "none")
PY
}
ask() {  # ask VERSION: the greedy answer of that version (or the base model) to the question
  "$DLMLS" prompt "$FILE" "$QUESTION" --version "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//'
}
echo "== 1/4 train on the document"
train
FIRST="$(current)"
echo "== 2/4 synthesize instructions (teacher: the adapter just trained), judge, accept into the file"
BEFORE="$(mktemp)"
cp "$FILE" "$BEFORE"
"$DLMLS" synth instructions "$FILE" --teacher self --apply
echo "== 3/4 retrain on the prose and the accepted pairs"
train
LAST="$(current)"
echo "== 4/4 ask: $QUESTION"
A_BASE="$(ask base)"
A_FIRST="$(ask "$FIRST")"
A_LAST="$(ask "$LAST")"
echo
echo "Accepted into the document:"
diff "$BEFORE" "$FILE" | sed -n 's/^> //p' | grep -v '^<!--' | sed 's/^/  /' || true
rm -f "$BEFORE"
echo
echo "Question: $QUESTION"
printf '  %-28s %s\n' "base model (no adapter):" "$A_BASE" "first adapter ($FIRST):" "$A_FIRST" \
  "after the loop ($LAST):" "$A_LAST"
echo "dlmls main: done; the document with its new pairs: $FILE"
