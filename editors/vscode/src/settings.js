// @ts-check
// Which `dlmls.*` settings go to the server, and in what shape: plain functions, no `vscode`,
// so that tests/test_vscode_settings.py runs this very file with node (no build, no
// node_modules) and feeds what it returns to the server's settings parser. extension.ts
// imports it (esbuild bundles it into dist/extension.js; tsc checks it through checkJs).
'use strict';

const SECTION = 'dlmls';
// Setting names under `dlmls.` that belong to the client; every other `dlmls.<name>` in
// package.json is a server setting (server/dlmls/lsp/settings.py).
const CLIENT_PREFIXES = ['server.', 'trace.'];

/**
 * The server setting names: package.json's `dlmls.<name>` properties that are not the client's own.
 * @param {any} packageJSON
 * @returns {string[]}
 */
function settingNames(packageJSON) {
  const properties = packageJSON?.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith(`${SECTION}.`))
    .map((key) => key.slice(SECTION.length + 1))
    .filter((name) => !CLIENT_PREFIXES.some((prefix) => name.startsWith(prefix)));
}

/**
 * `{dlmls: {workerCommand, dlmHome, ...}}`: what the server reads, each name's value from `get`
 * (the configuration's `get(name)`: package.json supplies the defaults).
 * @param {string[]} names the server setting names (`settingNames`)
 * @param {(name: string) => unknown} get
 * @returns {{ dlmls: Record<string, unknown> }}
 */
function settingsPayload(names, get) {
  /** @type {Record<string, unknown>} */
  const values = {};
  for (const name of names) {
    // `synthesis.teacher` travels as {synthesis: {teacher}} (server/dlmls/lsp/settings.py reads both).
    const groups = name.split('.');
    const last = /** @type {string} */ (groups.pop());
    let target = values;
    for (const group of groups) {
      target = /** @type {Record<string, unknown>} */ (target[group] ??= {});
    }
    target[last] = get(name);
  }
  return { [SECTION]: values };
}

module.exports = { SECTION, CLIENT_PREFIXES, settingNames, settingsPayload };
