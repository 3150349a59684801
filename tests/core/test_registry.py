"""What a `base_model` value names (`registry.classify`), which the base_model hover shows."""

from __future__ import annotations

import pytest
from dlmls.core import registry


@pytest.mark.parametrize("spec, kind, hf_id, suggestions", [
    ("smollm2-135m", "registry", "HuggingFaceTB/SmolLM2-135M-Instruct", ()),
    ("hf:acme/tiny", "hf", "acme/tiny", ()),
    ("hf:Qwen/Qwen2.5-0.5B-Instruct", "hf", "Qwen/Qwen2.5-0.5B-Instruct", ("qwen2.5-0.5b",)),
    ("hf:nobody", "bad-hf", None, ()),
    ("./models/tiny", "path", None, ()),
    ("~/models/tiny", "path", None, ()),
    ("acme/tiny", "path", None, ("hf:acme/tiny",)),  # a relative directory, or an hf id without `hf:`
    ("smolm2-135m", "unknown", None, ("smollm2-135m", "smollm2-360m")),
    ("SmolLM2-135M", "unknown", None, ("smollm2-135m",)),
    ("zzzz", "unknown", None, ()),
])
def test_classify(spec: str, kind: str, hf_id: str | None, suggestions: tuple[str, ...]):
    found = registry.classify(spec)
    assert (found.kind, found.hf_id) == (kind, hf_id)
    assert found.suggestions[:len(suggestions)] == suggestions
    if not suggestions:
        assert found.suggestions == ()
    assert (found.entry is not None) == (kind == "registry")
