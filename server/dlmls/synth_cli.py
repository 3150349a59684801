"""`dlmls synth instructions|list|accept|reject`: the self-teaching loop on the command line.

`synth instructions FILE` runs a synthesis job on the worker (progress on
stderr as `dlmls train` shows it: one redrawn bar on a terminal, plain lines
otherwise; Ctrl-C cancels), prints the filter counts (every stage a
candidate can be dropped at) and the kept pairs, and stages them as
suggestions in the document's store; with `--apply` it also writes them
into the file. `synth list` shows the staged suggestions and where each
stands against the file now (ready, re-anchored, stale), `synth accept`
writes chosen ones into the file and `synth reject` makes sure they are
never suggested again. Which suggestions an id list means, where they go,
the edit and what is recorded are `dlmls.review`'s decisions, the same as
the language server's; this module reads and writes the file. The file is
only ever changed by `--apply` and `accept`: minimally (each pair a new
`::instruction::` section after its source, no other byte moved),
atomically (temp file + rename, mode kept), only if it did not change while
the command ran, and only after the result was re-parsed and found to keep
every section id.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_DOCUMENT, EXIT_USAGE, EXIT_JOB = 0, 1, 2, 3


def _open(args: argparse.Namespace) -> tuple[bytes, Any, Any] | int:
    """The file's bytes, its model and its store, or an exit status after printing why not."""
    from dlmls.core.document import Document
    from dlmls.store import Store, StoreError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    model = Document(data).model
    info = model.frontmatter.info if model.frontmatter else None
    if info is None or not info.dlm_id:
        print(f"{args.file}: the frontmatter has no valid dlm_id", file=sys.stderr)
        return EXIT_DOCUMENT
    try:
        return data, model, Store.for_id(info.dlm_id, args.dlm_home)
    except StoreError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_DOCUMENT


def _table(store: Any) -> Any:
    from dlmls import suggestions as sugmod

    return sugmod.read_suggestions(sugmod.suggestions_path(store.root))


def write_document(path: Path, before: bytes, text: str) -> None:
    """Replace the file atomically with `text`, keeping its mode; refuse if it changed since `before`."""
    import secrets

    if path.read_bytes() != before:
        raise OSError(f"{path} changed while this command ran; nothing was written (run it again)")
    mode = path.stat().st_mode & 0o7777
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(text.encode("utf-8", "surrogatepass"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def accept_into_file(path: Path, ids: list[str] | None, dlm_home: str | None) -> tuple[list[str], list[str]]:
    """Write suggestions `ids` (None: every placeable pending one) into the file.

    Returns (accepted ids, messages about the ones that were not); raises ValueError when the
    edit would not be what accepting means (see `core.accept.check_insertion`).
    """
    from dlmls.core.document import Document
    from dlmls.store import Store

    data = path.read_bytes()
    model = Document(data).model
    return _accept_into(path, data, model, Store.for_id(model.frontmatter.info.dlm_id, dlm_home), ids)


def _accept_into(path: Path, data: bytes, model: Any, store: Any,
                 ids: list[str] | None) -> tuple[list[str], list[str]]:
    """`accept_into_file` on a file already read (`data`, parsed as `model`)."""
    from dlmls import review

    choice = review.choose(_table(store), ids, for_accept=True)
    plan = review.plan_accept(model, choice.chosen)
    notes = choice.notes + plan.notes()
    if plan.text is None:
        return [], notes
    write_document(path, data, plan.text)
    review.record(store.root, plan.ids, "accepted")
    return plan.ids, notes


def _fmt_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _instructions(args: argparse.Namespace) -> int:
    from dlmls import protocol
    from dlmls.cli import _dlm_home, run_document_job
    from dlmls.jobs import format

    options = protocol.SynthOptions(teacher=args.teacher, strategy=args.strategy, per_section=args.per_section,
                                    max_pairs=args.max_pairs, filter=args.filter, threshold=args.threshold,
                                    seed=args.seed, allow_download=args.allow_download)
    result = run_document_job(args, protocol.SynthJob, options=options)
    if isinstance(result, int):
        return result
    assert isinstance(result, protocol.SynthResult)
    rate = result.candidates / result.seconds * 60 if result.seconds else 0.0
    print(f"{args.file}: teacher {result.teacher} ({result.teacher_model}), {result.strategy}: "
          f"{format.synth_counts(result.counts)} ({result.seconds:.0f} s, {rate:.0f} candidates/min)",
          file=sys.stderr, flush=True)
    applied: list[str] = []
    notes: list[str] = list(result.notes)
    if args.apply and result.pairs:
        try:
            applied, more = accept_into_file(Path(args.file), [p.id for p in result.pairs], _dlm_home(args))
        except (OSError, ValueError) as exc:
            print(f"{args.file}: not applied: {exc}", file=sys.stderr)
            return EXIT_JOB
        notes += more
    if args.json:
        import msgspec

        out = msgspec.to_builtins(result)
        out["applied"] = applied
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for p in result.pairs:
            print(f"[{p.id}] sway {_fmt_score(p.sway)} · answerability {_fmt_score(p.answerability)} · "
                  f"judge {_fmt_score(p.judge)}\n  Q: {p.question}\n  A: {p.answer}")
    for n in notes:
        print(f"{args.file}: note: {n}", file=sys.stderr)
    if args.apply:
        print(f"{args.file}: {len(applied)} pair(s) written into the file", file=sys.stderr)
    elif result.pairs:
        print(f"{args.file}: staged; accept with `dlmls synth accept {args.file} ID…|--all`", file=sys.stderr)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from dlmls.core import accept

    opened = _open(args)
    if isinstance(opened, int):
        return opened
    _data, model, store = opened
    table = _table(store)
    shown = list(table.by_id.values()) if args.all else table.pending()
    placements = {p.suggestion.id: p for p in accept.place(model, shown)}
    rows = []
    for s in shown:
        p = placements[s.id]
        status = s.state if s.state != "pending" else p.status
        line = f"line {p.section_line + 1}" if p.section_line is not None else "-"
        rows.append({"id": s.id, "status": status, "source": line, "section_id": s.section_id,
                     "question": s.question, "answer": s.answer, "sway": s.sway, "judge": s.judge,
                     "teacher": s.teacher, "synth_at": s.synth_at})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for r in rows:
        print(f"[{r['id']}] {r['status']:<10} source {r['source']:<9} sway {_fmt_score(r['sway'])} "
              f"judge {_fmt_score(r['judge'])}\n  Q: {r['question']}\n  A: {r['answer']}")
    if table.bad_lines:
        print(f"{args.file}: {table.bad_lines} unreadable line(s) in the suggestions file skipped", file=sys.stderr)
    print(f"{args.file}: {len(rows)} suggestion(s)", file=sys.stderr)
    return EXIT_OK


def _for_review(args: argparse.Namespace) -> tuple[list[str] | None, bytes, Any, Any] | int:
    """The ids `accept` / `reject` name (None: --all) and the file's bytes, model and store; or an exit
    status after printing why not."""
    if args.all and args.ids:
        print("give suggestion ids or --all, not both", file=sys.stderr)
        return EXIT_USAGE
    if not args.all and not args.ids:
        print("give suggestion ids (see `dlmls synth list`) or --all", file=sys.stderr)
        return EXIT_USAGE
    opened = _open(args)
    if isinstance(opened, int):
        return opened
    return (None if args.all else list(args.ids), *opened)


def _accept(args: argparse.Namespace) -> int:
    opened = _for_review(args)
    if isinstance(opened, int):
        return opened
    ids, data, model, store = opened
    try:
        done, notes = _accept_into(Path(args.file), data, model, store, ids)
    except (OSError, ValueError) as exc:
        print(f"{args.file}: nothing written: {exc}", file=sys.stderr)
        return EXIT_JOB
    for n in notes:
        print(f"{args.file}: {n}", file=sys.stderr)
    print(f"{args.file}: {len(done)} pair(s) written into the file" + (f": {', '.join(done)}" if done else ""),
          file=sys.stderr)
    return EXIT_OK if done or ids is None else EXIT_DOCUMENT


def _reject(args: argparse.Namespace) -> int:
    from dlmls import review

    opened = _for_review(args)
    if isinstance(opened, int):
        return opened
    ids, _data, model, store = opened
    choice = review.choose(_table(store), ids, for_accept=False)
    for n in choice.notes:
        print(f"{args.file}: {n}", file=sys.stderr)
    done = review.plan_reject(model, choice.chosen)
    if done:
        review.record(store.root, done, "rejected")
    already = len(choice.chosen) - len(done)
    more = f" ({already} already were)" if already else ""
    print(f"{args.file}: {len(done)} suggestion(s) rejected{more}", file=sys.stderr)
    return EXIT_OK if choice.chosen or ids is None else EXIT_DOCUMENT


def add_parser(sub: Any, job_arguments: Any) -> None:
    """`dlmls synth …` and its subcommands."""
    synth = sub.add_parser("synth", help="synthesize instruction pairs from the prose and review them")
    ssub = synth.add_subparsers(dest="synth_command", required=True)
    ins = ssub.add_parser("instructions", help="write, judge and stage pairs for the document's prose")
    job_arguments(ins)
    ins.add_argument("--teacher", default="self", metavar="self|hf:ID|PATH",
                     help="who writes: the document's own adapter (default), a Hugging Face id, or a directory")
    ins.add_argument("--strategy", default="extraction", choices=["extraction", "expansion", "both"])
    ins.add_argument("--per-section", type=int, metavar="N", help="suggested pairs per prose section, the "
                     "best-ranked first (default 6; run again or ask for more to see the next ones)")
    ins.add_argument("--max-pairs", type=int, metavar="N", help="accepted pairs in all (default 96)")
    ins.add_argument("--filter", default="sway", choices=["sway", "dedup-only", "none"])
    ins.add_argument("--threshold", type=float, metavar="F",
                     help="minimum sway in nats/token of a pair the teacher wrote or reworded (default 0.25)")
    ins.add_argument("--seed", type=int, default=0, metavar="N")
    ins.add_argument("--apply", action="store_true", help="also write the accepted pairs into the file")
    ins.add_argument("--json", action="store_true", help="print the whole result as JSON")
    ins.set_defaults(func=_instructions)
    for name, func, text in (("accept", _accept, "write staged suggestions into the file"),
                             ("reject", _reject, "reject staged suggestions (never suggested again)")):
        p = ssub.add_parser(name, help=text)
        p.add_argument("file", metavar="FILE")
        p.add_argument("ids", nargs="*", metavar="ID")
        p.add_argument("--all", action="store_true", help="every pending suggestion")
        p.add_argument("--dlm-home", metavar="DIR", help="the store root (default: $DLM_HOME or ~/.dlm)")
        p.set_defaults(func=func)
    ls = ssub.add_parser("list", help="show staged suggestions and where each stands")
    ls.add_argument("file", metavar="FILE")
    ls.add_argument("--all", action="store_true", help="also the accepted and rejected ones")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--dlm-home", metavar="DIR", help="the store root (default: $DLM_HOME or ~/.dlm)")
    ls.set_defaults(func=_list)
