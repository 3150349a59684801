"""The server's own JSON path (`DlmProtocol.notify_json`, `RawJson` results): framing and odd text."""

from __future__ import annotations

import json

from dlmls.lsp.raw import RawJson
from dlmls.lsp.server import create_server


class Writer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def messages(self) -> list[dict]:
        out = []
        for frame in _frames(b"".join(bytes(part) for part in self.sent)):
            header, body = frame.split(b"\r\n\r\n", 1)
            assert int(header.split(b"\r\n")[0].split(b": ")[1]) == len(body)  # bytes, not characters
            out.append(json.loads(body))
        return out


def _frames(data: bytes) -> list[bytes]:
    """The messages in a stream of Content-Length frames (a message may be written in parts)."""
    out = []
    while data:
        header, rest = data.split(b"\r\n\r\n", 1)
        length = int(header.split(b"\r\n")[0].split(b": ")[1])
        out.append(header + b"\r\n\r\n" + rest[:length])
        data = rest[length:]
    return out


def _server_with_writer():
    server = create_server()
    writer = Writer()
    server.protocol.set_writer(writer)
    return server, writer


def test_a_message_quoting_a_lone_surrogate_is_still_sent():
    server, writer = _server_with_writer()
    server.protocol.notify_json("window/logMessage", {"type": 4, "message": "x\ud800y"})
    assert writer.messages()[0]["params"]["message"] == "x\ud800y"


def test_a_raw_result_goes_out_as_is_with_a_byte_length():
    server, writer = _server_with_writer()
    server.protocol._send_response(7, RawJson([{"name": "é😀", "kind": 5}]))
    assert writer.messages() == [{"jsonrpc": "2.0", "id": 7, "result": [{"name": "é😀", "kind": 5}]}]



def test_an_encoded_result_is_written_around_its_bytes():
    server, writer = _server_with_writer()
    server.protocol._send_response(8, RawJson.encoded(b'[{"name":"\\u00e9","kind":5}]'))
    assert writer.messages() == [{"jsonrpc": "2.0", "id": 8, "result": [{"name": "é", "kind": 5}]}]
