"""What a feature module may use of the server: one structural type, so features never import `server.py`.

`server.py` imports every feature module to register it; if the features
imported `server.py` back (even only for type annotations) the two would
form an import circle, and every feature would be typed against the whole
pygls server. Instead each feature's `register(server)` and helpers take a
`ServerContext`: the open documents, the negotiated position encoding, the
settings, the store reader, the shared jobs (`training`), messages and
notifications, and pygls's own registration and request methods.
`DlmLanguageServer` satisfies it structurally (nothing here is a base
class), and a test can hand a feature a small fake instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from lsprotocol import types

    from dlmls.lsp.diagnostics import Publisher
    from dlmls.lsp.settings import Settings
    from dlmls.lsp.suggestions import SuggestionService
    from dlmls.lsp.training import Training
    from dlmls.lsp.workspace import DocumentStore
    from dlmls.store_reader import StoreReader


class ServerContext(Protocol):
    """The server as the features see it (see the module docstring)."""

    documents: DocumentStore
    store_reader: StoreReader
    settings: Settings
    diagnostics: Publisher | None
    training: Training
    suggestions: SuggestionService
    code_action_providers: list[Any]  # (kind, provider) pairs: see lsp/code_actions.py
    workspace_ids: Any  # lsp/duplicates.py's WorkspaceIds: the dlm_ids of the .dlm files around
    workspace: Any  # pygls's Workspace: root_uri, folders (the workspace folders)
    protocol: Any  # DlmProtocol: notify_json, fm (the handlers, for code actions that chain)
    client_capabilities: types.ClientCapabilities
    work_done_progress: Any

    @property
    def position_encoding(self) -> str:
        """The negotiated position encoding as `Document.offset_at` names it."""
        ...

    @property
    def dlm_home(self) -> str | None:
        """The `dlmHome` setting (None: $DLM_HOME or ~/.dlm)."""
        ...

    def feature(self, method: str, options: Any = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """pygls: register a handler for an LSP method."""
        ...

    def command(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """pygls: register a workspace/executeCommand handler."""
        ...

    def show_message(self, kind: types.MessageType, message: str) -> None:
        """`window/showMessage`."""
        ...

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """A notification whose params are plain JSON values (custom `dlmls/…` ones included)."""
        ...

    def window_show_message(self, params: types.ShowMessageParams) -> None:
        """pygls: `window/showMessage`."""
        ...

    def window_log_message(self, params: types.LogMessageParams) -> None:
        """pygls: `window/logMessage`."""
        ...

    async def workspace_apply_edit_async(self, params: types.ApplyWorkspaceEditParams) -> Any:
        """pygls: `workspace/applyEdit`."""
        ...

    async def workspace_code_lens_refresh_async(self, params: None) -> None:
        """pygls: `workspace/codeLens/refresh`."""
        ...
