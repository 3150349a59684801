"""workspace/executeCommand `dlmls.synthesize` and the "Synthesize instructions …" source code actions.

The editor side of the self-teaching loop's first step: the document's prose
goes to the worker as a `SynthJob` (the same shared `Jobs` and warm worker as
a retrain, keyed by the document, so a synthesis and a retrain of one
document never run at once and `dlmls.cancel(uri)` stops either), with
work-done progress titled "Synthesizing instructions for <name>" (clients
match cancel buttons on that prefix) and cancellable from the progress UI.
The job uses the text at the version the server has when the command runs
and is refused while that text has errors. The worker stages the pairs its
judge kept in the store; nothing reaches the document until the writer
accepts (`lsp/suggestions.py`). When the job ends, however it ends, the
client hears `dlmls/suggestionsChanged` and, if it can, refreshes code lenses.

`dlmls.synthesize(uri[, options])`: options (all optional) `sectionId`
(one prose section; absent or null: every prose section), `teacher`,
`strategy`, `perSection`, `maxPairs`, `filter`, `threshold`, `seed`; the
ones left out (or null) come from the `synthesis.*` settings (lsp/settings.py),
else the engine's defaults.
Returns `{"ok": true, "staged", "counts", "teacherModel", "notes"}` or
`{"ok": false, "kind", "message"}` (docs/lsp-api.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls import protocol
from dlmls.jobs import JobFailed, format
from dlmls.lsp import code_actions as actions
from dlmls.lsp.training import WorkProgress

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

SYNTHESIZE = "dlmls.synthesize"
TITLE_PREFIX = "Synthesizing instructions for"
SECTION_ACTION = "Synthesize instructions for this section"
DOCUMENT_ACTION = "Synthesize instructions for the document"

# option name -> (SynthOptions field, accepted JSON types)
OPTIONS: dict[str, tuple[str, tuple[type, ...]]] = {
    "teacher": ("teacher", (str,)), "strategy": ("strategy", (str,)), "perSection": ("per_section", (int,)),
    "maxPairs": ("max_pairs", (int,)), "filter": ("filter", (str,)), "threshold": ("threshold", (int, float)),
    "seed": ("seed", (int,)),
}


def defaults(settings: Any) -> dict[str, Any]:
    """The `SynthOptions` values the `synthesis.*` settings give (lsp/settings.py); unset ones are left out."""
    values = {name: getattr(settings, f"synth_{name}", None)
              for name in ("teacher", "strategy", "per_section", "max_pairs", "filter", "threshold")}
    return {name: value for name, value in values.items() if value is not None}


def parse_options(raw: Any, allow_download: bool, settings: Any = None) -> protocol.SynthOptions | str:
    """`SynthOptions` from the command's options object over the settings' defaults, or why it is not one."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return "options must be an object"
    values: dict[str, Any] = {**defaults(settings), "allow_download": allow_download}
    for key, value in raw.items():
        if value is None:
            continue
        if key == "sectionId":
            if not isinstance(value, str):
                return "sectionId must be a string"
            values["sections"] = [value]
            continue
        spec = OPTIONS.get(key)
        if spec is None:
            return f"unknown option {key!r} (known: sectionId, {', '.join(OPTIONS)})"
        name, kinds = spec
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"option {key} must be a {' or '.join(k.__name__ for k in kinds)}"
        values[name] = float(value) if name == "threshold" else value
    return protocol.SynthOptions(**values)


class Synthesis:
    """Runs synthesis jobs on the server's shared jobs (`server.training.jobs`)."""

    def __init__(self, server: ServerContext) -> None:
        self.server = server

    async def synthesize(self, uri: str, raw_options: Any = None) -> dict[str, Any]:
        """Synthesize, judge and stage pairs for the document's prose; the outcome as a JSON object."""
        try:
            return await self._synthesize(uri, raw_options)
        finally:
            self.server.suggestions.changed(uri)

    async def _synthesize(self, uri: str, raw_options: Any) -> dict[str, Any]:
        training = self.server.training
        settings = getattr(self.server, "settings", None)
        options = parse_options(raw_options, bool(getattr(settings, "allow_download", False)), settings)
        if isinstance(options, str):
            return training._refuse("invalid_arguments", f"{SYNTHESIZE}: {options}")
        snap = training.job_snapshot(uri, "synthesizing")
        if isinstance(snap, dict):
            return snap
        job = protocol.SynthJob(job=0, path=snap.path, text=snap.text, dlm_home=self.server.dlm_home,
                                options=options)
        progress = WorkProgress(self.server, f"{TITLE_PREFIX} {snap.name}", "synth")
        try:
            result = await training._run(job, progress, key=uri)
        except JobFailed as exc:
            return training._failed(snap.name, "synthesis", exc)
        assert isinstance(result, protocol.SynthResult)
        staged = len(result.pairs)
        message = (f"{snap.name}: {staged} suggested pair{'s' if staged != 1 else ''} staged "
                   f"(teacher {result.teacher}, {result.teacher_model}; {format.synth_counts(result.counts)})")
        if result.notes:
            message += "; " + "; ".join(result.notes)
        self.server.show_message(types.MessageType.Info, message)
        return {"ok": True, "staged": staged, "counts": dict(result.counts), "teacherModel": result.teacher_model,
                "teacher": result.teacher, "notes": list(result.notes), "documentVersion": snap.version,
                "ids": [p.id for p in result.pairs]}

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """"Synthesize instructions for this section" on a prose section, "… for the document" anywhere."""
        uri = params.text_document.uri
        entry = self.server.documents.get(uri)
        if entry is None:
            return []
        out = []
        section = entry.document.model.section_at_line(params.range.start.line)
        if section is not None and section.type == "prose" and not section.core.dropped and section.content.strip():
            out.append(types.CodeAction(title=SECTION_ACTION, kind=types.CodeActionKind.Source,
                                        command=types.Command(title=SECTION_ACTION, command=SYNTHESIZE,
                                                              arguments=[uri, {"sectionId": section.section_id}])))
        out.append(types.CodeAction(title=DOCUMENT_ACTION, kind=types.CodeActionKind.Source,
                                    command=types.Command(title=DOCUMENT_ACTION, command=SYNTHESIZE,
                                                          arguments=[uri])))
        return out


def register(server: ServerContext) -> None:
    """`dlmls.synthesize` and its source actions (after `training` and `suggestions`, which it uses)."""
    synthesis = Synthesis(server)

    @server.command(SYNTHESIZE)
    async def synthesize(uri: str, *options: Any) -> dict[str, Any]:  # pygls wants *args for optional ones
        return await synthesis.synthesize(uri, options[0] if options else None)

    actions.add_provider(server, types.CodeActionKind.Source, synthesis.code_actions)
