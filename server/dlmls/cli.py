"""`dlmls` on the command line: check documents and run the language server
(more commands come with the training worker).

`dlmls check FILE...` prints every problem in the compiler format editors and
CI logs understand (`path:line:col: severity: message [CODE] (range)`), with
1-based lines and columns counted in characters. `--json` prints the document
model in the shape of DLM's reference parse plus the problems. The exit
status is 0 when no file has an error, 1 when one has, 2 on usage errors or
unreadable files.

`dlmls serve` runs the language server on stdin/stdout (what editors spawn),
or on a TCP socket with `--tcp HOST:PORT` (for debugging with a client that
connects). The server's modules are imported only by this subcommand, so
`dlmls check` never loads pygls.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dlmls import __version__


def _check(args: argparse.Namespace) -> int:
    from dlmls.core.document import Document
    from dlmls.core.problems import Severity

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
        model = Document(data).model
        problems = model.problems
        if any(p.severity == Severity.ERROR for p in problems) and status == 0:
            status = 1
        if args.json:
            report = model.to_json()
            report["path"] = name
            reports.append(report)
            continue
        for p in problems:
            r = p.range
            print(f"{name}:{r.start_line + 1}:{r.start_col + 1}: {p.severity.name.lower()}: "
                  f"{p.message} [{p.code}] ({r})")
        if not args.quiet:
            errors = sum(p.severity == Severity.ERROR for p in problems)
            sections = len(model.live_sections)
            verdict = "ok" if model.ok else "rejected by DLM"
            print(f"{name}: {verdict}; {sections} section(s), {errors} error(s), "
                  f"{len(problems) - errors} other problem(s)", file=sys.stderr)
    if args.json:
        out = reports[0] if len(reports) == 1 and len(args.files) == 1 else reports
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    return status


def _serve(args: argparse.Namespace) -> int:
    import logging

    from dlmls.lsp.server import create_server

    # stdout carries the protocol: logs go to stderr (the client's LSP log).
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            print(f"dlmls serve: --tcp wants HOST:PORT, got {args.tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0


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
    serve.add_argument("--log-level", default="warning",
                       choices=["debug", "info", "warning", "error"], help="stderr log level")
    serve.set_defaults(func=_serve)
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
