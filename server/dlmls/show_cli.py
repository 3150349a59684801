"""`dlmls show FILE [--json]`: a document's adapter history (DLM: `dlm show`).

Reads the document's store (`--dlm-home DIR`, else `$DLM_HOME`, else
`~/.dlm`) through `dlmls.history` and prints, per adapter, every version
oldest first: when it was trained, steps, final train loss, held-out loss
before → after, what data went in, which version is current (`*`) and
whether the current one was trained on the document as it is now. Versions
DLM trained (no `dlmls_run.json`) show what DLM's manifest records. `--json`
prints `dlmls.history`'s object (its module docstring documents the shape).
Read-only: nothing is created on disk, not even for a document with no store.

Exit status: 0 shown (a document with no store yet included); 1 the
document has no valid `dlm_id`; 2 unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dlmls.history import version_facts

EXIT_OK = 0
EXIT_DOCUMENT = 1
EXIT_USAGE = 2


def _data_line(data: dict[str, Any] | None, tokens: int | None) -> str | None:
    if data is None:
        return None

    kinds = ", ".join(f"{data[k]} {k}" for k in ("text", "chat", "augmented", "replayed")
                      if data.get(k) is not None)
    train = "?" if data.get("train") is None else data["train"]
    line = f"data: {train} examples" + (f" ({kinds})" if kinds else "")
    if data.get("held_out") is not None:
        line += f" + {data['held_out']} held out"
    if data.get("tokens_per_epoch") is not None:
        line += f", {data['tokens_per_epoch']} tokens/epoch"
    if tokens is not None:
        line += f", {tokens} tokens trained"
    return line


def _version_lines(v: dict[str, Any]) -> list[str]:
    mark = "*" if v["current"] else " "
    head = f"  {mark} {v['version']}"
    facts = version_facts(v)
    lines = [f"{head}  " + "  ".join(facts) if facts else head]
    pad = " " * (len(head) + 2)
    if v["trained_by"] == "dlm":
        source = ("what DLM's manifest.json records" if v["facts_from"] == "manifest.json"
                  else "manifest.json records nothing of its run")
        lines.append(f"{pad}trained by DLM (no dlmls_run.json): {source}")
    data = _data_line(v["data"], v["tokens"])
    if data:
        lines.append(pad + data)
    if v["base_model"] and v.get("_show_base"):
        lines.append(f"{pad}base model: {v['base_model']}")
    if v["held_back"]:
        lines.append(f"{pad}held back: {v['held_back']}")
    if not v["complete"]:
        lines.append(f"{pad}no adapter weights in its directory (incomplete)")
    if v["problem"]:
        lines.append(f"{pad}problem: {v['problem']}")
    return lines


def _adapter_head(a: dict[str, Any], multi: bool) -> str:
    label = f"adapter {a['name']}" if a["name"] else "adapter"
    if a["name"] is None and multi:
        label += " (the single-adapter tree)"
    if not a["declared"]:
        label += " (not trained by this document: not in training.adapters)" if a["name"] else \
            " (not trained by this document: it declares training.adapters)"
    if a["current_problem"]:
        return f"{label}: no current version: {a['current_problem']}"
    if not a["versions"]:
        return f"{label}: not trained yet"
    if a["current"] is None:
        return f"{label}: no current version (no current.txt)"
    state = {True: "trained on the document as it is now",
             False: "the document changed since it was trained",
             None: "not known whether it was trained on the document as it is now"}[a["up_to_date"]]
    return f"{label}: current {a['current']}, {state}"


def render(h: dict[str, Any], name: str) -> list[str]:
    """The text `dlmls show` prints for a `dlmls.history` object."""
    lines = [name,
             f"  dlm_id      {h['dlm_id']}",
             f"  base_model  {h['base_model'] if h['base_model'] is not None else '(none)'}",
             f"  store       {h['store']}" + ("" if h["store_exists"] else " (does not exist)")]
    if not h["store_exists"]:
        lines += ["", f"No adapter store yet: nothing has been trained for this document. "
                      f"`dlmls train {name}` makes the first version."]
        return lines
    if not any(a["versions"] for a in h["adapters"]) and not any(a["current_problem"] for a in h["adapters"]):
        lines += ["", "The store has no adapter versions yet. "
                      f"`dlmls train {name}` makes the first one."]
        return lines
    multi = any(a["name"] for a in h["adapters"])
    for a in h["adapters"]:
        lines.append("")
        lines.append(_adapter_head(a, multi))
        bases = {v["base_model"] for v in a["versions"] if v["base_model"]}
        for v in a["versions"]:
            # Name the base model only where it is not the document's (or versions differ).
            show_base = v["base_model"] is not None and (len(bases) > 1 or v["base_model"] != h["base_model"])
            lines += _version_lines({**v, "_show_base": show_base})
    return lines


def _show(args: argparse.Namespace) -> int:
    from dlmls.history import HistoryError, history

    path = Path(args.file)
    try:
        source = path.read_bytes()
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    home = str(Path(args.dlm_home).expanduser().resolve()) if args.dlm_home else None
    try:
        h = history(source, str(path.resolve()), home)
    except HistoryError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_DOCUMENT
    if args.json:
        json.dump(h, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print("\n".join(render(h, args.file)))
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Register `show` on the `dlmls` subcommand parser `sub`."""
    show = sub.add_parser(
        "show", help="show the document's adapter history: versions, losses, data, which is current",
        description="Show the adapter history of a .dlm document from its store: every version (per "
                    "adapter) with when it was trained, steps, final train loss, held-out loss before → "
                    "after and what data went in; which version is current (*) and whether it was trained on "
                    "the document as it is now. Read-only.",
        epilog="Example: dlmls show notes.dlm --json. Exit status: 0 shown (also when there is no store "
               "yet), 1 no valid dlm_id, 2 unreadable file.")
    show.add_argument("file", metavar="FILE", help="the .dlm document")
    show.add_argument("--dlm-home", metavar="DIR", help="the store root (default: $DLM_HOME or ~/.dlm)")
    show.add_argument("--json", action="store_true",
                      help="print one JSON object (shape documented in dlmls.history; \"format\": 1)")
    show.set_defaults(func=_show)
