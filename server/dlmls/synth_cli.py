"""`dlmls synth instructions|list|accept|reject`: the self-teaching loop on the command line.

`synth instructions FILE` runs a synthesis job on the worker (progress on
stderr, Ctrl-C cancels), prints the filter counts and the kept pairs, and
stages them as suggestions in the document's store; with `--apply` it also
writes them into the file. `synth list` shows the staged suggestions and
where each stands against the file now (ready, re-anchored, stale),
`synth accept` writes chosen ones into the file and `synth reject` makes
sure they are never suggested again. The file is only ever changed by
`--apply` and `accept`: minimally (each pair a new `::instruction::`
section after its source, no other byte moved), atomically (temp file +
rename, mode kept), only if it did not change while the command ran, and
only after the result was re-parsed and found to keep every section id.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_DOCUMENT, EXIT_USAGE, EXIT_JOB = 0, 1, 2, 3


def _doc(path: Path) -> tuple[bytes, Any] | int:
    from dlmls.core.document import Document

    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return data, Document(data).model


def _store_for(model: Any, args: argparse.Namespace) -> Any:
    from dlmls.store import Store, StoreError

    info = model.frontmatter.info if model.frontmatter else None
    if info is None or not info.dlm_id:
        print(f"{args.file}: the frontmatter has no valid dlm_id", file=sys.stderr)
        return EXIT_DOCUMENT
    try:
        return Store.for_id(info.dlm_id, args.dlm_home)
    except StoreError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_DOCUMENT


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
    from dlmls import suggestions as sugmod
    from dlmls.core import accept
    from dlmls.core.document import Document
    from dlmls.store import Store, utc_now

    data = path.read_bytes()
    model = Document(data).model
    store = Store.for_id(model.frontmatter.info.dlm_id, dlm_home)
    table = sugmod.read_suggestions(sugmod.suggestions_path(store.root))
    notes: list[str] = []
    if ids is None:
        chosen = table.pending()
    else:
        chosen = []
        for ident in ids:
            s = table.get(ident)
            if s is None:
                notes.append(f"{ident}: no such suggestion")
            elif s.state == "rejected":
                notes.append(f"{s.id}: was rejected; not accepted")
            else:
                chosen.append(s)
    placements = accept.place(model, chosen)
    ready = [p for p in placements if p.placeable]
    for p in placements:
        if p.status == "stale":
            notes.append(f"{p.suggestion.id}: its source section changed since it was written (stale); "
                         "synthesize again")
        elif p.status == "accepted":
            notes.append(f"{p.suggestion.id}: already in the document")
    if not ready:
        return [], notes
    new_text = accept.apply(model, accept.insertions(model, ready))
    why = accept.check_insertion(model, new_text, [p.suggestion for p in ready])
    if why is not None:
        raise ValueError(why)
    write_document(path, data, new_text)
    done = [p.suggestion.id for p in ready]
    sugmod.set_state(sugmod.suggestions_path(store.root), done, "accepted",
                     utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    return done, notes


def _fmt_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _instructions(args: argparse.Namespace) -> int:
    from dlmls import protocol
    from dlmls.cli import _dlm_home, _load_for_job, _run_job

    loaded = _load_for_job(args.file)
    if isinstance(loaded, int):
        return loaded
    path, text = loaded
    options = protocol.SynthOptions(teacher=args.teacher, strategy=args.strategy, per_section=args.per_section,
                                    max_pairs=args.max_pairs, filter=args.filter, threshold=args.threshold,
                                    seed=args.seed, allow_download=args.allow_download)
    job = protocol.SynthJob(job=0, path=str(path), text=text, dlm_home=_dlm_home(args), options=options)
    result = _run_job(job, args)
    if isinstance(result, int):
        return result
    assert isinstance(result, protocol.SynthResult)
    c = result.counts
    rate = result.candidates / result.seconds * 60 if result.seconds else 0.0
    summary = (f"{args.file}: teacher {result.teacher} ({result.teacher_model}), {result.strategy}: "
               f"{c.get('generated', 0)} generated, {c.get('duplicates', 0)} duplicates, "
               f"{c.get('artifacts', 0)} artifacts, {c.get('ungrounded', 0)} ungrounded, "
               f"{c.get('below_threshold', 0)} below threshold, {c.get('over_cap', 0)} over the caps, "
               f"{c.get('accepted', 0)} accepted ({result.seconds:.0f} s, {rate:.0f} candidates/min)")
    applied: list[str] = []
    notes: list[str] = list(result.notes)
    if args.apply and result.pairs:
        try:
            applied, more = accept_into_file(path, [p.id for p in result.pairs], _dlm_home(args))
        except (OSError, ValueError) as exc:
            print(f"{args.file}: not applied: {exc}", file=sys.stderr)
            return EXIT_JOB
        notes += more
    if args.json:
        out = json.loads(json.dumps(__import__("msgspec").to_builtins(result)))
        out["applied"] = applied
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for p in result.pairs:
            print(f"[{p.id}] sway {_fmt_score(p.sway)} · answerability {_fmt_score(p.answerability)} · "
                  f"judge {_fmt_score(p.judge)}\n  Q: {p.question}\n  A: {p.answer}")
    print(summary, file=sys.stderr)
    for n in notes:
        print(f"{args.file}: note: {n}", file=sys.stderr)
    if args.apply:
        print(f"{args.file}: {len(applied)} pair(s) written into the file", file=sys.stderr)
    elif result.pairs:
        print(f"{args.file}: staged; accept with `dlmls synth accept {args.file} ID…|--all`", file=sys.stderr)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from dlmls import suggestions as sugmod
    from dlmls.core import accept

    loaded = _doc(Path(args.file))
    if isinstance(loaded, int):
        return loaded
    _data, model = loaded
    store = _store_for(model, args)
    if isinstance(store, int):
        return store
    table = sugmod.read_suggestions(sugmod.suggestions_path(store.root))
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


def _ids(args: argparse.Namespace) -> list[str] | None | int:
    if args.all and args.ids:
        print("give suggestion ids or --all, not both", file=sys.stderr)
        return EXIT_USAGE
    if not args.all and not args.ids:
        print("give suggestion ids (see `dlmls synth list`) or --all", file=sys.stderr)
        return EXIT_USAGE
    return None if args.all else list(args.ids)


def _accept(args: argparse.Namespace) -> int:
    ids = _ids(args)
    if isinstance(ids, int):
        return ids
    path = Path(args.file)
    loaded = _doc(path)
    if isinstance(loaded, int):
        return loaded
    if isinstance(_store_for(loaded[1], args), int):
        return EXIT_DOCUMENT
    try:
        done, notes = accept_into_file(path, ids, args.dlm_home)
    except (OSError, ValueError) as exc:
        print(f"{args.file}: nothing written: {exc}", file=sys.stderr)
        return EXIT_JOB
    for n in notes:
        print(f"{args.file}: {n}", file=sys.stderr)
    print(f"{args.file}: {len(done)} pair(s) written into the file" + (f": {', '.join(done)}" if done else ""),
          file=sys.stderr)
    return EXIT_OK if done or ids is None else EXIT_DOCUMENT


def _reject(args: argparse.Namespace) -> int:
    from dlmls import suggestions as sugmod
    from dlmls.store import utc_now

    ids = _ids(args)
    if isinstance(ids, int):
        return ids
    loaded = _doc(Path(args.file))
    if isinstance(loaded, int):
        return loaded
    store = _store_for(loaded[1], args)
    if isinstance(store, int):
        return store
    where = sugmod.suggestions_path(store.root)
    table = sugmod.read_suggestions(where)
    if ids is None:
        chosen = [s.id for s in table.pending()]
    else:
        chosen = []
        for ident in ids:
            s = table.get(ident)
            if s is None:
                print(f"{args.file}: {ident}: no such suggestion", file=sys.stderr)
            else:
                chosen.append(s.id)
    sugmod.set_state(where, chosen, "rejected", utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    print(f"{args.file}: {len(chosen)} suggestion(s) rejected", file=sys.stderr)
    return EXIT_OK if chosen or ids is None else EXIT_DOCUMENT


def add_parser(sub: Any, job_arguments: Any) -> None:
    """`dlmls synth …` and its subcommands."""
    synth = sub.add_parser("synth", help="synthesize instruction pairs from the prose and review them")
    ssub = synth.add_subparsers(dest="synth_command", required=True)
    ins = ssub.add_parser("instructions", help="write, judge and stage pairs for the document's prose")
    job_arguments(ins)
    ins.add_argument("--teacher", default="self", metavar="self|hf:ID|PATH",
                     help="who writes: the document's own adapter (default), a Hugging Face id, or a directory")
    ins.add_argument("--strategy", default="extraction", choices=["extraction", "expansion", "both"])
    ins.add_argument("--per-section", type=int, metavar="N", help="accepted pairs per prose section "
                     "(default: about two per sentence, 4–32)")
    ins.add_argument("--max-pairs", type=int, metavar="N", help="accepted pairs in all (default 96)")
    ins.add_argument("--filter", default="sway", choices=["sway", "dedup-only", "none"])
    ins.add_argument("--threshold", type=float, metavar="F", help="minimum sway in nats/token (default 0.5)")
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
