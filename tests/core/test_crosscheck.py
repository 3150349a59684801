"""Cross-checks: adapters, source section ids, files and base models.

Data-driven: a document, the files that exist (the file system is injected,
so nothing here touches the disk) and the cross-check problems expected, as
`"line:col-line:col CODE"` with 1-based lines and columns as `dlmls check`
prints them. The document lives in /notes, so relative paths resolve there.
"""

from __future__ import annotations

import os

import pytest
from dlmls.core import registry
from dlmls.core.crosscheck import CrossCache, crosscheck
from dlmls.core.document import Document
from dlmls.core.problems import Severity, Stage
from dlmls.core.sections import section_id

DIR = "/notes"
FM = "---\ndlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: {base}\n{extra}---\n"
QA = "### Q\nq\n### A\na\n"
PROSE = "Some prose."
SOURCE = section_id("prose", PROSE)


def synth(sid: str) -> str:
    return (f'<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" '
            f'synth_at="2026-04-24T10:18:42Z" source_section_id="{sid}" -->')


def check(body: str, expected: list[str], *, base: str = "smollm2-135m", extra: str = "",
          files: tuple[str, ...] = (), base_dir: str | None = DIR) -> list:
    """Assert the cross-check problems of a document (frontmatter + body)."""
    doc = Document(FM.format(base=base, extra=extra) + body)
    problems = crosscheck(doc.model, base_dir, lambda p: p in files)
    got = [f"{p.range} {p.code}" for p in problems]
    assert got == expected, "\n".join(f"{p.range} {p.code} {p.message} {p.data}" for p in problems)
    return problems


ADAPTERS = "training:\n  adapters:\n    knowledge: {}\n    tone: {lora_r: 4}\n"


@pytest.mark.parametrize("body, extra, expected", [
    # No training.adapters: only the implicit `default` exists.
    (f"::instruction#knowledge::\n{QA}::instruction#default::\n{QA}::prose#tone::\nx\n", "",
     ["5:15-5:24 DLM230", "15:9-15:13 DLM230"]),
    (f"::instruction::\n{QA}", "", []),
    # Declared adapters: exactly those; `default` is no longer implied.
    (f"::instruction#knowledge::\n{QA}::instruction#tone::\n{QA}::instruction#default::\n{QA}", ADAPTERS,
     ["19:15-19:22 DLM230"]),
    # A malformed adapters block is the frontmatter checker's problem alone.
    (f"::instruction#knowledge::\n{QA}", "training:\n  adapters: [knowledge]\n", []),
    # DLM drops whitespace-only prose, so never routes it.
    (f"::prose#tone::\n\n::instruction::\n{QA}", "", []),
    # Invalid suffixes are fence errors already.
    (f"::instruction#Bad::\n{QA}", "", []),
])
def test_adapters(body, extra, expected):
    problems = check(body, expected, extra=extra)
    for p in problems:
        assert (p.severity, p.stage) == (Severity.ERROR, Stage.TRAIN)


def test_undeclared_adapter_message_and_data():
    (p,) = check(f"::instruction#tone::\n{QA}", ["8:15-8:19 DLM230"],
                 extra="training:\n  adapters:\n    knowledge: {}\n")
    assert p.data == {"adapter": "tone", "declared": ["knowledge"], "explicit": True}
    assert "declared: knowledge" in p.message


@pytest.mark.parametrize("body, extra, expected", [
    (f"{PROSE}\n::instruction::\n{synth(SOURCE)}\n{QA}", "", []),
    (f"{PROSE}\n::instruction::\n{synth('0123456789abcdef')}\n{QA}", "", ["7:121-7:139 DLM330"]),
    # The prose changed: its id no longer matches.
    (f"{PROSE} More.\n::instruction::\n{synth(SOURCE)}\n{QA}", "", ["7:121-7:139 DLM330"]),
    # Malformed ids are the marker's own error (DLM305), not dangling.
    (f"::instruction::\n{synth('XYZ')}\n{QA}", "", []),
    # Sections made from training.sources have ids we cannot see.
    (f"::instruction::\n{synth('0123456789abcdef')}\n{QA}",
     "training:\n  sources:\n    - path: src\n", ["6:13-6:16 FM162"]),
])
def test_source_section_ids(body, extra, expected):
    check(body, expected, extra=extra)


@pytest.mark.parametrize("body, extra, files, expected", [
    ('::image path="figs/a.png" alt="x"::\ncap\n::audio path="/abs/b.wav" transcript="t"::\n', "", (),
     ["5:14-5:26 DLM240", "7:14-7:26 DLM240"]),
    ('::image path="figs/a.png" alt="x"::\ncap\n::audio path="/abs/b.wav" transcript="t"::\n', "",
     ("/notes/figs/a.png", "/abs/b.wav"), []),
    ('::image path="../up.png"::\n', "", ("/up.png",), []),
    # training.sources: relative to the document (or to the folder holding a
    # `.dlm/` metadata folder), `~` expanded.
    ("x\n", "training:\n  sources:\n    - path: src\n    - path: ~/corpus\n      include: ['*.md']\n", (),
     ["6:13-6:16 FM162", "7:13-7:21 FM162"]),
    ("x\n", "training:\n  sources:\n    - path: src\n    - path: ~/corpus\n", (
        "/notes/src", os.path.expanduser("~/corpus")), []),
])
def test_paths(body, extra, files, expected):
    for p in check(body, expected, extra=extra, files=files):
        assert p.severity == Severity.WARNING


def test_paths_resolve_from_the_folder_holding_a_dlm_folder():
    body = '::image path="a.png"::\n'
    extra = "training:\n  sources:\n    - path: src\n"
    doc = Document(FM.format(base="smollm2-135m", extra=extra) + body)
    found = crosscheck(doc.model, "/corpus/.dlm", lambda p: p in ("/corpus/src", "/corpus/.dlm/a.png"))
    # sources anchor on the corpus folder, inline media on the document's own folder
    assert found == []


def test_untitled_documents_skip_path_checks():
    check('::image path="nowhere.png"::\n', [], extra="training:\n  sources:\n    - path: src\n",
          base="./models/local", base_dir=None)


# What `dlmls train` refuses on any machine is an error (a bare name that is no registry key nor a
# directory beside the document, `hf:` without `org/name`, a model dlmls does not train); what
# depends on the machine (a local directory, an `org/name` that may be one) is a warning.
ERROR, WARNING = Severity.ERROR, Severity.WARNING


@pytest.mark.parametrize("base, files, expected, severity, suggestions", [
    ("smollm2-135m", (), [], None, None),
    ("hf:HuggingFaceTB/SmolLM2-135M-Instruct", (), [], None, None),
    ("smollm2-135", (), ["3:13-3:24 FM160"], ERROR, ["smollm2-135m", "smollm2-360m", "smollm2-1.7b"]),
    ("smollm2-135mm", (), ["3:13-3:26 FM160"], ERROR, ["smollm2-135m", "smollm2-360m", "smollm2-1.7b"]),
    ("Qwen2.5-0.5B", (), ["3:13-3:25 FM160"], ERROR, ["qwen2.5-0.5b"]),
    ("gpt-5", (), ["3:13-3:18 FM160"], ERROR, []),
    ("gpt-5", ("/notes/gpt-5",), [], None, None),  # a model directory beside the document
    ("hf:gpt2", (), ["3:13-3:20 FM160"], ERROR, []),
    ("'hf:/'", (), ["3:13-3:19 FM160"], ERROR, []),
    # An `org/name` without `hf:`: the registry key for it, and the `hf:` spelling.
    ("HuggingFaceTB/SmolLM2-135M-Instruct", (), ["3:13-3:48 FM160"], WARNING,
     ["smollm2-135m", "hf:HuggingFaceTB/SmolLM2-135M-Instruct"]),
    ("acme/tiny", (), ["3:13-3:22 FM160"], WARNING, ["hf:acme/tiny"]),
    ("acme/tiny", ("/notes/acme/tiny",), [], None, None),  # ... unless it is a local directory
    ("./models/mine", ("/notes/models/mine",), [], None, None),
    ("./models/mine", (), ["3:13-3:26 FM161"], WARNING, None),
    ("/opt/models/mine", (), ["3:13-3:29 FM161"], WARNING, None),
    ("qwen2-vl-2b-instruct", (), ["3:13-3:33 FM163"], ERROR, None),
])
def test_base_model(base, files, expected, severity, suggestions):
    problems = check("x\n", expected, base=base, files=files)
    for p in problems:
        assert (p.severity, p.stage) == (severity, Stage.TRAIN)
        if suggestions is not None:
            assert p.data["suggestions"] == suggestions


def test_a_bare_base_model_is_an_error_without_a_directory_to_look_in():
    (p,) = check("x\n", ["3:13-3:24 FM160"], base="smollm2-135", base_dir=None)
    assert p.severity == Severity.ERROR


def test_base_model_problems_from_the_schema_are_not_repeated():
    # An empty base_model is the schema's FM121; the cross-check stays quiet.
    check("x\n", [], base="''")


def test_registry_has_every_column():
    models = registry.models()
    assert len(models) == 27 and next(iter(models)) == "qwen2.5-0.5b"
    smol = registry.lookup("smollm2-135m")
    assert smol == registry.BaseModel("smollm2-135m", "HuggingFaceTB/SmolLM2-135M-Instruct", "LlamaForCausalLM",
                                      135_000_000, 8192, 0.27, "Apache-2.0", False, "text")
    assert registry.lookup("llama-3.2-1b").requires_acceptance is True
    assert registry.lookup("nope") is None
    assert registry.hf_id_ok("hf:a/b") and not registry.hf_id_ok("hf:a/") and not registry.hf_id_ok("a/b")


def test_cache_gives_the_same_problems_across_edits():
    body = (f"{PROSE}\n::instruction#tone::\n{synth('0123456789abcdef')}\n{QA}"
            '::image path="a.png"::\ncap\n' f"::instruction::\n{synth(SOURCE)}\n{QA}")
    doc = Document(FM.format(base="smollm2-135m", extra="") + body)
    cache = CrossCache()
    exists = (lambda p: False)
    first = crosscheck(doc.model, DIR, exists, cache)
    assert [p.code for p in first] == ["DLM230", "DLM330", "DLM240"]
    edits = [(b"cap", b"caption\nmore"), (b"Some prose.", b"Some\n\nprose!"), (b"Some\n\nprose!", b"Some prose.")]
    for old, new in edits:
        at = doc.source.index(old)
        doc.edit(at, at + len(old), new)
        cached = crosscheck(doc.model, DIR, exists, cache)
        assert cached == crosscheck(doc.model, DIR, exists)
    # While the prose read differently, the second marker's source id dangled too.
    assert [p.code for p in crosscheck(Document(doc.source.replace(b"Some prose.", b"Other.")).model, DIR,
                                       exists)] == ["DLM230", "DLM330", "DLM240", "DLM330"]
    assert [p.code for p in cached] == ["DLM230", "DLM330", "DLM240"]
    # Problems of untouched sections are reused, not rebuilt.
    again = crosscheck(doc.model, DIR, exists, cache)
    assert all(a is b for a, b in zip(again, cached))
