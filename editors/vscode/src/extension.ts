// The VS Code client of the dlmls language server: it starts `dlmls serve` over
// stdio for `.dlm` documents, hands it the `dlmls.*` server settings (as
// initializationOptions and on every change), shows the server's work-done
// progress as cancellable notifications, and adds palette commands that run the
// server's `dlmls.retrain` / `dlmls.ask` / `dlmls.cancel` on the active document,
// the synthesis loop's `dlmls.synthesize` / `dlmls.accept` / `dlmls.reject`, the
// document's adapter history (`dlmls.history`) and a new document from a
// template (`dlmls.templates`, `dlmls.newDocument`).
// Staged suggestions (`dlmls/suggestions`, re-read on `dlmls/suggestionsChanged`
// and after edits) are drawn as faded previews right above where accepting
// inserts them, next to the server's Accept / Reject code lenses; status bar
// items show the document's adapter version (`dlmls/status`), the running job's
// progress (click: cancel) and the pending suggestions. Everything else
// (diagnostics, hovers, completion, quick fixes, the review code actions and
// code lenses, outline, folding, semantic tokens) is plain LSP that
// vscode-languageclient wires up.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  ExecuteCommandRequest,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
  TransportKind,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateParams,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
// SECTION ('dlmls'), which `dlmls.<name>` settings are the server's, and the payload's shape.
import { SECTION, settingNames, settingsPayload } from './settings';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
let serverSettingNames: string[] = [];
let answers: vscode.OutputChannel | undefined;
let histories: vscode.OutputChannel | undefined;
let suggestionsItem: vscode.StatusBarItem | undefined;
let adapterItem: vscode.StatusBarItem | undefined;
let jobItem: vscode.StatusBarItem | undefined;
let previewType: vscode.TextEditorDecorationType | undefined;
const jobs = new Map<string | number, RunningJob>(); // work-done progress the server reports, by token

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverSettingNames = settingNames(context.extension.packageJSON);
  context.subscriptions.push(
    vscode.commands.registerCommand('dlmls.client.retrain', (uri?: vscode.Uri) => retrain(uri, false)),
    vscode.commands.registerCommand('dlmls.client.retrainKeepWorse', (uri?: vscode.Uri) => retrain(uri, true)),
    vscode.commands.registerCommand('dlmls.client.ask', (uri?: vscode.Uri, question?: string) => ask(uri, question)),
    vscode.commands.registerCommand('dlmls.client.cancel', (uri?: vscode.Uri) => cancel(uri)),
    vscode.commands.registerCommand('dlmls.client.restart', () => restart()),
    vscode.commands.registerCommand('dlmls.client.showLog', () => showLog()),
    vscode.commands.registerCommand('dlmls.client.cancelJob', (token?: string | number) => cancelJob(token)),
    vscode.commands.registerCommand('dlmls.client.synthesizeSection',
      (uri?: vscode.Uri, line?: number) => synthesizeSection(uri, line)),
    vscode.commands.registerCommand('dlmls.client.synthesizeDocument', (uri?: vscode.Uri) => synthesize(uri)),
    vscode.commands.registerCommand('dlmls.client.acceptSuggestion',
      (uri?: vscode.Uri, ids?: string[]) => review('accept', uri, ids)),
    vscode.commands.registerCommand('dlmls.client.rejectSuggestion',
      (uri?: vscode.Uri, ids?: string[]) => review('reject', uri, ids)),
    vscode.commands.registerCommand('dlmls.client.acceptAll', (uri?: vscode.Uri) => reviewAll('accept', uri)),
    vscode.commands.registerCommand('dlmls.client.rejectAll', (uri?: vscode.Uri) => reviewAll('reject', uri)),
    vscode.commands.registerCommand('dlmls.client.showHistory', (uri?: vscode.Uri) => showHistory(uri)),
    vscode.commands.registerCommand('dlmls.client.newDocument',
      (target?: vscode.Uri, template?: string) => newDocument(target, template)),
    suggestionsItem = vscode.window.createStatusBarItem('dlmls.suggestions', vscode.StatusBarAlignment.Left, 50),
    adapterItem = vscode.window.createStatusBarItem('dlmls.adapter', vscode.StatusBarAlignment.Left, 52),
    jobItem = vscode.window.createStatusBarItem('dlmls.job', vscode.StatusBarAlignment.Left, 51),
    previewType = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorGhostText.foreground'), fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
    vscode.window.onDidChangeActiveTextEditor(() => refreshAll()),
    vscode.window.onDidChangeVisibleTextEditors(() => refreshAll()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === 'dlm' && e.contentChanges.length > 0) {
        scheduleRefresh(e.document.uri);
      }
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.languageId === 'dlm') {
        scheduleRefresh(document.uri);
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server`)) {
        void restart();
      } else if (serverSettingNames.some((name) => e.affectsConfiguration(`${SECTION}.${name}`))) {
        void client?.sendNotification('workspace/didChangeConfiguration', { settings: serverSettings() });
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** `{dlmls: {workerCommand, dlmHome, ...}}`: the server settings as configured now (src/settings.js). */
function serverSettings(): { dlmls: Record<string, unknown> } {
  const config = vscode.workspace.getConfiguration(SECTION);
  return settingsPayload(serverSettingNames, (name) => config.get(name));
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function expand(part: string): string {
  const folder = workspaceFolder() ?? process.cwd();
  let out = part.replace(/\$\{workspaceFolder\}/g, folder).replace(/\$\{userHome\}/g, os.homedir());
  if (out === '~' || out.startsWith('~/')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The server command: the setting, else `dlmls serve` from PATH, else `python3 -m dlmls.cli serve`. */
function serverCommand(): string[] {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string[]>('server.command', []);
  if (Array.isArray(configured) && configured.length > 0) {
    const [command, ...args] = configured.map(expand);
    // A relative path with a directory part (".venv/bin/dlmls") is relative to the workspace folder.
    const folder = workspaceFolder();
    const resolved = command.includes('/') && !path.isAbsolute(command) && folder
      ? path.resolve(folder, command) : command;
    return [resolved, ...args];
  }
  const dlmls = onPath('dlmls');
  return dlmls ? [dlmls, 'serve'] : ['python3', '-m', 'dlmls.cli', 'serve'];
}

async function start(): Promise<LanguageClient | undefined> {
  if (client) {
    return client;
  }
  if (starting) {
    return starting;
  }
  starting = (async () => {
    const [command, ...args] = serverCommand();
    const env = { ...process.env, ...vscode.workspace.getConfiguration(SECTION).get<Record<string, string>>('server.env', {}) };
    const serverOptions: ServerOptions = {
      command, args, transport: TransportKind.stdio, options: { env, cwd: workspaceFolder() },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'dlm' }, { scheme: 'untitled', language: 'dlm' }],
      initializationOptions: serverSettings,
      outputChannelName: 'DLM Language Server',
    };
    const created = new LanguageClient(SECTION, 'DLM Language Server', serverOptions, clientOptions);
    created.registerFeature(new NotificationProgressFeature(created));
    // After a synthesis, an accept or a reject: the previews and the status bar (code lenses refresh by themselves).
    created.onNotification('dlmls/suggestionsChanged', (params: { uri?: string }) => refreshFor(params?.uri));
    try {
      await created.start();
    } catch (err) {
      void vscode.window.showErrorMessage(
        `dlmls: cannot start the language server (${[command, ...args].join(' ')}): ${String(err)}. ` +
        'Set "dlmls.server.command", e.g. to [".venv/bin/dlmls", "serve"].');
      await created.dispose().catch(() => undefined);
      return undefined;
    }
    client = created;
    refreshAll();
    return created;
  })();
  try {
    return await starting;
  } finally {
    starting = undefined;
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  for (const job of [...jobs.values()]) {
    job.done();
  }
  refreshAll();
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

/**
 * Server-initiated work-done progress as a notification with a Cancel button,
 * and in the status bar's job item (click: cancel). vscode-languageclient's own
 * handler shows it in the status bar, where it cannot be cancelled; this feature
 * is registered after the built-in ones, so its `window/workDoneProgress/create`
 * handler is the one that counts.
 */
class NotificationProgressFeature implements StaticFeature {
  private readonly active = new Set<NotificationProgress>();

  constructor(private readonly owner: LanguageClient) {}

  fillClientCapabilities(capabilities: any): void {
    (capabilities.window ??= {}).workDoneProgress = true;
  }

  initialize(): void {
    this.owner.onRequest(WorkDoneProgressCreateRequest.type, (params: WorkDoneProgressCreateParams) => {
      const part = new NotificationProgress(this.owner, params.token, () => this.active.delete(part));
      this.active.add(part);
    });
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {
    for (const part of this.active) {
      part.done();
    }
    this.active.clear();
  }
}

/** What the status bar shows of a job: the progress title, its last message and percentage. */
interface RunningJob {
  title: string;
  message?: string;
  percentage?: number;
  cancellable: boolean;
  cancel(): void;
  done(): void;
}

class NotificationProgress implements RunningJob {
  private listener: vscode.Disposable | undefined;
  private resolve: (() => void) | undefined;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private reported = 0;
  private finished = false;
  title = '';
  message: string | undefined;
  percentage: number | undefined;
  cancellable = false;

  constructor(private readonly owner: LanguageClient, private readonly token: string | number,
              private readonly onDone: () => void) {
    this.listener = owner.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'begin') {
        this.begin(value);
      } else if (value.kind === 'report') {
        this.report(value);
      } else if (value.kind === 'end') {
        this.done();
      }
    });
  }

  private begin(params: WorkDoneProgressBegin): void {
    this.title = params.title;
    this.cancellable = params.cancellable === true;
    jobs.set(this.token, this);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: params.title, cancellable: params.cancellable === true },
      (progress, cancelled) => {
        if (this.finished) {
          return Promise.resolve();
        }
        this.progress = progress;
        cancelled.onCancellationRequested(() => this.cancel());
        this.report(params);
        return new Promise<void>((resolve) => { this.resolve = resolve; });
      });
  }

  private report(params: WorkDoneProgressBegin | WorkDoneProgressReport): void {
    let increment: number | undefined;
    if (typeof params.percentage === 'number') {
      const percentage = Math.max(0, Math.min(params.percentage, 100));
      increment = Math.max(0, percentage - this.reported);
      this.reported += increment;
      this.percentage = this.reported;
    }
    if (params.message) {
      this.message = params.message;
    }
    this.progress?.report({ message: params.message, increment });
    updateJobItem();
  }

  /** Ask the server to stop the job (`window/workDoneProgress/cancel`). */
  cancel(): void {
    if (!this.finished) {
      void this.owner.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
    }
  }

  done(): void {
    const wasRunning = jobs.delete(this.token);
    this.finished = true;
    this.listener?.dispose();
    this.listener = undefined;
    this.resolve?.();
    this.resolve = undefined;
    this.onDone();
    updateJobItem();
    if (wasRunning) {
      refreshAll(); // a retrain made a new version current; a synthesis staged suggestions
    }
  }
}

// ---------------------------------------------------------------------------- commands

/** The `.dlm` document a command is for: the URI it was given, else the active editor's. */
function targetDocument(uri?: vscode.Uri): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) {
    return uri;
  }
  const document = vscode.window.activeTextEditor?.document;
  if (document && document.languageId === 'dlm') {
    return document.uri;
  }
  void vscode.window.showErrorMessage('dlmls: open a .dlm document first');
  return undefined;
}

async function runServerCommand(command: string, args: unknown[]): Promise<unknown> {
  const running = await start();
  if (!running) {
    return undefined;
  }
  return running.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

function protocolUri(uri: vscode.Uri): string {
  return client ? client.code2ProtocolConverter.asUri(uri) : uri.toString();
}

/** `dlmls.retrain(uri[, {keepWorse: true}])`; the server shows progress and the outcome itself. */
async function retrain(uri: vscode.Uri | undefined, keepWorse: boolean): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  await start();
  const args: unknown[] = [protocolUri(target)];
  if (keepWorse) {
    args.push({ keepWorse: true });
  }
  return runServerCommand('dlmls.retrain', args);
}

/** `dlmls.ask(uri, question)`: the server shows the answer; it also goes to the "DLM Answers" channel. */
async function ask(uri: vscode.Uri | undefined, question?: string): Promise<string | null | undefined> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  const name = path.basename(target.fsPath || target.path);
  const asked = question ?? await vscode.window.showInputBox({
    title: `Ask the adapter of ${name}`, prompt: 'A question for the document\'s adapter', ignoreFocusOut: true,
  });
  if (!asked) {
    return undefined;
  }
  await start();
  const answer = await runServerCommand('dlmls.ask', [protocolUri(target), asked]) as string | null | undefined;
  if (typeof answer === 'string') {
    answers ??= vscode.window.createOutputChannel('DLM Answers');
    answers.appendLine(`${name} — Q: ${asked}`);
    answers.appendLine(answer);
    answers.appendLine('');
    answers.show(true);
  }
  return answer;
}

/** `dlmls.cancel(uri)`: cancel the document's running retrain (the notification's Cancel does the same). */
async function cancel(uri: vscode.Uri | undefined): Promise<boolean | undefined> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  await start();
  const cancelled = await runServerCommand('dlmls.cancel', [protocolUri(target)]) as boolean | undefined;
  if (cancelled === false) {
    void vscode.window.showInformationMessage(
      `dlmls: no retrain or synthesis of ${path.basename(target.fsPath)} is running`);
  }
  return cancelled;
}

// ---------------------------------------------------------------------------- history and new documents

/** A refusal of a server command (`{ok: false, kind, message}`). */
interface Refusal {
  ok: false;
  kind: string;
  message: string;
}

function isRefusal(result: unknown): result is Refusal {
  return typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false;
}

/**
 * `dlmls.history(uri, {lines: true})`: the document's adapter history (every version of every adapter,
 * what `dlmls show` prints) in the "DLM Adapter History" output channel.
 */
async function showHistory(uri?: vscode.Uri): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  await start();
  const result = await runServerCommand('dlmls.history', [protocolUri(target), { lines: true }]);
  if (isRefusal(result)) {
    void vscode.window.showErrorMessage(`dlmls: ${result.message}`);
    return result;
  }
  const lines = (result as { lines?: unknown } | undefined)?.lines;
  if (Array.isArray(lines)) {
    histories ??= vscode.window.createOutputChannel('DLM Adapter History');
    histories.clear();
    histories.appendLine(lines.join('\n'));
    histories.show(true);
  }
  return result;
}

/** One entry of the `dlmls.templates` result (what `dlmls templates --json` lists). */
interface Template {
  name: string;
  title: string;
  summary?: string;
  recommended_base?: string;
}

/**
 * A new `.dlm` document with a fresh `dlm_id` (`dlmls.newDocument`, what `dlmls init` writes): a template
 * picked from `dlmls.templates`, a file picked in a save dialog (an existing one is replaced only after
 * asking), then opened.
 */
async function newDocument(target?: vscode.Uri, template?: string): Promise<unknown> {
  if (!await start()) {
    return undefined;
  }
  let name = template;
  if (!name) {
    const templates = await runServerCommand('dlmls.templates', []) as Template[] | undefined;
    const picked = await vscode.window.showQuickPick((templates ?? []).map((t) => ({
      label: t.name, description: t.title, detail: t.summary, name: t.name,
    })), { title: 'New .dlm document: start from a template', matchOnDescription: true, matchOnDetail: true });
    if (!picked) {
      return undefined;
    }
    name = picked.name;
  }
  let file = target instanceof vscode.Uri ? target : undefined;
  if (!file) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    file = await vscode.window.showSaveDialog({
      title: 'New .dlm document', saveLabel: 'Create',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name === 'default' ? 'notes' : name}.dlm`) : undefined,
      filters: { 'DLM documents': ['dlm'] },
    });
    if (!file) {
      return undefined;
    }
  }
  let result = await runServerCommand('dlmls.newDocument', [protocolUri(file), { template: name }]);
  if (isRefusal(result) && result.kind === 'exists') {
    const replace = 'Replace';
    const answer = await vscode.window.showWarningMessage(
      `${path.basename(file.fsPath)} already exists. Replace it with a new document?`,
      { modal: true, detail: 'The new document gets a new dlm_id; the old one\'s adapter store is left as it is.' },
      replace);
    if (answer !== replace) {
      return result;
    }
    result = await runServerCommand('dlmls.newDocument', [protocolUri(file), { template: name, overwrite: true }]);
  }
  if (isRefusal(result)) {
    void vscode.window.showErrorMessage(`dlmls: ${result.message}`);
    return result;
  }
  const written = result as { message?: string; notes?: string[] } | undefined;
  await vscode.window.showTextDocument(file);
  for (const note of written?.notes ?? []) {
    void vscode.window.showWarningMessage(`dlmls: ${note}`);
  }
  if (written?.message) {
    void vscode.window.showInformationMessage(`dlmls: ${written.message}`);
  }
  return result;
}

// ---------------------------------------------------------------------------- synthesis and review

/** One entry of the `dlmls/suggestions` result (docs/lsp-api.md). */
interface Suggestion {
  id: string;
  sectionId: string;
  question: string;
  answer: string;
  status: 'ready' | 'reanchored' | 'stale';
  position: { line: number; character: number } | null;
  preview: string | null;
  scores?: { sway?: number; answerability?: number; judge?: number };
}

interface Listing {
  uri: string;
  version: number;
  suggestions: Suggestion[];
}

/** `dlmls/suggestions` for a document (null when the server does not have it open). */
async function listSuggestions(target: vscode.Uri): Promise<Listing | null> {
  const running = await start();
  if (!running) {
    return null;
  }
  return await running.sendRequest('dlmls/suggestions', { textDocument: { uri: protocolUri(target) } }) as Listing | null;
}

/** `dlmls.synthesize(uri[, {sectionId}])`; the server shows progress (cancellable) and the outcome. */
async function synthesize(uri: vscode.Uri | undefined, sectionId?: string): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  await start();
  const args: unknown[] = [protocolUri(target)];
  if (sectionId) {
    args.push({ sectionId });
  }
  return runServerCommand('dlmls.synthesize', args);
}

/**
 * Synthesize for the prose section at `line` (default: the active editor's cursor line): its section
 * id comes from the server's "Synthesize instructions for this section" source action there.
 */
async function synthesizeSection(uri: vscode.Uri | undefined, line?: number): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  const at = typeof line === 'number' ? line
    : editor && editor.document.uri.toString() === target.toString() ? editor.selection.active.line : undefined;
  if (at === undefined) {
    void vscode.window.showErrorMessage('dlmls: put the cursor in a prose section of the document first');
    return undefined;
  }
  const sectionId = await sectionAt(target, at);
  if (!sectionId) {
    void vscode.window.showWarningMessage(
      'dlmls: the cursor is not on a prose section with text ("DLM: Synthesize instructions for the document" does them all)');
    return undefined;
  }
  return synthesize(target, sectionId);
}

/** The id of the prose section at `line`, from the server's source action for it. */
async function sectionAt(target: vscode.Uri, line: number): Promise<string | undefined> {
  const running = await start();
  if (!running) {
    return undefined;
  }
  const position = { line, character: 0 };
  const actions = await running.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: protocolUri(target) }, range: { start: position, end: position },
    context: { diagnostics: [], only: ['source'] },
  });
  for (const action of actions ?? []) {
    const command: any = typeof (action as any).command === 'string' ? action : (action as any).command;
    const options = command?.arguments?.[1];
    if (command?.command === 'dlmls.synthesize' && typeof options?.sectionId === 'string') {
      return options.sectionId;
    }
  }
  return undefined;
}

/**
 * Accept or reject suggestions: the given ids, else one picked from the pending ones (a quick pick:
 * question, status, answer). Accepting inserts through the server's versioned `workspace/applyEdit`.
 */
async function review(action: 'accept' | 'reject', uri?: vscode.Uri, ids?: string[]): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  let chosen = Array.isArray(ids) && ids.length > 0 ? ids : undefined;
  if (!chosen) {
    const listing = await listSuggestions(target);
    const name = path.basename(target.fsPath || target.path);
    const pending = (listing?.suggestions ?? []).filter((s) => action === 'reject' || s.status !== 'stale');
    if (pending.length === 0) {
      void vscode.window.showInformationMessage(`dlmls: no pending suggestions in ${name}`);
      return undefined;
    }
    const verb = action === 'accept' ? 'Accept' : 'Reject';
    const picked = await vscode.window.showQuickPick(pending.map((s) => ({
      label: s.question,
      description: s.status === 'ready' ? undefined : s.status,
      detail: s.answer,
      id: s.id,
    })), { title: `${verb} a suggestion of ${name}`, placeHolder: 'question (the answer below)', matchOnDetail: true });
    if (!picked) {
      return undefined;
    }
    chosen = [picked.id];
  }
  await start();
  const result = await runServerCommand(`dlmls.${action}`, [protocolUri(target), { ids: chosen }]);
  rejected(action, target, result);
  return result;
}

/** The server says nothing about a reject (an accept has its own message): say how many. */
function rejected(action: 'accept' | 'reject', target: vscode.Uri, result: any): void {
  if (action === 'reject' && result?.ok) {
    const n = result.rejected ?? 0;
    void vscode.window.showInformationMessage(
      `dlmls: ${n} suggestion${n === 1 ? '' : 's'} of ${path.basename(target.fsPath || target.path)} rejected`);
  }
}

/** Accept or reject every pending suggestion of the document (`{"all": true}`). */
async function reviewAll(action: 'accept' | 'reject', uri?: vscode.Uri): Promise<unknown> {
  const target = targetDocument(uri);
  if (!target) {
    return undefined;
  }
  await start();
  const result = await runServerCommand(`dlmls.${action}`, [protocolUri(target), { all: true }]);
  rejected(action, target, result);
  return result;
}

// ---------------------------------------------------------------------------- previews and the status bar

/** The `dlmls/status` result (docs/lsp-api.md). */
interface Status {
  uri: string;
  version: number;
  dlmId: string | null;
  adapters: { adapter: string | null; version: string | null; trainedAt: string | null; steps: number | null;
    upToDate: boolean | null; problem: string | null }[];
  job: { kind: string; state: string } | null;
  pending: number;
}

const PREVIEW_CHARS = 90; // of a question or an answer in a preview line (the hover has the whole block)
const PREVIEW_GAP = 3; // columns between a line's text and its preview
const PREVIEW_COLUMN = 72; // where the previews of one place start, unless a line is longer
const REFRESH_DELAY_MS = 250; // after an edit, before the suggestions are read again
const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>();
const generations = new Map<string, number>();

function oneLine(text: string, limit: number): string {
  const line = text.split(/\s+/).filter((w) => w).join(' ');
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}

/** Read the suggestions (and, for the active editor, the status) of every visible `.dlm` editor again. */
function refreshAll(): void {
  refreshFor(undefined);
  const active = vscode.window.activeTextEditor?.document;
  if (!active || active.languageId !== 'dlm' || !client) {
    suggestionsItem?.hide();
    adapterItem?.hide();
  }
}

/** Refresh the documents whose URI is `uri` (the server's form or VS Code's), or all when undefined. */
function refreshFor(uri: string | undefined): void {
  const seen = new Set<vscode.TextDocument>();
  const active = vscode.window.activeTextEditor;
  for (const editor of [...(active ? [active] : []), ...vscode.window.visibleTextEditors]) {
    const document = editor.document;
    if (document.languageId !== 'dlm' || seen.has(document)) {
      continue;
    }
    if (uri === undefined || uri === document.uri.toString() || uri === protocolUri(document.uri)) {
      seen.add(document);
      void refreshDocument(document, 0);
    }
  }
}

/** Refresh a document after a quiet moment (edits come in bursts). */
function scheduleRefresh(uri: vscode.Uri, attempt = 0): void {
  const key = uri.toString();
  clearTimeout(refreshTimers.get(key));
  refreshTimers.set(key, setTimeout(() => {
    refreshTimers.delete(key);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (document) {
      void refreshDocument(document, attempt);
    }
  }, REFRESH_DELAY_MS));
}

/**
 * The previews of a document's pending suggestions in its visible editors, and (when it is the active one)
 * the status bar items: one `dlmls/suggestions` and one `dlmls/status` request. An answer about another
 * version than the editor's is dropped and asked again.
 */
async function refreshDocument(document: vscode.TextDocument, attempt: number): Promise<void> {
  const key = document.uri.toString();
  const generation = (generations.get(key) ?? 0) + 1;
  generations.set(key, generation);
  const running = client;
  const isActive = () => vscode.window.activeTextEditor?.document === document;
  let listing: Listing | null = null;
  let status: Status | null = null;
  if (running) {
    const params = { textDocument: { uri: protocolUri(document.uri) } };
    [listing, status] = await Promise.all([
      running.sendRequest('dlmls/suggestions', params).then((r) => r as Listing | null, () => null),
      isActive() ? running.sendRequest('dlmls/status', params).then((r) => r as Status | null, () => null)
        : Promise.resolve(null),
    ]);
  }
  if (generations.get(key) !== generation || document.isClosed) {
    return; // a later refresh of the same document won
  }
  if (listing && listing.version !== document.version) {
    if (attempt < 3) {
      scheduleRefresh(document.uri, attempt + 1); // the server has not seen the latest edit yet
    }
    return;
  }
  const suggestions = listing?.suggestions ?? [];
  const decorations = previewDecorations(document, suggestions);
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document === document && previewType) {
      editor.setDecorations(previewType, decorations);
    }
  }
  if (isActive()) {
    updateSuggestionsItem(suggestions.filter((s) => s.status !== 'stale').length);
    updateAdapterItem(status);
  }
}

/**
 * One faded line per suggestion, right above where accepting inserts it (the server's Accept / Reject
 * code lenses sit between the previews and that line): the suggestions of one insertion point stack
 * upwards from the line before it, never onto a fence line or above the first line, one per line (the
 * rest share the topmost). The hover of a preview shows the exact block accepting inserts.
 */
export function previewDecorations(document: vscode.TextDocument, suggestions: Suggestion[]): vscode.DecorationOptions[] {
  const byLine = new Map<number, Suggestion[]>();
  for (const s of suggestions) {
    if (s.status === 'stale' || !s.position || s.preview === null) {
      continue;
    }
    const group = byLine.get(s.position.line) ?? [];
    group.push(s);
    byLine.set(s.position.line, group);
  }
  const out: vscode.DecorationOptions[] = [];
  for (const [line, group] of byLine) {
    // The end of the file without a final newline inserts on the last line itself, after its text.
    const last = document.lineCount - 1;
    const anchor = Math.min(group[0].position!.character > 0 || line === 0 ? line : line - 1, last);
    const lines = [anchor];
    while (lines.length < group.length && lines[0] > 0 && !/^(::|---\s*$)/.test(document.lineAt(lines[0] - 1).text)) {
      lines.unshift(lines[0] - 1);
    }
    // The previews of one place start at one column (a block), a little right of the longest line they follow.
    const width = (at: number) => document.lineAt(at).text.replace(/\t/g, '    ').length;
    const column = Math.min(Math.max(...lines.map(width)) + PREVIEW_GAP, PREVIEW_COLUMN);
    group.forEach((s, i) => {
      const at = lines[Math.max(0, lines.length - group.length + i)];
      const end = document.lineAt(at).range.end;
      const margin = Math.max(PREVIEW_GAP, column - width(at));
      const hover = new vscode.MarkdownString(
        `**Suggested pair** (${s.status}${s.scores?.sway !== undefined ? `, sway ${s.scores.sway.toFixed(2)}` : ''}):`
        + ` accepting inserts at line ${line + 1}:\n\n`);
      hover.appendCodeblock(s.preview ?? '', 'dlm');
      out.push({
        range: new vscode.Range(end, end),
        hoverMessage: hover,
        renderOptions: { after: {
          contentText: `✚ Q: ${oneLine(s.question, PREVIEW_CHARS)}  A: ${oneLine(s.answer, PREVIEW_CHARS)}`,
          margin: `0 0 0 ${margin}ch`,
        } },
      });
    });
  }
  return out;
}

/** The status bar item: how many suggestions the active `.dlm` document has pending (click: accept one). */
function updateSuggestionsItem(pending: number): void {
  const item = suggestionsItem;
  if (!item) {
    return;
  }
  if (pending === 0) {
    item.hide();
    return;
  }
  item.text = `$(lightbulb) ${pending} DLM suggestion${pending === 1 ? '' : 's'}`;
  item.tooltip = 'Pending synthesized instruction pairs: accept one';
  item.command = 'dlmls.client.acceptSuggestion';
  item.show();
}

/** The status bar item: the active document's current adapter version(s), from `dlmls/status`. */
function updateAdapterItem(status: Status | null): void {
  const item = adapterItem;
  if (!item) {
    return;
  }
  if (!status || status.adapters.length === 0) {
    item.hide();
    return;
  }
  const parts = status.adapters.map((a) => {
    const name = a.adapter ? `${a.adapter} ` : '';
    return a.problem ? `${name}?` : `${name}${a.version ?? 'not trained'}`;
  });
  const behind = status.adapters.some((a) => a.upToDate === false);
  item.text = `$(layers) DLM ${parts.join(' · ')}${behind ? ' (text changed)' : ''}`;
  const tooltip = new vscode.MarkdownString();
  for (const a of status.adapters) {
    const label = a.adapter ? `Adapter \`${a.adapter}\`` : 'Adapter';
    if (a.problem) {
      tooltip.appendMarkdown(`${label}: store unreadable: ${a.problem}\n\n`);
    } else if (!a.version) {
      tooltip.appendMarkdown(`${label}: not trained yet (DLM: Retrain adapter)\n\n`);
    } else {
      const facts = [a.trainedAt ? `trained ${a.trainedAt}` : '', a.steps !== null ? `${a.steps} steps` : '',
        a.upToDate === true ? 'on the text as it is now' : a.upToDate === false ? 'the text changed since' : '']
        .filter((f) => f);
      tooltip.appendMarkdown(`${label}: \`${a.version}\` (current)${facts.length ? `: ${facts.join(', ')}` : ''}\n\n`);
    }
  }
  if (status.job) {
    tooltip.appendMarkdown(`A ${status.job.kind} of this document is ${status.job.state}.\n\n`);
  }
  item.tooltip = tooltip;
  item.command = undefined;
  item.show();
}

/** The status bar item of the newest running job: its progress; a click cancels it. */
function updateJobItem(): void {
  const item = jobItem;
  if (!item) {
    return;
  }
  const entries = [...jobs.entries()];
  if (entries.length === 0) {
    item.hide();
    return;
  }
  const job = entries[entries.length - 1][1];
  const percent = typeof job.percentage === 'number' ? ` ${Math.round(job.percentage)}%` : '';
  const more = entries.length > 1 ? ` (+${entries.length - 1})` : '';
  item.text = `$(sync~spin) ${job.title}${percent}${more}`;
  item.tooltip = `${job.title}${job.message ? `: ${job.message}` : ''}${job.cancellable ? '\n\nClick to cancel.' : ''}`;
  // A plain command id: one with arguments is re-registered under a new internal id on every text update,
  // so a click between two progress reports would miss it. It cancels the newest job, the one shown.
  item.command = job.cancellable ? 'dlmls.client.cancelJob' : undefined;
  item.show();
}

/** Cancel the job with this progress token (the status bar item's click), or the newest one. */
function cancelJob(token?: string | number): boolean {
  const job = token !== undefined ? jobs.get(token) : [...jobs.values()].pop();
  if (!job) {
    return false;
  }
  job.cancel();
  return true;
}

/** "DLM: Show server log": the language client's output channel (the server's log and, traced, the LSP traffic). */
async function showLog(): Promise<void> {
  const running = client ?? await start();
  running?.outputChannel.show(true);
}
