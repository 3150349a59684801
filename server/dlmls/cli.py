"""`dlmls` on the command line: check documents, train and prompt their adapters, run the
language server.

`dlmls check FILE...` prints every problem in the compiler format editors and
CI logs understand (`path:line:col: severity: message [CODE] (range)`), with
1-based lines and columns counted in characters. `--json` prints the document
model in the shape of DLM's reference parse plus the problems. The exit
status is 0 when no file has an error, 1 when one has, 2 on usage errors or
unreadable files.

`dlmls train FILE` and `dlmls prompt FILE QUESTION` run one job on the
training worker through the same `dlmls.jobs` client the language server
uses, so the terminal and the editor share one path. They refuse a document
with errors (printed as `check` prints them), show progress on stderr (a
redrawn bar on a terminal, plain lines otherwise), cancel the job cleanly on
Ctrl-C (the worker is told; a second Ctrl-C kills it; the store keeps its
previous version) and exit with `EXIT_*` below.

`dlmls synth instructions|list|accept|reject` (module `dlmls.synth_cli`)
writes pairs from the prose with the document's own adapter, judges them,
stages them in the store and writes accepted ones into the file.

`dlmls serve` runs the language server on stdin/stdout (what editors spawn),
or on a TCP socket with `--tcp HOST:PORT` (for debugging with a client that
connects). Each subcommand imports only what it needs: `check` never loads
pygls, and nothing here loads torch (the worker process does).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dlmls import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from dlmls import protocol

EXIT_OK = 0
EXIT_DOCUMENT = 1  # the document has errors (or the worker found it untrainable)
EXIT_USAGE = 2  # bad arguments, unreadable file
EXIT_JOB = 3  # the job failed: worker error or crash, store busy, protocol mismatch
EXIT_MISSING_MODEL = 4  # the base model is not on disk and --allow-download was not given
EXIT_HELD_BACK = 5  # trained, but the new version made the held-out loss worse: kept, not made current
EXIT_CANCELLED = 130  # Ctrl-C


def _print_problems(name: str, model, problems, quiet: bool = False) -> int:
    """Print a document's problems as `check` does, then (unless `quiet`) the summary line;
    the number of errors."""
    from dlmls.core import checks

    for p in problems:
        r = p.range
        print(f"{name}:{r.start_line + 1}:{r.start_col + 1}: {p.severity.name.lower()}: "
              f"{p.message} [{p.code}] ({r})")
    errors = len(checks.errors(problems))
    if not quiet:
        sections = len(model.live_sections)
        print(f"{name}: {checks.verdict(model, errors)}; {sections} section(s), {errors} error(s), "
              f"{len(problems) - errors} other problem(s)", file=sys.stderr)
    return errors


def _problems_of(name: str, data: bytes):
    """The document model of file `name` ("-": standard input) read as `data`, and its problems with
    the cross-checks (`dlmls.core.checks`: what `check`, the editor and `train` share)."""
    from dlmls.core import checks
    from dlmls.core.document import Document

    model = Document(data).model
    base_dir = None if name == "-" else os.path.dirname(os.path.abspath(name))
    return model, checks.document_problems(model, base_dir, os.path.exists)


def _check(args: argparse.Namespace) -> int:
    from dlmls.core import checks

    status = 0
    reports = []
    for name in args.files:
        path = Path(name)
        try:
            data = sys.stdin.buffer.read() if name == "-" else path.read_bytes()
        except OSError as exc:
            print(f"{name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        model, problems = _problems_of(name, data)
        if checks.errors(problems) and status == 0:
            status = 1
        if args.json:
            report = model.to_json()
            report["problems"] = [p.to_json() for p in problems]
            report["path"] = name
            reports.append(report)
            continue
        _print_problems(name, model, problems, args.quiet)
    if args.json:
        out = reports[0] if len(reports) == 1 and len(args.files) == 1 else reports
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    return status


def _serve(args: argparse.Namespace) -> int:
    import gc
    import logging

    # Start-up is mostly imports (pygls's lsprotocol alone makes ~600 classes), and the cyclic
    # collector would walk those young objects again and again while they are made: ~10 % of the
    # time to `initialize`. Collect nothing until the server exists, then freeze what start-up
    # made (it lives as long as the process) so later collections skip it too.
    gc.disable()
    from dlmls.lsp.server import create_server

    if args.worker_cmd:
        os.environ["DLMLS_WORKER_CMD"] = args.worker_cmd  # the default under the editor's setting
    if args.dlm_home:
        os.environ["DLM_HOME"] = os.path.abspath(os.path.expanduser(args.dlm_home))  # likewise
    # stdout carries the protocol: logs go to stderr (the client's LSP log).
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = create_server()
    gc.freeze()
    gc.enable()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            print(f"dlmls serve: --tcp wants HOST:PORT, got {args.tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0


class ProgressView:
    """Job progress on stderr: one redrawn line on a terminal, plain lines (when something changes) otherwise."""

    PLAIN_INTERVAL = 5.0  # seconds between plain lines while nothing but the step changes
    TTY_INTERVAL = 0.1

    def __init__(self, stream: TextIO, tty: bool | None = None, verbose: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.verbose = verbose
        self.clock = clock  # seconds; the tests pass their own
        self._last_key: tuple[str, str] | None = None
        self._last_time = 0.0
        self._drawn = False

    def update(self, p: protocol.Progress) -> None:
        """Show one progress event (rate-limited)."""
        from dlmls.jobs import format

        now = self.clock()
        key = (p.stage, re.sub(r"\d+", "#", p.message))  # "8/40 answers", "16/40 answers": no news
        final = p.total > 0 and p.step >= p.total
        if self.tty:
            if key == self._last_key and not final and now - self._last_time < self.TTY_INTERVAL:
                return
            import shutil

            width = shutil.get_terminal_size((80, 24)).columns
            line = " ".join(part for part in (f"{p.stage:>8}", format.bar(p), format.describe(p)) if part)
            self.stream.write("\r\x1b[K" + line[: width - 1])
            self._drawn = True
        else:
            if key == self._last_key and not final and now - self._last_time < self.PLAIN_INTERVAL:
                return
            self.stream.write(f"{p.stage}: {format.describe(p)}\n")
        self.stream.flush()
        self._last_key, self._last_time = key, now

    def log(self, line: str) -> None:
        """A worker log line (shown with --verbose only; kept off the bar's line)."""
        if self.verbose:
            self.clear()
            self.stream.write(f"worker: {line}\n")
            self.stream.flush()

    def clear(self) -> None:
        """Take the bar off the screen before other output."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def note(self, text: str) -> None:
        """A message of the CLI's own, on a line of its own."""
        self.clear()
        self.stream.write(text + "\n")
        self.stream.flush()


def _load_for_job(name: str) -> tuple[Path, str] | int:
    """The document's path and text, or an exit status after printing why not: the pre-flight of
    `train` and `prompt`, refusing exactly the documents `dlmls check` fails (`dlmls.core.checks`)."""
    from dlmls.core import checks

    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    model, problems = _problems_of(name, data)
    if checks.errors(problems):
        _print_problems(name, model, problems)
        print(f"{name}: fix the error(s) above first", file=sys.stderr)
        return EXIT_DOCUMENT
    return path.resolve(), data.decode("utf-8", "replace")


def _exit_status(kind: str) -> int:
    return {"cancelled": EXIT_CANCELLED, "invalid_document": EXIT_DOCUMENT,
            "missing_model": EXIT_MISSING_MODEL}.get(kind, EXIT_JOB)


def run_document_job(args: argparse.Namespace,
                     kind: type[protocol.TrainJob | protocol.PromptJob | protocol.SynthJob],
                     **fields: object) -> protocol.Message | int:
    """Run a `kind` job (with `fields`) on the document `args.file` (refused with errors) on a fresh
    worker, with progress and Ctrl-C handling; its result, or an exit status."""
    import asyncio
    import signal

    from dlmls.jobs import JobFailed, Jobs, worker_command

    loaded = _load_for_job(args.file)
    if isinstance(loaded, int):
        return loaded
    path, text = loaded
    job = kind(job=0, path=str(path), text=text, dlm_home=_dlm_home(args), **fields)
    view = ProgressView(sys.stderr, verbose=args.verbose)
    command = worker_command(args.worker_cmd)

    async def drive() -> protocol.Message | int:
        loop = asyncio.get_running_loop()
        jobs = Jobs(lambda: command, on_log=view.log)
        handle = jobs.submit(job, on_progress=view.update)
        interrupts = 0

        def on_interrupt() -> None:
            nonlocal interrupts
            interrupts += 1
            if interrupts == 1:
                view.note("cancelling (Ctrl-C again to stop the worker at once)...")
                handle.cancel()
            elif jobs.worker is not None:
                view.note("stopping the worker")
                loop.create_task(jobs.worker.kill())

        loop.add_signal_handler(signal.SIGINT, on_interrupt)
        try:
            return await handle
        except JobFailed as exc:
            view.clear()
            kind = "cancelled" if interrupts else exc.kind
            print(f"{args.file}: {'cancelled' if kind == 'cancelled' else kind}: {exc.message}", file=sys.stderr)
            return _exit_status(kind)
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            view.clear()
            await jobs.shutdown()

    return asyncio.run(drive())


def _train(args: argparse.Namespace) -> int:
    from dlmls import protocol
    from dlmls.jobs import format

    options = protocol.TrainOptions(max_steps=args.max_steps, num_epochs=args.epochs, seed=args.seed,
                                    allow_download=args.allow_download, fresh=args.fresh,
                                    adapters=args.adapter or None, keep_worse=args.keep_worse)
    result = run_document_job(args, protocol.TrainJob, options=options)
    if isinstance(result, int):
        return result
    assert isinstance(result, protocol.TrainResult)
    for line in format.train_summary(result):
        print(f"{args.file}: {line}")
    if any(v.held_back for v in result.versions):
        print("dlmls train: a new version made the held-out loss worse and was kept but not made current; "
              "pass --keep-worse to make it current anyway", file=sys.stderr)
        return EXIT_HELD_BACK
    return EXIT_OK


def _prompt(args: argparse.Namespace) -> int:
    from dlmls import protocol

    result = run_document_job(args, protocol.PromptJob, question=args.question, adapter=args.adapter,
                              version=args.adapter_version, max_new_tokens=args.max_new_tokens,
                              temperature=args.temperature, top_p=args.top_p, seed=args.seed,
                              allow_download=args.allow_download)
    if isinstance(result, int):
        return result
    assert isinstance(result, protocol.PromptResult)
    print(result.answer)
    by = f"adapter {result.adapter_version}" if result.adapter_version else "the base model"
    print(f"({by}, {result.new_tokens} new tokens, {result.seconds:.1f} s)", file=sys.stderr)
    return EXIT_OK


def _dlm_home(args: argparse.Namespace) -> str | None:
    return str(Path(args.dlm_home).expanduser().resolve()) if args.dlm_home else None


def _version_arg(value: str) -> str:
    import re

    if value != "base" and not re.fullmatch(r"v\d{4,}", value):
        raise argparse.ArgumentTypeError(f"expected vNNNN (e.g. v0003) or base, got {value!r}")
    return value


def _job_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the .dlm document")
    parser.add_argument("--dlm-home", metavar="DIR", help="the store root (default: $DLM_HOME or ~/.dlm)")
    parser.add_argument("--allow-download", action="store_true",
                        help="fetch a missing base model from the Hugging Face Hub")
    parser.add_argument("--worker-cmd", metavar="CMD",
                        help="the worker command, shell-quoted (default: $DLMLS_WORKER_CMD, else "
                             "this Python with -m dlmls.worker)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the worker's log on stderr")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so docs and tests can inspect it)."""
    parser = argparse.ArgumentParser(prog="dlmls", description="Language server and tools for .dlm documents.")
    parser.add_argument("--version", action="version", version=f"dlmls {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="report every problem in .dlm files")
    check.add_argument("files", nargs="+", metavar="FILE", help="a .dlm file, or - for standard input")
    check.add_argument("--json", action="store_true", help="print the document model and problems as JSON")
    check.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    check.set_defaults(func=_check)
    serve = sub.add_parser("serve", help="run the language server (stdio unless --tcp)")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default)")
    mode.add_argument("--tcp", metavar="HOST:PORT", help="listen for one LSP client on a TCP socket")
    serve.add_argument("--worker-cmd", metavar="CMD",
                       help="the worker command, shell-quoted (an editor setting overrides it)")
    serve.add_argument("--dlm-home", metavar="DIR",
                       help="where adapter stores live (default $DLM_HOME or ~/.dlm; an editor's dlmHome setting "
                            "overrides it)")
    serve.add_argument("--log-level", default="warning",
                       choices=["debug", "info", "warning", "error"], help="stderr log level")
    serve.set_defaults(func=_serve)
    train = sub.add_parser("train", help="train the document's adapter and make the new version current")
    _job_arguments(train)
    train.add_argument("--max-steps", type=int, metavar="N", help="stop after N optimizer steps")
    train.add_argument("--epochs", type=int, metavar="N", help="epochs (default: as the document says)")
    train.add_argument("--seed", type=int, metavar="N", help="random seed (default: as the document says)")
    train.add_argument("--fresh", action="store_true", help="start from the base model, not the current adapter")
    train.add_argument("--keep-worse", action="store_true",
                       help="make the new version current even if its held-out loss got worse")
    train.add_argument("--adapter", action="append", metavar="NAME",
                       help="train only this adapter of a multi-adapter document (repeatable)")
    train.set_defaults(func=_train)
    prompt = sub.add_parser("prompt", help="answer a question with the document's adapter")
    _job_arguments(prompt)
    prompt.add_argument("question", metavar="QUESTION")
    prompt.add_argument("--max-new-tokens", type=int, default=256, metavar="N")
    prompt.add_argument("--temperature", type=float, default=0.0, metavar="T", help="0 (the default): greedy")
    prompt.add_argument("--top-p", type=float, default=1.0, metavar="P")
    prompt.add_argument("--seed", type=int, default=0, metavar="N")
    prompt.add_argument("--version", dest="adapter_version", metavar="vNNNN|base", type=_version_arg,
                        help="answer with this adapter version, or the base model (default: the current one)")
    prompt.add_argument("--adapter", metavar="NAME", help="which adapter of a multi-adapter document")
    prompt.set_defaults(func=_prompt)
    from dlmls import synth_cli

    synth_cli.add_parser(sub, _job_arguments)
    from dlmls import init_cli, show_cli

    init_cli.add_parser(sub)
    show_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `dlmls` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
