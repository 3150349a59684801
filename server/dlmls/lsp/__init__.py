"""The language server: pygls at the edge, the pure core inside.

This package is the only place that imports pygls and lsprotocol. Each LSP
feature lives in its own module with a `register(server)` function;
`server.py` lists them. Handlers are thin: take the current document, ask
the core, convert core values (code-point columns, problems) into LSP types.

Start-up imports only what answering `initialize` needs: feature modules
import the document model (tree-sitter, YAML), quick fixes, navigation and
the store inside the functions that use them, or under `TYPE_CHECKING` for
annotations, so they load with the first document (tests/lsp/test_startup.py).
"""
