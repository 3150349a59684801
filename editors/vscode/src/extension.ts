// The VS Code client of the dlmls language server: it starts `dlmls serve` over
// stdio for `.dlm` documents, hands it the `dlmls.*` server settings (as
// initializationOptions and on every change), shows the server's work-done
// progress as cancellable notifications, and adds palette commands that run the
// server's `dlmls.retrain` / `dlmls.ask` / `dlmls.cancel` on the active document.
// Everything else (diagnostics, hovers, completion, quick fixes, outline,
// folding, semantic tokens) is plain LSP that vscode-languageclient wires up.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverSettingNames = settingNames(context.extension.packageJSON);
  context.subscriptions.push(
    vscode.commands.registerCommand('dlmls.client.retrain', (uri?: vscode.Uri) => retrain(uri, false)),
    vscode.commands.registerCommand('dlmls.client.retrainKeepWorse', (uri?: vscode.Uri) => retrain(uri, true)),
    vscode.commands.registerCommand('dlmls.client.ask', (uri?: vscode.Uri, question?: string) => ask(uri, question)),
    vscode.commands.registerCommand('dlmls.client.cancel', (uri?: vscode.Uri) => cancel(uri)),
    vscode.commands.registerCommand('dlmls.client.restart', () => restart()),
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
    void vscode.window.showInformationMessage(`dlmls: no retrain of ${path.basename(target.fsPath)} is running`);
  }
  return cancelled;
}
