// Drives code-server (real VS Code) in headless Debian chromium with playwright-core,
// the way a user would, and writes what the editor showed to a JSON file that
// tests/e2e/test_vscode.py asserts on. Steps (each with its own timeout; a failed
// step is recorded with a screenshot and the next one still runs):
//   load         open the workbench with the workspace folder
//   document     open config.document, wait for the server's problems in the Problems panel
//   hover        put the cursor on config.hover ("line:column", 1-based) and show the hover
//   retrain      open config.retrain.file, run "DLM: Retrain adapter" from the command palette,
//                record every notification (and status bar text) until one contains
//                config.retrain.done, then wait for the adapter's version in the status bar
//   ask          run "DLM: Ask the adapter", type config.ask.question in the input box, wait
//                for the answer
//   log          run "DLM: Show server log", read the output panel
//   cancel       open config.cancel.file, run "DLM: Retrain adapter", wait for a step in the
//                progress notification, press its Cancel button, wait for config.cancel.done,
//                then run "DLM: Cancel retraining" with nothing running (config.cancel.idle);
//                retrain again and cancel with a click on the job's status bar item
//   reconfigure  replace the user settings in VS Code's settings.json editor and save
//                (config.reconfigure.settings), then retrain config.retrain.file again and
//                wait for config.reconfigure.done
//   synth        replace the user settings again (config.synth.settings: the real engine's
//                worker, synthesis settings), open config.synth.file, put the cursor on
//                config.synth.line, run "DLM: Synthesize instructions for this section", wait
//                for the staged message, the code lenses and the inline previews; click the
//                first "Accept: …" lens, then the first "Reject" lens, look at "DLM: Accept a
//                suggestion..." (Escape), run "DLM: Reject all suggestions" for the rest, check
//                that lenses, previews and the status bar count are gone, run the accept again
//                (nothing pending), save the file and read it back
// With config.docs (a folder), the screenshots of the README are saved there too: the Problems
// panel with squiggles, a hover, the inline previews with their code lenses.
// Env: DLMLS_E2E_CONFIG (JSON: url, chromium, out, shots and the above), NODE_PATH (where
// playwright-core is installed).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const config = JSON.parse(process.env.DLMLS_E2E_CONFIG);
const OUT = config.out;
const SHOTS = config.shots;
const result = { steps: {}, order: [], console: [] };
let page;
let shotIndex = 0;
let current = { aborted: false }; // the running step; a step that timed out stops waiting at once

function save() {
  fs.writeFileSync(OUT, JSON.stringify(result, null, 1));
}

async function shot(name) {
  if (!page) return;
  shotIndex += 1;
  await page.screenshot({ path: path.join(SHOTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`) })
    .catch(() => undefined);
}

/** A screenshot for the README (config.docs), of the viewport (1280x800) or `clip`; its path, or null. */
async function docShot(name, clip) {
  if (!config.docs || !page) return null;
  const file = path.join(config.docs, `${name}.png`);
  await page.mouse.move(1270, 400); // no stray hover from the mouse
  await page.screenshot({ path: file, clip }).catch(() => undefined);
  return fs.existsSync(file) ? file : null;
}

/** The text of every visible status bar item. */
async function statusBar() {
  return page.locator('.statusbar-item').evaluateAll((nodes) => nodes
    .map((n) => (n.textContent || '').replace(/\s+/g, ' ').trim()).filter((t) => t));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function step(name, ms, fn) {
  const t0 = Date.now();
  const record = { ok: false };
  const token = { aborted: false };
  current = token;
  result.steps[name] = record;
  result.order.push(name);
  try {
    Object.assign(record, await withTimeout(fn(record), ms, name));
    record.ok = true;
    await shot(name);
  } catch (err) {
    token.aborted = true;
    record.error = String(err && err.stack ? err.stack : err);
    await shot(`${name}-failed`);
  }
  record.ms = Date.now() - t0;
  save();
  return record.ok;
}

async function until(what, ms, probe, interval = 100) {
  const token = current;
  const deadline = Date.now() + ms;
  for (;;) {
    if (token.aborted) throw new Error(`gave up waiting for ${what}: the step timed out`);
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await page.waitForTimeout(interval);
  }
}

/** The visible notification toasts: message text, whether one shows progress, its buttons. */
async function toasts() {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((nodes) => nodes.map((n) => ({
    text: (n.querySelector('.notification-list-item-message')?.textContent || '').trim(),
    source: (n.querySelector('.notification-list-item-source')?.textContent || '').trim(),
    progress: !!n.querySelector('.monaco-progress-container.active'),
    buttons: [...n.querySelectorAll('.notification-list-item-buttons-container .monaco-button')]
      .map((b) => (b.textContent || '').trim()),
  })));
}

/**
 * Append every new notification text to `into` (and every new status bar text to `status`, if given),
 * polled every 100 ms, until the returned function is called.
 */
function recordToasts(into, status) {
  let stopped = false;
  const seen = new Set(into.map((t) => t.text));
  const seenStatus = new Set(status || []);
  const token = current;
  const loop = (async () => {
    while (!stopped && !token.aborted) {
      for (const t of await toasts().catch(() => [])) {
        if (!seen.has(t.text)) {
          seen.add(t.text);
          into.push({ ...t, at: Date.now() });
        }
      }
      for (const t of status ? await statusBar().catch(() => []) : []) {
        if (!seenStatus.has(t)) {
          seenStatus.add(t);
          status.push(t);
        }
      }
      await page.waitForTimeout(100).catch(() => undefined);
    }
  })();
  return async () => { stopped = true; await loop; };
}

async function runCommand(label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${label}`);
  // The row whose label is exactly `label` ("DLM: Retrain adapter", not "... (keep even if worse)").
  const row = page.locator('.quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
  await row.first().waitFor({ state: 'visible', timeout: 10000 });
  await row.first().click();
  // The palette closes, or turns into the command's own input box (no `>` prefix).
  const widget = page.locator('.quick-input-widget');
  await until('the command palette to close', 10000, async () => !(await widget.isVisible())
    || !(await input.inputValue().catch(() => '>')).startsWith('>'), 50);
}

async function openFile(name) {
  const item = page.locator('.explorer-item', { hasText: name });
  await item.first().waitFor({ timeout: 30000 });
  await item.first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15000 });
  // The language mode in the status bar: the extension's `dlm` language (it reads "Plain Text" for a moment).
  const mode = page.locator('#status\\.editor\\.mode');
  return until(`the language mode ${config.language}`, 15000, async () => {
    const text = (await mode.innerText().catch(() => '')).trim();
    return text === config.language ? text : null;
  }).catch(async () => (await mode.innerText().catch(() => '')).trim());
}

/** How many workspace/didChangeConfiguration the client sent so far (its trace log, dlmls.trace.server). */
function configChanges() {
  const logs = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('DLM Language Server.log')) logs.push(full);
    }
  };
  walk(config.reconfigure.logs);
  return logs.reduce((n, log) => n + fs.readFileSync(log, 'utf8')
    .split("Sending notification 'workspace/didChangeConfiguration'").length - 1, 0);
}

/**
 * The inline previews in the active editor: the text of decorations drawn after (or before) line content.
 * VS Code draws an extension's `after: {contentText}` as a CSS ::after rule; injected text is in the DOM.
 */
async function previews(marker) {
  return page.locator('.monaco-editor .view-lines').first().evaluate((root, mark) => {
    const out = [];
    for (const n of root.querySelectorAll('span')) {
      for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(n, pseudo).content;
        if (content && content !== 'none' && content !== 'normal') {
          const text = content.replace(/^"|"$/g, '').replace(/\\"/g, '"');
          if (text.includes(mark)) out.push(text);
        }
      }
      if (!n.children.length && (n.textContent || '').includes(mark)) out.push(n.textContent);
    }
    return out;
  }, marker);
}

/** The code lenses shown in the active editor, one string per line of lenses ("2 suggested pairs | Accept all | …"). */
async function codeLenses() {
  return page.locator('.monaco-editor .codelens-decoration').evaluateAll((nodes) => nodes
    .map((n) => (n.textContent || '').replace(/\u00a0/g, ' ').trim()).filter((t) => t));
}

/** Put the cursor at the start of `line` (1-based) with Go to Line. */
async function gotoLine(line) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible', timeout: 5000 });
  await page.keyboard.type(`${line}:1`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

/** In an open quick pick: the labels of its rows, then the row labelled exactly `label` picked. */
async function pickInQuickPick(label) {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10000 });
  const labels = await rows.evaluateAll((nodes) => nodes.map((n) => ({
    label: (n.querySelector('.label-name')?.textContent || '').trim(),
    detail: (n.querySelector('.quick-input-list-label-meta .monaco-icon-label, .quick-input-list-detail')?.textContent
      || '').trim(),
  })));
  const title = (await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '')).trim();
  const row = rows.filter({ has: page.locator('.label-name', { hasText: label }) });
  await row.first().click();
  return { title, rows: labels };
}

async function clearNotifications() {
  await runCommand('Notifications: Clear All Notifications').catch(() => undefined);
}

/** Replace the user settings as a user would: Preferences: Open User Settings (JSON), replace the text, save. */
async function replaceSettings(settings, expect) {
  await runCommand('Preferences: Open User Settings (JSON)');
  await page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 15000 });
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // One line, typed with auto-closing, auto-surround and auto-indent off (see the user settings).
  await page.keyboard.insertText(JSON.stringify(settings));
  await page.keyboard.press('Control+S');
  await until('settings.json to be saved', 15000, async () =>
    fs.readFileSync(config.reconfigure.path, 'utf8').includes(expect), 100);
}

/** Run "DLM: Retrain adapter" on the active editor; the notifications until one contains `done`. */
async function retrain(rec, done, ms) {
  rec.notifications = [];
  rec.statusSeen = [];
  const stop = recordToasts(rec.notifications, rec.statusSeen);
  try {
    await runCommand('DLM: Retrain adapter');
    await until(`a notification containing ${JSON.stringify(done)}`, ms,
      async () => rec.notifications.some((t) => t.text.includes(done)), 100);
    await page.waitForTimeout(300);
  } finally {
    await stop();
  }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error' && result.console.length < 50) result.console.push(m.text().slice(0, 300));
    });

    const loaded = await step('load', 60000, async () => {
      await page.goto(config.url);
      await page.waitForSelector('.monaco-workbench', { timeout: 50000 });
      await page.locator('.explorer-item').first().waitFor({ timeout: 30000 });
      return {};
    });
    if (!loaded) return;

    await step('document', 45000, async (rec) => {
      rec.language = await openFile(config.document);
      await runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      const rows = page.locator('.markers-panel .monaco-list-row');
      // Problem rows (the file row has no severity icon); aria-labels carry message, position and source.
      const problems = async () => rows.evaluateAll((nodes) => nodes
        .filter((n) => n.querySelector('.marker-icon'))
        .map((n) => ({ label: n.getAttribute('aria-label') || '', text: (n.textContent || '').trim() })));
      await until(`${config.problems} problems`, 30000, async () => (await problems()).length >= config.problems, 250);
      await page.waitForTimeout(500); // a later publish, if any, would show now
      rec.problems = await problems();
      rec.squiggles = await page.locator('.monaco-editor .squiggly-error').count();
      rec.docShot = await docShot('vscode-diagnostics');
      await runCommand('View: Hide Panel');
      return rec;
    });

    await step('hover', 30000, async (rec) => {
      await page.locator('.monaco-editor .view-lines').first().click();
      rec.text = await until('the hover', 25000, async () => {
        await page.keyboard.press('Control+G');
        await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible', timeout: 5000 });
        await page.keyboard.type(config.hover);
        await page.keyboard.press('Enter');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await page.waitForTimeout(1000);
        const text = (await page.locator('.monaco-hover').allInnerTexts().catch(() => [])).join('\n').trim();
        return text.includes(config.hoverExpect) ? text : null;
      }, 500);
      rec.cursor = (await page.locator('#status\\.editor\\.selection').innerText().catch(() => '')).trim();
      await shot('hover-shown');
      if (config.docs) {
        const box = await page.locator('.monaco-hover').first().boundingBox().catch(() => null);
        const file = path.join(config.docs, 'vscode-hover.png');
        // The hover and the lines around it (the mouse stays put: moving it could close the hover).
        const clip = box ? { x: 0, y: Math.max(0, box.y - 120), width: 1280, height: Math.min(800 - Math.max(0, box.y - 120), box.height + 240) } : undefined;
        await page.screenshot({ path: file, clip }).catch(() => undefined);
        rec.docShot = fs.existsSync(file) ? file : null;
      }
      await page.keyboard.press('Escape');
      return rec;
    });

    await step('retrain', 45000, async (rec) => {
      await clearNotifications();
      rec.language = await openFile(config.retrain.file);
      // Before: not trained (dlmls/status for the newly active editor).
      rec.adapterBefore = await until('the adapter item', 10000, async () => {
        const items = (await statusBar()).filter((t) => t.startsWith('DLM ') && !t.includes('suggestion'));
        return items.length ? items : null;
      }, 200).catch(() => []);
      await retrain(rec, config.retrain.done, 35000);
      // The status bar's adapter item follows the new version (dlmls/status after the progress ends).
      rec.adapterAfter = await until('the adapter version in the status bar', 10000, async () => {
        const items = (await statusBar()).filter((t) => t.includes(config.retrain.version));
        return items.length ? items : null;
      }, 200);
      return rec;
    });

    await step('ask', 30000, async (rec) => {
      await clearNotifications();
      rec.notifications = [];
      const stop = recordToasts(rec.notifications);
      try {
        await runCommand('DLM: Ask the adapter');
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        rec.inputTitle = (await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => ''))
          .trim();
        await input.fill(config.ask.question);
        await page.keyboard.press('Enter');
        await until('the answer', 20000,
          async () => rec.notifications.some((t) => t.text.includes(config.ask.done)), 100);
        // The answer is also in the "DLM Answers" output channel, which the command reveals.
        rec.output = await until('the DLM Answers channel', 10000, async () => {
          const text = (await page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts()
            .catch(() => [])).join('\n').replace(/\u00a0/g, ' ').trim(); // Monaco renders spaces as nbsp
          return text.includes(config.ask.done) ? text : null;
        }, 200).catch(() => '');
        await shot('ask-output');
        await runCommand('View: Hide Panel');
      } finally {
        await stop();
      }
      return rec;
    });

    await step('log', 20000, async (rec) => {
      await runCommand('DLM: Show server log');
      rec.output = await until('the server log in the output panel', 15000, async () => {
        const text = (await page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts()
          .catch(() => [])).join('\n').replace(/\u00a0/g, ' ').trim();
        return new RegExp(config.log.expect).test(text) ? text.slice(-3000) : null;
      }, 200);
      rec.channel = (await page.locator('.part.panel select.monaco-select-box').first().inputValue().catch(() => ''))
        || (await page.locator('.part.panel .monaco-select-box').first().innerText().catch(() => '')).trim();
      await shot('server-log');
      await runCommand('View: Hide Panel');
      return rec;
    });

    await step('cancel', 90000, async (rec) => {
      await clearNotifications();
      rec.language = await openFile(config.cancel.file);
      rec.notifications = [];
      const stop = recordToasts(rec.notifications);
      try {
        await runCommand('DLM: Retrain adapter');
        const title = config.cancel.title;
        // Wait for the progress notification to show a step, so that the job is running when we cancel.
        rec.progress = await until('a step in the progress notification', 30000, async () =>
          (await toasts()).find((t) => t.text.startsWith(title) && /step \d+\/\d+/.test(t.text)) || null, 100);
        await shot('cancel-progress');
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: title });
        await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: 'Cancel' })
          .click();
        const clicked = Date.now();
        await until(`a notification containing ${JSON.stringify(config.cancel.done)}`, 30000,
          async () => rec.notifications.some((t) => t.text.includes(config.cancel.done)), 100);
        rec.stopSeconds = (Date.now() - clicked) / 1000;
        // The progress notification closes once the server ended the progress.
        rec.progressGone = await until('the progress notification to close', 10000, async () =>
          !(await toasts()).some((t) => t.text.startsWith(title) && t.progress), 200).catch(() => false);
        // With nothing running, "DLM: Cancel retraining or synthesis" (dlmls.cancel by URI) says so.
        await runCommand('DLM: Cancel retraining or synthesis');
        await until(`a notification containing ${JSON.stringify(config.cancel.idle)}`, 15000,
          async () => rec.notifications.some((t) => t.text.includes(config.cancel.idle)), 100);
        await page.waitForTimeout(300);
      } finally {
        await stop();
      }
      // Once more, cancelled from the status bar: the job's item shows its progress; a click cancels it.
      await clearNotifications();
      rec.again = [];
      const stopAgain = recordToasts(rec.again);
      try {
        await runCommand('DLM: Retrain adapter');
        const item = page.locator('.statusbar-item', { hasText: config.cancel.title });
        rec.jobItem = await until('the job in the status bar', 30000, async () => {
          const texts = (await statusBar()).filter((t) => t.includes(config.cancel.title) && /\d+%/.test(t));
          return texts.length ? texts[0] : null;
        }, 100);
        await item.first().click();
        const clicked = Date.now();
        await until(`a notification containing ${JSON.stringify(config.cancel.done)}`, 30000,
          async () => rec.again.some((t) => t.text.includes(config.cancel.done)), 100);
        rec.itemStopSeconds = (Date.now() - clicked) / 1000;
        rec.jobItemGone = await until('the job item to go', 10000, async () =>
          !(await statusBar()).some((t) => t.includes(config.cancel.title)), 200).catch(() => false);
      } finally {
        await stopAgain();
      }
      return rec;
    });

    await step('reconfigure', 45000, async (rec) => {
      await clearNotifications();
      const before = configChanges();
      await replaceSettings(config.reconfigure.settings, config.reconfigure.expect);
      // The extension's didChangeConfiguration, as the client's LSP trace log records it.
      rec.configChanges = await until('workspace/didChangeConfiguration in the LSP trace', 15000, async () =>
        (configChanges() > before ? configChanges() : null), 200);
      await runCommand('View: Close Editor');
      rec.language = await openFile(config.retrain.file);
      await retrain(rec, config.reconfigure.done, 30000);
      return rec;
    });

    await step('synth', config.synth.timeoutMs, async (rec) => {
      const conf = config.synth;
      await clearNotifications();
      // The real engine's worker and the synthesis settings: the server replaces its idle worker.
      const before = configChanges();
      await replaceSettings(conf.settings, conf.expectSetting);
      await until('workspace/didChangeConfiguration in the LSP trace', 15000, async () => configChanges() > before, 200);
      await runCommand('View: Close Editor');
      rec.language = await openFile(conf.file);
      rec.notifications = [];
      rec.statusSeen = [];
      const stop = recordToasts(rec.notifications, rec.statusSeen);
      const shown = (text) => async () => rec.notifications.some((t) => t.text.includes(text));
      const statusItem = async () => (await statusBar()).filter((t) => t.includes('DLM suggestion')).join(' ');
      const lensLinks = page.locator('.monaco-editor .codelens-decoration a');
      try {
        await gotoLine(conf.line);
        rec.cursor = (await page.locator('#status\\.editor\\.selection').innerText().catch(() => '')).trim();
        const started = Date.now();
        await runCommand('DLM: Synthesize instructions for this section');
        const staged = await until('the staged message', conf.synthMs, async () =>
          rec.notifications.find((t) => new RegExp(conf.staged).test(t.text)) || null, 200);
        rec.synthSeconds = (Date.now() - started) / 1000;
        rec.staged = staged.text;
        rec.progressGone = await until('the progress notification to close', 10000, async () =>
          !(await toasts()).some((t) => t.text.startsWith(conf.progress) && t.progress), 200).catch(() => false);
        // The server's code lenses: the section's, and each suggestion's Accept / Reject at its insertion point.
        rec.lensesStaged = await until('the code lenses', 20000, async () => {
          const lenses = await codeLenses();
          return lenses.some((t) => t.includes('Accept: ')) && lenses.some((t) => t.includes('suggested pair'))
            ? lenses : null;
        }, 200);
        // The inline previews (decorations fed by dlmls/suggestions).
        rec.previewsStaged = await until('the inline previews', 15000, async () => {
          const found = await previews(conf.previewMark);
          return found.length >= 2 ? found : null;
        }, 200);
        rec.statusStaged = await until('the status bar count', 10000, statusItem, 200).catch(() => '');
        await page.mouse.move(1270, 400);
        await shot('synth-previews');
        if (config.docs) {
          // For the README: the editor alone (the explorer is not needed after this step), no toasts.
          await runCommand('View: Close Primary Side Bar').catch(() => undefined);
          await runCommand('Notifications: Clear All Notifications').catch(() => undefined);
          await page.waitForTimeout(500);
          rec.docShot = await docShot('vscode-suggestions', { x: 0, y: 0, width: 1280, height: 480 });
        }

        // Accept the first suggestion with its own lens (above its preview's insertion point).
        const accept = lensLinks.filter({ hasText: /^Accept: / }).first();
        rec.acceptedLens = (await accept.innerText()).replace(/\u00a0/g, ' ').trim();
        await accept.click();
        await until(`a notification containing ${JSON.stringify(conf.accepted)}`, 20000, shown(conf.accepted), 100);
        const left = rec.previewsStaged.length - 1;
        rec.lensesAccepted = await until('the lenses to follow', 15000, async () => {
          const lenses = await codeLenses();
          // The accepted one's lens gone and the section's count updated (VS Code redraws them one by one).
          return lenses.join('|').includes(rec.acceptedLens)
            || !lenses.some((t) => t.startsWith(`${left} suggested pair`)) ? null : lenses;
        }, 200);
        rec.previewsAccepted = await until('the previews to follow', 15000, async () => {
          const found = await previews(conf.previewMark);
          return found.length === rec.previewsStaged.length - 1 ? found : null;
        }, 200);

        // Reject the next one with its Reject lens.
        await lensLinks.filter({ hasText: /^Reject$/ }).first().click();
        rec.previewsRejected = await until('one preview less', 15000, async () => {
          const found = await previews(conf.previewMark);
          return found.length === rec.previewsStaged.length - 2 ? found : null;
        }, 200);
        rec.lensesRejected = await codeLenses();

        // What is left: the quick pick lists it (closed unpicked), then "Reject all" from the palette.
        if (rec.previewsRejected.length > 0) {
          await runCommand('DLM: Accept a suggestion...');
          const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
          await rows.first().waitFor({ state: 'visible', timeout: 10000 });
          rec.pickRows = await rows.evaluateAll((nodes) => nodes.map((n) =>
            (n.querySelector('.label-name')?.textContent || '').trim()));
          await page.keyboard.press('Escape');
        }
        await runCommand('DLM: Reject all suggestions');
        await until(`a notification containing ${JSON.stringify(conf.rejectedAll)}`, 15000,
          async () => rec.notifications.some((t) => new RegExp(conf.rejectedAll).test(t.text)), 100);
        rec.lensesEnd = await until('the lenses to go', 15000, async () => {
          const lenses = await codeLenses();
          return lenses.some((t) => t.includes('suggested pair') || t.includes('Accept: ')) ? null : lenses;
        }, 200);
        rec.previewsEnd = await until('the previews to go', 15000, async () =>
          ((await previews(conf.previewMark)).length === 0 ? [] : null), 200);
        rec.statusEnd = await until('the status bar count to go', 10000, async () =>
          ((await statusItem()) === '' ? '' : null), 200).catch(async () => statusItem());
        // Nothing is pending any more: the accept command says so instead of offering a pick.
        await runCommand('DLM: Accept a suggestion...');
        await until(`a notification containing ${JSON.stringify(conf.none)}`, 15000, shown(conf.none), 100);

        // What the editor holds: saved, and read back.
        await runCommand('File: Save');
        rec.text = await until('the file to be saved', 15000, async () => {
          const text = fs.readFileSync(conf.path, 'utf8');
          return text.includes(conf.marker) ? text : null;
        }, 100);
        await page.waitForTimeout(300);
      } finally {
        await stop();
      }
      return rec;
    });
  } finally {
    save();
    await browser.close().catch(() => undefined);
  }
})().catch((err) => {
  result.fatal = String(err && err.stack ? err.stack : err);
  save();
  process.exit(2);
});
