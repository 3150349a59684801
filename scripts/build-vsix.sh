#!/usr/bin/env bash
# Build the VS Code extension: editors/vscode/dlmls.vsix (what tests/e2e/test_vscode.py installs).
#   npm ci when package-lock.json changed since the last install (exact versions, the npm registry only),
#   npm run compile (tsc type check + esbuild bundle into dist/extension.js),
#   npm run package (vsce --no-dependencies: the bundle, the grammar, package.json; no node_modules).
# Usage: scripts/build-vsix.sh [--test-grammar]   (also run vscode-tmgrammar-test)
# Prints the .vsix path last. Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
stamp=node_modules/.dlmls-package-lock.sha256
digest="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s' "$digest" > "$stamp"
fi
npm run -s compile
if [ "${1:-}" = "--test-grammar" ]; then
  npm run -s test:grammar
fi
npm run -s package >&2
echo "$PWD/dlmls.vsix"
