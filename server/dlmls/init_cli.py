"""`dlmls init` and `dlmls templates`: start a new document (DLM: `dlm init`, `dlm templates list`).

`dlmls init FILE [--template NAME] [--base-model SPEC] [--force]` writes a
new `.dlm` document from a starter template (`dlmls.templates`; without
`--template`, the prose + one Q&A pair `dlm init` writes) with a freshly
minted `dlm_id`, so two documents started from one template, or a copy of a
document started again, never share an adapter store. It names `base_model`
SPEC (a registry key, `hf:org/name` or a local model directory; default
`smollm2-135m`), refuses an unknown one with did-you-means, and refuses to
replace an existing file unless `--force`. Unlike `dlm init`, nothing is
created in the store: `dlmls train` creates it with the first version.

`dlmls templates [list] [--json]` lists the templates: name, title and the
base model DLM recommends for it (`--json`: the keys `dlm templates list
--json` prints).

Exit status: 0 written (or listed); 2 usage errors (FILE exists without
`--force`, an unknown template or base model, an unwritable path).

`write_document` is the same as a function (the language server's
`dlmls.newDocument` command calls it): it raises `InitError` where the
command prints an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_DOCUMENT = 1
EXIT_USAGE = 2
# `dlmls.templates.DEFAULT_TEMPLATE` / `DEFAULT_BASE_MODEL`, spelled here so that building the parser
# (every `dlmls` command does) does not import the template module (tests/test_cli_init.py checks they agree).
DEFAULT_TEMPLATE = "default"
DEFAULT_BASE_MODEL = "smollm2-135m"


class InitError(Exception):
    """Nothing was written: why (`message`), the exit status, and the lines to show before it
    (`details`: notes, the template's problems)."""

    def __init__(self, message: str, status: int = EXIT_USAGE, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details or []


@dataclass(slots=True)
class Written:
    """What `write_document` wrote."""

    path: Path
    dlm_id: str
    template: str  # its name
    title: str  # its title
    base_model: str
    old_id: str | None = None  # the dlm_id of the document it replaced (None: none, or none readable)
    notes: list[str] = field(default_factory=list)  # about the base model (gated, no such directory)


def _error(text: str) -> int:
    print(f"dlmls init: {text}", file=sys.stderr)
    return EXIT_USAGE


def _check_base_model(spec: str, doc_dir: Path, notes: list[str]) -> str | None:
    """Why `spec` cannot be a base model (None: it can); notes about it are appended to `notes`."""
    from dlmls.core import registry

    c = registry.classify(spec)
    if c.kind == "registry":
        assert c.entry is not None
        if c.entry.requires_acceptance:
            notes.append(f"note: {spec} ({c.entry.hf_id}) is gated: accept its license ({c.entry.license_spdx}) "
                         "on the Hugging Face Hub before it can be downloaded (DLM asks for --i-accept-license)")
        return None
    if c.kind == "hf":
        return None
    if c.kind == "bad-hf":
        return f"--base-model {spec!r}: after `hf:` a Hugging Face id `org/name` is needed"
    if c.kind == "path":
        if registry.looks_like_path(spec):
            resolved = Path(spec).expanduser()
            resolved = resolved if resolved.is_absolute() else doc_dir / resolved
            if not resolved.is_dir():
                notes.append(f"note: --base-model {spec}: no such model directory (looked for {resolved})")
            return None
        # `org/name`: a Hugging Face id without `hf:`, or a relative directory.
        if (doc_dir / spec).is_dir():
            return None
    hint = f" (did you mean {' or '.join(c.suggestions)}?)" if c.suggestions else ""
    return (f"--base-model {spec!r} is not in the base-model registry{hint}; use a registry key, "
            "`hf:org/name` or a local model directory")


def _old_id(path: Path) -> str | None:
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return None
    m = re.search(r"^dlm_id:[ \t]*['\"]?([0-9A-Za-z]{26})", head, re.MULTILINE)
    return m.group(1) if m else None


def _write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, failing if it appeared meanwhile (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def write_document(path: str | os.PathLike[str], template: str = DEFAULT_TEMPLATE,
                   base_model: str = DEFAULT_BASE_MODEL, force: bool = False) -> Written:
    """Write a new document at `path` from `template` with a fresh dlm_id and `base_model`; refuse an
    existing file unless `force` (then it is replaced atomically). Raises `InitError`: nothing written."""
    from dlmls import templates
    from dlmls.core.document import Document

    path = Path(path)
    if path.is_dir():
        raise InitError(f"{path} is a directory; give the path of the .dlm file to create")
    exists = path.exists() or path.is_symlink()
    if exists and not force:
        raise InitError(f"{path} already exists; pass --force to replace it (it gets a new dlm_id, so it no "
                        "longer shares the old document's adapter store)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InitError(f"cannot create {path}: the directory {parent} does not exist")
    try:
        found = templates.load(template)
    except templates.TemplateError as exc:
        raise InitError(f"{exc}; `dlmls templates` lists them") from exc
    notes: list[str] = []
    problem = _check_base_model(base_model, parent, notes)
    if problem is not None:
        raise InitError(problem, details=notes)
    dlm_id = templates.new_dlm_id()
    text = templates.render(found, dlm_id, base_model)
    model = Document(text.encode("utf-8")).model
    info = model.frontmatter.info if model.frontmatter is not None else None
    errors = [p for p in model.problems if p.severity.name == "ERROR"]
    if errors or info is None or info.dlm_id != dlm_id or info.base_model != base_model:
        raise InitError(f"template {found.name!r} with base model {base_model!r} does not make a valid document; "
                        "nothing written", EXIT_DOCUMENT,
                        notes + [f"{path}: {p.message} [{p.code}]" for p in errors])
    old_id = _old_id(path) if exists else None
    try:
        if exists:
            from dlmls.store import atomic_write_text

            atomic_write_text(path, text)
        else:
            _write_new(path, text)
    except FileExistsError as exc:
        raise InitError(f"{path} already exists (it appeared meanwhile); pass --force to replace it",
                        details=notes) from exc
    except OSError as exc:
        raise InitError(f"cannot write {path}: {exc.strerror or exc}", details=notes) from exc
    return Written(path, dlm_id, found.name, found.title, base_model, old_id, notes)


def _init(args: argparse.Namespace) -> int:
    from dlmls import templates

    try:
        written = write_document(args.file, args.template, args.base_model, args.force)
    except InitError as exc:
        for line in exc.details:
            print(line, file=sys.stderr)
        print(f"dlmls init: {exc.message}", file=sys.stderr)
        return exc.status
    for line in written.notes:
        print(line, file=sys.stderr)
    path = written.path
    source = "" if written.template == templates.DEFAULT_TEMPLATE else \
        f" from template {written.template} ({written.title})"
    print(f"dlmls init: wrote {path}{source}: dlm_id {written.dlm_id}, base_model {written.base_model}",
          file=sys.stderr)
    if written.old_id and written.old_id != written.dlm_id:
        print(f"dlmls init: the replaced document had dlm_id {written.old_id}; its store was left as it was",
              file=sys.stderr)
    print(f"next: edit it, then `dlmls train {path}`", file=sys.stderr)
    return EXIT_OK


def _templates(args: argparse.Namespace) -> int:
    from dlmls import templates

    try:
        found = templates.all_templates()
    except templates.TemplateError as exc:
        print(f"dlmls templates: {exc}", file=sys.stderr)
        return EXIT_DOCUMENT
    if args.json or args.list_json:
        payload: list[dict[str, Any]] = [t.to_json() for t in found]
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    width = max(len(t.name) for t in found)
    for t in found:
        print(f"{t.name:<{width}}  {t.title}  ({t.recommended_base})")
    print(f"\n`dlmls init FILE --template NAME` writes one, with base_model {templates.DEFAULT_BASE_MODEL} "
          "unless --base-model SPEC is given (in parentheses: the base DLM recommends for it)",
          file=sys.stderr)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Register `init` and `templates` on the `dlmls` subcommand parser `sub`."""
    init = sub.add_parser(
        "init", help="write a new .dlm document (fresh dlm_id) from a starter template",
        description="Write a new .dlm document with a freshly minted dlm_id (a ULID), so no two documents "
                    "share an adapter store. Nothing is created in the store until `dlmls train`.",
        epilog="Example: dlmls init notes.dlm --template personal-assistant. "
               "Exit status: 0 written, 2 usage error (FILE exists without --force, unknown template or "
               "base model).")
    init.add_argument("file", metavar="FILE", help="the .dlm file to create (its directory must exist)")
    init.add_argument("--template", metavar="NAME", default=DEFAULT_TEMPLATE,
                      help=f"start from this starter template (`dlmls templates` lists them; default: "
                           f"{DEFAULT_TEMPLATE!r}, prose + one Q&A pair, what `dlm init` writes)")
    init.add_argument("--base-model", metavar="SPEC", default=DEFAULT_BASE_MODEL,
                      help=f"the document's base_model: a registry key, hf:org/name or a local model "
                           f"directory (default: {DEFAULT_BASE_MODEL}, which dlmls trains offline)")
    init.add_argument("--force", action="store_true",
                      help="replace FILE if it exists (the new document gets a new dlm_id)")
    init.set_defaults(func=_init)

    tmpl = sub.add_parser(
        "templates", help="list the starter templates for `dlmls init --template`",
        description="List the starter templates (DLM 0.10's gallery, plus `default`): name, title and, in "
                    "parentheses, the base model DLM recommends for it.")
    tmpl.add_argument("--json", dest="list_json", action="store_true", help="print them as a JSON array")
    tsub = tmpl.add_subparsers(dest="templates_command", metavar="{list}")
    lst = tsub.add_parser("list", help="list the templates (the default)",
                          description="List the starter templates (as `dlm templates list`).")
    lst.add_argument("--json", action="store_true",
                     help="print a JSON array (name, title, domain_tags, recommended_base, expected_steps, "
                          "expected_duration, summary, sample_prompts)")
    tmpl.set_defaults(func=_templates, json=False)
