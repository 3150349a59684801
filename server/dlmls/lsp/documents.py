"""Commands about documents as a whole: `dlmls.history`, `dlmls.newDocument`, `dlmls.templates`.

- `dlmls.history` `[uri, {"lines": true}?]`: the document's adapter history,
  the object `dlmls show --json` prints (`dlmls.history`: every version of
  every adapter, oldest first, with when, steps, losses, data and which is
  current), read from the store under the `dlmHome` setting. An open
  document's text is what counts (its `dlm_id`, whether the current version
  was trained on it); a document that is not open is read from its file.
  With `{"lines": true}` the result also has `"lines"`: the text `dlmls show`
  prints, line by line, for a client to show as it is. Refusals:
  `{"ok": false, "kind": "no_dlm_id" | "unreadable" | "invalid_arguments", "message"}`.
- `dlmls.newDocument` `[uri, {"template": NAME, "baseModel": SPEC, "overwrite": bool}?]`
  (or `[uri, NAME]`): writes a new document at the `file:` URI from a starter
  template with a freshly minted `dlm_id`, as `dlmls init` does (the same
  function, `dlmls.init_cli.write_document`); an existing file is refused
  (`kind: "exists"`) unless `overwrite`. Result `{"ok": true, "uri", "path",
  "dlmId", "template", "title", "baseModel", "replacedDlmId", "notes", "message"}`;
  refusals `{"ok": false, "kind": "exists" | "invalid_arguments" | "failed", "message"}`.
  Nothing is created in the store; the client opens the file.
- `dlmls.templates` `[]`: the starter templates, as `dlmls templates --json`
  lists them (`name`, `title`, `summary`, `recommended_base`, ...), `default`
  first.

None of them shows a message: the client does (they answer data). Reads and
the one write are small and done on the event loop. docs/lsp-api.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygls.uris import from_fs_path, to_fs_path

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

HISTORY = "dlmls.history"
NEW_DOCUMENT = "dlmls.newDocument"
TEMPLATES = "dlmls.templates"


def _refuse(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "kind": kind, "message": message}


def _options(args: tuple[Any, ...]) -> dict[str, Any] | None:
    """The optional options object after the URI (None: something else was given)."""
    if not args or args[0] is None or args[0] == []:  # [] : an empty Lua table
        return {}
    return args[0] if isinstance(args[0], dict) else None


def history(server: ServerContext, uri: Any, *args: Any) -> dict[str, Any]:
    """The `dlmls.history` result (see the module docstring)."""
    from dlmls.history import HistoryError
    from dlmls.history import history as read_history

    options = _options(args)
    if not isinstance(uri, str) or options is None:
        return _refuse("invalid_arguments", f"{HISTORY} takes [uri] or [uri, {{\"lines\": true}}]")
    path = to_fs_path(uri) if uri.startswith("file:") else None
    entry = server.documents.get(uri)
    model = digest = None
    if entry is not None:
        model = entry.document.model
        source = model.source
        digest = server.store_reader.document_sha256(source)
    elif path is None:
        return _refuse("unreadable", f"{uri} is not open and not a file")
    else:
        try:
            source = Path(path).read_bytes()
        except OSError as exc:
            return _refuse("unreadable", f"cannot read {path}: {exc.strerror or exc}")
    try:
        found = read_history(source, path or uri, server.dlm_home, model=model, digest=digest)
    except HistoryError as exc:
        return _refuse("no_dlm_id", f"{_name(uri)}: {exc}")
    if options.get("lines") is True:
        from dlmls.show_cli import render

        found["lines"] = render(found, path or uri)
    return found


def new_document(server: ServerContext, uri: Any, *args: Any) -> dict[str, Any]:
    """The `dlmls.newDocument` result (see the module docstring)."""
    from dlmls import init_cli

    options = {"template": args[0]} if args and isinstance(args[0], str) else _options(args)
    usage = f'{NEW_DOCUMENT} takes [uri] or [uri, {{"template": NAME, "baseModel": SPEC, "overwrite": true}}]'
    if not isinstance(uri, str) or options is None:
        return _refuse("invalid_arguments", usage)
    template = options.get("template") or init_cli.DEFAULT_TEMPLATE
    base_model = options.get("baseModel") or init_cli.DEFAULT_BASE_MODEL
    overwrite = options.get("overwrite") is True
    if not isinstance(template, str) or not isinstance(base_model, str):
        return _refuse("invalid_arguments", usage)
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if not path:
        return _refuse("invalid_arguments", f"{uri} is not a file: URI; give the .dlm file to create")
    if (os.path.exists(path) or os.path.islink(path)) and not os.path.isdir(path) and not overwrite:
        return _refuse("exists", f"{_name(uri)} already exists; overwrite replaces it (with a new dlm_id, so "
                                 "it no longer shares the old document's adapter store)")
    try:
        written = init_cli.write_document(path, template, base_model, force=overwrite)
    except init_cli.InitError as exc:
        message = exc.message.replace("pass --force to replace it", "overwrite replaces it")
        return _refuse("failed", f"{message}" + "".join(f"\n{d}" for d in exc.details))
    source = "" if written.template == init_cli.DEFAULT_TEMPLATE else \
        f" from template {written.template} ({written.title})"
    message = f"wrote {_name(uri)}{source}: dlm_id {written.dlm_id}, base_model {written.base_model}"
    if written.old_id and written.old_id != written.dlm_id:
        message += f"; the replaced document had dlm_id {written.old_id} (its store was left as it was)"
    return {"ok": True, "uri": from_fs_path(str(written.path)) or uri, "path": str(written.path),
            "dlmId": written.dlm_id, "template": written.template, "title": written.title,
            "baseModel": written.base_model, "replacedDlmId": written.old_id, "notes": written.notes,
            "message": message}


def templates() -> list[dict[str, Any]]:
    """The `dlmls.templates` result: `dlmls templates --json`, `default` first."""
    from dlmls import templates as found

    listed = [t.to_json() for t in found.all_templates()]
    listed.sort(key=lambda t: t["name"] != found.DEFAULT_TEMPLATE)  # stable: the rest keep their order
    return listed


def _name(uri: str) -> str:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return os.path.basename(path) if path else uri


def register(server: ServerContext) -> None:
    """`dlmls.history`, `dlmls.newDocument` and `dlmls.templates`."""

    @server.command(HISTORY)
    def history_command(*args: Any) -> dict[str, Any]:  # pygls wants *args for optional ones
        return history(server, *(args or (None,)))

    @server.command(NEW_DOCUMENT)
    def new_document_command(*args: Any) -> dict[str, Any]:
        return new_document(server, *(args or (None,)))

    @server.command(TEMPLATES)
    def templates_command(*args: Any) -> list[dict[str, Any]]:
        return templates()
