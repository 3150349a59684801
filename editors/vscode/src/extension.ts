// The VS Code client of the dlmls language server: it starts `dlmls serve` over
// stdio for `.dlm` documents, hands it the `dlmls.*` server settings (as
// initializationOptions and on every change), shows the server's work-done
// progress as cancellable notifications, and adds palette commands that run the
// server's `dlmls.retrain` / `dlmls.ask` / `dlmls.cancel` on the active document,
// and the synthesis loop's `dlmls.synthesize` / `dlmls.accept` / `dlmls.reject`
// (with `dlmls/suggestions` behind a quick pick and a status bar item that
// follows `dlmls/suggestionsChanged`). Everything else (diagnostics, hovers,
// completion, quick fixes, the review code actions and code lenses, outline,
// folding, semantic tokens) is plain LSP that vscode-languageclient wires up.
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

const SECTION = 'dlmls';
// Setting names under `dlmls.` that belong to this client; every other
// `dlmls.<name>` in package.json is a server setting (server/dlmls/lsp/settings.py).
const CLIENT_PREFIXES = ['server.', 'trace.'];

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
let serverSettingNames: string[] = [];
let answers: vscode.OutputChannel | undefined;
let suggestionsItem: vscode.StatusBarItem | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverSettingNames = settingNames(context.extension.packageJSON);
  context.subscriptions.push(
    vscode.commands.registerCommand('dlmls.client.retrain', (uri?: vscode.Uri) => retrain(uri, false)),
    vscode.commands.registerCommand('dlmls.client.retrainKeepWorse', (uri?: vscode.Uri) => retrain(uri, true)),
    vscode.commands.registerCommand('dlmls.client.ask', (uri?: vscode.Uri, question?: string) => ask(uri, question)),
    vscode.commands.registerCommand('dlmls.client.cancel', (uri?: vscode.Uri) => cancel(uri)),
    vscode.commands.registerCommand('dlmls.client.restart', () => restart()),
    vscode.commands.registerCommand('dlmls.client.synthesizeSection',
      (uri?: vscode.Uri, line?: number) => synthesizeSection(uri, line)),
    vscode.commands.registerCommand('dlmls.client.synthesizeDocument', (uri?: vscode.Uri) => synthesize(uri)),
    vscode.commands.registerCommand('dlmls.client.acceptSuggestion',
      (uri?: vscode.Uri, ids?: string[]) => review('accept', uri, ids)),
    vscode.commands.registerCommand('dlmls.client.rejectSuggestion',
      (uri?: vscode.Uri, ids?: string[]) => review('reject', uri, ids)),
    vscode.commands.registerCommand('dlmls.client.acceptAll', (uri?: vscode.Uri) => reviewAll('accept', uri)),
    vscode.commands.registerCommand('dlmls.client.rejectAll', (uri?: vscode.Uri) => reviewAll('reject', uri)),
    suggestionsItem = vscode.window.createStatusBarItem('dlmls.suggestions', vscode.StatusBarAlignment.Left, 50),
    vscode.window.onDidChangeActiveTextEditor(() => void updateSuggestionsItem()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server`)) {
        void restart();
      } else if (serverSettingNames.some((name) => e.affectsConfiguration(`${SECTION}.${name}`))) {
        void client?.sendNotification('workspace/didChangeConfiguration', { settings: settingsPayload() });
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** The server setting names: package.json's `dlmls.<name>` properties that are not the client's own. */
export function settingNames(packageJSON: any): string[] {
  const properties = packageJSON?.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith(`${SECTION}.`))
    .map((key) => key.slice(SECTION.length + 1))
    .filter((name) => !CLIENT_PREFIXES.some((prefix) => name.startsWith(prefix)));
}

/** `{dlmls: {workerCommand, dlmHome, ...}}`: what the server reads (package.json supplies the defaults). */
function settingsPayload(): { [SECTION]: Record<string, unknown> } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const values: Record<string, unknown> = {};
  for (const name of serverSettingNames) {
    values[name] = config.get(name);
  }
  return { [SECTION]: values };
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
      initializationOptions: settingsPayload,
      outputChannelName: 'DLM Language Server',
    };
    const created = new LanguageClient(SECTION, 'DLM Language Server', serverOptions, clientOptions);
    created.registerFeature(new NotificationProgressFeature(created));
    // After a synthesis, an accept or a reject: the status bar's count (code lenses refresh by themselves).
    created.onNotification('dlmls/suggestionsChanged', () => void updateSuggestionsItem());
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
    void updateSuggestionsItem();
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
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

/**
 * Server-initiated work-done progress as a notification with a Cancel button.
 * vscode-languageclient's own handler shows it in the status bar, where it
 * cannot be cancelled; this feature is registered after the built-in ones, so
 * its `window/workDoneProgress/create` handler is the one that counts.
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

class NotificationProgress {
  private listener: vscode.Disposable | undefined;
  private resolve: (() => void) | undefined;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private reported = 0;
  private finished = false;

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
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: params.title, cancellable: params.cancellable === true },
      (progress, cancelled) => {
        if (this.finished) {
          return Promise.resolve();
        }
        this.progress = progress;
        cancelled.onCancellationRequested(() => {
          void this.owner.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
        });
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
    }
    this.progress?.report({ message: params.message, increment });
  }

  done(): void {
    this.finished = true;
    this.listener?.dispose();
    this.listener = undefined;
    this.resolve?.();
    this.resolve = undefined;
    this.onDone();
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

/** The status bar item: how many suggestions the active `.dlm` document has pending. */
async function updateSuggestionsItem(): Promise<void> {
  const item = suggestionsItem;
  const document = vscode.window.activeTextEditor?.document;
  if (!item) {
    return;
  }
  if (!client || !document || document.languageId !== 'dlm') {
    item.hide();
    return;
  }
  let listing: Listing | null = null;
  try {
    listing = await client.sendRequest('dlmls/suggestions', { textDocument: { uri: protocolUri(document.uri) } }) as Listing | null;
  } catch {
    listing = null;
  }
  if (vscode.window.activeTextEditor?.document !== document) {
    return; // the user moved on meanwhile; that editor's own update wins
  }
  const pending = (listing?.suggestions ?? []).filter((s) => s.status !== 'stale').length;
  if (pending === 0) {
    item.hide();
    return;
  }
  item.text = `$(lightbulb) ${pending} DLM suggestion${pending === 1 ? '' : 's'}`;
  item.tooltip = 'Pending synthesized instruction pairs: accept one';
  item.command = 'dlmls.client.acceptSuggestion';
  item.show();
}
