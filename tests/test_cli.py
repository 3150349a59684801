"""`dlmls check` and `dlmls serve` from the command line, run as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CONFORMANCE, ROOT


def dlmls(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlmls.cli", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=60)


def test_check_clean_example():
    r = dlmls("check", "examples/notes.dlm")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b""
    assert b"examples/notes.dlm: ok; 3 section(s), 0 error(s)" in r.stderr


def test_check_reports_exact_positions(tmp_path: Path):
    doc = tmp_path / "bad.dlm"
    doc.write_text("---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\nbase_modle: x\n---\n"
                   "Use the namespace\n::std::\n")
    r = dlmls("check", str(doc))
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith(f"{doc}:4:1: error: ") and lines[0].endswith("(4:1-4:11)")
    assert "[FM1" in lines[0]
    assert lines[1] == (f"{doc}:7:3: error: unknown section fence '::std::'; valid types are "
                        "['prose', 'instruction', 'preference', 'image', 'audio'] [DLM200] (7:3-7:6)")
    assert b"rejected by DLM" in r.stderr


def test_check_json_has_the_conformance_shape():
    case = CONFORMANCE / "cases" / "minimal.dlm"
    expected = json.loads((CONFORMANCE / "expected" / "minimal.json").read_text())
    r = dlmls("check", "--json", str(case))
    assert r.returncode == 0
    got = json.loads(r.stdout)
    assert got["ok"] is True and got["problems"] == []
    assert got["frontmatter"] == expected["frontmatter"] and got["sections"] == expected["sections"]


def test_check_json_problems_and_error():
    r = dlmls("check", "--json", "-", stdin=b"---\n---\n::instruction::\n### Q\nq\n")
    assert r.returncode == 1
    got = json.loads(r.stdout)
    assert got["ok"] is False and got["error"]["line"] == 1
    by_code = {p["code"]: p for p in got["problems"]}
    assert by_code["DLM403"]["range"] == {"start": {"line": 4, "column": 1}, "end": {"line": 4, "column": 6}}
    assert by_code["DLM403"]["severity"] == "error" and by_code["DLM403"]["stage"] == "train"
    assert got["sections"][0]["body_error"]["message"] == "### Q without matching `### A` at end of section"


def test_check_any_bytes_and_missing_files(tmp_path: Path):
    junk = tmp_path / "junk.dlm"
    junk.write_bytes(bytes(range(256)) * 4)
    r = dlmls("check", str(junk), str(tmp_path / "missing.dlm"))
    assert r.returncode == 2  # unreadable file wins over problems
    assert b"missing.dlm: cannot read" in r.stderr
    assert b"DLM001" in r.stdout and b"FM001" in r.stdout


def test_serve_rejects_a_bad_tcp_address():
    r = dlmls("serve", "--tcp", "nowhere")
    assert r.returncode == 2 and "HOST:PORT" in r.stderr.decode()


def test_serve_over_tcp_answers_initialize():
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "dlmls.cli", "serve", "--tcp", f"127.0.0.1:{port}"],
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not listen"
                time.sleep(0.05)
        with conn:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + int(
                    data.split(b"Content-Length: ")[1].split(b"\r\n")[0]):
                chunk = conn.recv(65536)
                assert chunk, "connection closed before the reply"
                data += chunk
        reply = json.loads(data.split(b"\r\n\r\n", 1)[1])
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "dlmls"
    finally:
        server.kill()
        server.wait(timeout=10)
