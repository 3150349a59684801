"""The `dlmls/status` request: what an editor's status bar shows for one open document.

One cheap answer a client may ask for after every change, save, job end or
`dlmls/suggestionsChanged`: the document's current adapter version(s) as the
store says (the same cached `StoreReader` reads hovers use, so a stat per
adapter once warm; nothing is created on disk), the retrain or synthesis of
the document that is queued or running on the server's jobs, and how many
suggestions are pending (the per-version cache of `lsp/suggestions.py`).
The job's progress itself comes as work-done progress (lsp/training.py).

Params `{"textDocument": {"uri": URI}}`; result (null when the document is
not open):

    {"uri", "version", "dlmId": str | null,
     "adapters": [{"adapter": name | null, "version": "v0003" | null, "trainedAt": ISO | null,
                   "steps": int | null, "upToDate": bool | null, "problem": str | null}],
     "job": {"kind": "retrain" | "synthesize", "state": "queued" | "running"} | null,
     "pending": int}

`adapters` has one entry per declared adapter (one with `adapter` null for
a document that declares none), and is empty without a valid `dlm_id`.
`upToDate`: whether the version was trained on the document's text as it
is now (null when the version does not record it). docs/lsp-api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlmls import protocol
from dlmls.lsp.suggestions import store_of

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

REQUEST = "dlmls/status"
JOB_KINDS = {protocol.TrainJob: "retrain", protocol.SynthJob: "synthesize"}


def status(server: ServerContext, uri: str) -> dict[str, Any] | None:
    """The `dlmls/status` result for the open document `uri` (None: it is not open)."""
    entry = server.documents.get(uri)
    if entry is None:
        return None
    from dlmls.core.completion import declared_adapters  # the core loads with the first document

    model = entry.document.model
    info = model.frontmatter.info if model.frontmatter is not None else None
    store = store_of(server, model)
    adapters = []
    if store is not None:
        digest = server.store_reader.document_sha256(model.source)
        for name in list(declared_adapters(model)) or [None]:
            st = server.store_reader.status(store, name)
            trained_on = st.document_sha256
            adapters.append({"adapter": name, "version": st.version, "trainedAt": st.created_at, "steps": st.steps,
                             "upToDate": None if trained_on is None else trained_on == digest,
                             "problem": st.problem})
    job = None
    training = getattr(server, "training", None)
    handle = training.jobs.active(uri) if training is not None else None
    if handle is not None:
        job = {"kind": JOB_KINDS.get(type(handle.job), "other"), "state": handle.state}
    found = server.suggestions.pending(entry)
    dlm_id = info.dlm_id if info is not None and isinstance(info.dlm_id, str) else None
    return {"uri": uri, "version": entry.version, "dlmId": dlm_id, "adapters": adapters, "job": job,
            "pending": sum(1 for p in found.placements if p.placeable)}


def register(server: ServerContext) -> None:
    """Serve `dlmls/status` (after `training` and `suggestions`, which it reads)."""

    @server.feature(REQUEST)
    def on_status(params: Any) -> dict[str, Any] | None:
        doc = params.get("textDocument") if isinstance(params, dict) else getattr(params, "textDocument", None)
        uri = doc.get("uri") if isinstance(doc, dict) else getattr(doc, "uri", None)
        return status(server, uri) if isinstance(uri, str) else None
