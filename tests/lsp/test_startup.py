"""Start-up: `initialize` loads what answering it needs and nothing else.

An editor waits for the `initialize` result before it sends anything, and
most of `dlmls serve`'s start-up was importing the core (tree-sitter, the
YAML reader, the store, the quick fixes) that no feature needs until a
document is open. The check runs in a fresh interpreter: the server is
created and fed a real `initialize` request (then, to show the deferred
modules do load and work, a `didOpen`), and the modules loaded at each
point are compared.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Modules no part of `initialize` needs: the document model and its parser, the YAML reader,
# quick fixes, navigation, the store, its readers and the staged suggestions.
DEFERRED = (
    "tree_sitter",
    "tree_sitter_dlm",
    "yaml",
    "dlmls.core.document",
    "dlmls.core.frontmatter",
    "dlmls.core.sections",
    "dlmls.core.fixes",
    "dlmls.core.navigation",
    "dlmls.core.crosscheck",
    "dlmls.core.accept",
    "dlmls.store",
    "dlmls.store_reader",
    "dlmls.review",
    "dlmls.suggestions",
    "dlmls.scores",
)

SCRIPT = textwrap.dedent("""
    import asyncio, json, sys
    from dlmls.lsp.server import create_server

    DEFERRED = {deferred!r}
    out = []

    class Writer:
        def write(self, data):
            out.append(data)
        def close(self):
            pass

    def loaded():
        return [m for m in DEFERRED if m in sys.modules]

    def send(server, message):
        raw = json.dumps(message)
        server.protocol.handle_message(json.loads(raw, object_hook=server.protocol.structure_message))

    def sent(marker):
        return any(marker in chunk for chunk in out)

    async def until(marker, timeout={timeout}):
        # Whether the server wrote `marker`: polled until it does, or a generous deadline passes.
        deadline = asyncio.get_running_loop().time() + timeout
        while not sent(marker):
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    async def main():
        server = create_server()
        server.protocol.set_writer(Writer())
        send(server, {{"jsonrpc": "2.0", "id": 1, "method": "initialize",
                      "params": {{"processId": None, "rootUri": None, "capabilities": {{}}}}}})
        answered = await until(b'"capabilities"')
        after_initialize = loaded()
        send(server, {{"jsonrpc": "2.0", "method": "initialized", "params": {{}}}})
        send(server, {{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {{"textDocument": {{
            "uri": "untitled:a.dlm", "languageId": "dlm", "version": 1,
            "text": "---\\ndlm_id: x\\n---\\n::bogus::\\n"}}}}}})
        published = await until(b"publishDiagnostics")
        print(json.dumps({{"answered": answered, "after_initialize": after_initialize,
                          "after_open": loaded(), "published": published}}))

    asyncio.run(main())
""")


# How long the script waits for the initialize result, then for the diagnostics (each: milliseconds
# normally); generous, so that only a server that never answers fails.
DEADLINE = 30


def test_initialize_defers_the_core():
    r = subprocess.run([sys.executable, "-c", SCRIPT.format(deferred=DEFERRED, timeout=DEADLINE)],
                       capture_output=True, text=True, timeout=2 * DEADLINE + 60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["answered"], f"no initialize result within {DEADLINE} s"
    assert got["after_initialize"] == []
    # The deferred modules load on first use, and the document gets its diagnostics.
    assert got["published"], f"no diagnostics within {DEADLINE} s of didOpen"
    assert "dlmls.core.document" in got["after_open"] and "tree_sitter" in got["after_open"]
