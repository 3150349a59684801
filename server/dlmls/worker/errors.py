"""The one exception a job raises on purpose.

A `JobError` carries an `ErrorKind` from the protocol and a message written
for the person who ran the job: what is wrong and how to fix it. The worker
loop turns it into `Failed(kind, message)`; any other exception is a bug and
becomes `Failed(kind="error")` with its traceback in the worker's log.
"""

from __future__ import annotations

KINDS = frozenset({"cancelled", "invalid_document", "missing_model", "busy", "error"})


class JobError(Exception):
    """A job ended without a result for a reason the user can act on."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown job error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __repr__(self) -> str:
        return f"JobError({self.kind!r}, {self.message!r})"
