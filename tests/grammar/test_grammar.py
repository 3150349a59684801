"""Tests of the tree-sitter grammar in ``grammar/``.

* ``tree-sitter test`` passes on ``grammar/test/corpus`` (CLI: ``tools/tree-sitter``);
* ``tree-sitter generate`` reproduces the committed generated files byte for byte;
* the query files compile against the language and capture what they should;
* the Python binding parses every conformance document without ERROR/MISSING
  nodes, and the sections, provenance markers and Q/A pairs read off the tree
  agree with DLM's reference parse (``expected/*.json``);
* incremental re-parses after edits give the same tree as a fresh parse;
* a BOM is dropped once, as DLM drops it, and the one known limit of the tree
  (Q/A blocks break only at LF/CR, while DLM's body parser also breaks at the
  other `str.splitlines()` separators; the document model matches DLM) is
  pinned by a test.

The CLI runs with a private config and library dir in a temp dir; the wrapper
itself caches its Debian packages under ``~/.cache/ts-cli`` (first run
downloads them, which needs network access to deb.debian.org).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_dlm

REPO = Path(__file__).resolve().parents[2]
GRAMMAR = REPO / "grammar"
TOOL = REPO / "tools" / "tree-sitter"
QUERY_NAMES = ("highlights", "injections", "folds")
CORPUS_FILES = (
    "frontmatter", "fences", "attributes", "code_blocks", "markers",
    "instruction", "preference", "prose", "edge_cases",
)
GENERATED = ("src/parser.c", "src/grammar.json", "src/node-types.json")

LANGUAGE = tree_sitter.Language(tree_sitter_dlm.language())
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def parse(source: bytes) -> tree_sitter.Tree:
    return tree_sitter.Parser(LANGUAGE).parse(source)


# --------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------


def _cli_unavailable() -> str | None:
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return f"tools/tree-sitter runs Debian x86_64 binaries (this is {sys.platform}/{platform.machine()})"
    cache = os.environ.get("TS_CLI_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ts-cli")
    if not os.path.exists(os.path.join(cache, "root/usr/bin/tree-sitter")) and not (
        shutil.which("apt-get") and shutil.which("dpkg")
    ):
        return "tools/tree-sitter needs apt-get and dpkg for its first run"
    return None


@pytest.fixture(scope="session")
def ts_cli(tmp_path_factory):
    """Run ``tools/tree-sitter ARGS`` in a directory; returns the CompletedProcess."""
    reason = _cli_unavailable()
    if reason:
        pytest.fail(reason)
    home = tmp_path_factory.mktemp("tree-sitter-home")
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(home / "config"),
        TREE_SITTER_DIR=str(home / "config"),
        TREE_SITTER_LIBDIR=str(home / "lib"),  # never reuse a dlm.so built from other sources
        NO_COLOR="1",
    )

    def run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", str(TOOL), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, errors="replace", timeout=timeout)
        proc.stdout, proc.stderr = ANSI.sub("", proc.stdout), ANSI.sub("", proc.stderr)
        return proc

    proc = run(["--version"], REPO, timeout=900)  # the first run downloads the CLI
    if proc.returncode != 0 or "0.22.6" not in proc.stdout:
        pytest.fail(f"tools/tree-sitter does not run:\n{proc.stdout}\n{proc.stderr}")
    return run


def test_corpus_files_present():
    corpus = GRAMMAR / "test" / "corpus"
    missing = [name for name in CORPUS_FILES if not (corpus / f"{name}.txt").is_file()]
    assert not missing, f"corpus files missing: {missing}"


def test_tree_sitter_test_passes(ts_cli):
    proc = ts_cli(["test"], GRAMMAR)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"`tree-sitter test` failed:\n{output}"
    passed = output.count("✓")
    assert passed >= 150 and "✗" not in output, output


def test_generate_reproduces_committed_files(ts_cli, tmp_path):
    if not shutil.which("node"):
        pytest.fail("`tree-sitter generate` needs node to evaluate grammar.js")
    work = tmp_path / "grammar"
    shutil.copytree(GRAMMAR, work, ignore=shutil.ignore_patterns(
        "bindings", "build", "node_modules", "test", "*.so", "*.dylib", "*.o"))
    for rel in GENERATED:
        (work / rel).unlink()
    shutil.rmtree(work / "src" / "tree_sitter")
    proc = ts_cli(["generate", "--no-bindings"], work)
    assert proc.returncode == 0, f"`tree-sitter generate` failed:\n{proc.stdout}\n{proc.stderr}"
    headers = sorted(p.name for p in (GRAMMAR / "src" / "tree_sitter").glob("*.h"))
    regenerated = sorted(p.name for p in (work / "src" / "tree_sitter").glob("*.h"))
    assert regenerated == headers, "src/tree_sitter/*.h: the generator writes a different set of headers"
    stale = [rel for rel in (*GENERATED, *(f"src/tree_sitter/{h}" for h in headers))
             if (work / rel).read_bytes() != (GRAMMAR / rel).read_bytes()]
    assert not stale, (f"committed generated files differ from `tree-sitter generate`: {stale}; "
                       "run `../tools/tree-sitter generate --no-bindings` in grammar/ and commit")


def test_python_binding_is_fresh():
    """An in-tree (editable) build of the binding must not predate the C sources."""
    binding = Path(tree_sitter_dlm._binding.__file__).resolve()
    if REPO not in binding.parents:
        pytest.fail(f"binding installed outside the checkout ({binding}); install with `pip install -e .`")
    sources = [GRAMMAR / "src" / "parser.c", GRAMMAR / "src" / "scanner.c"]
    newest = max(p.stat().st_mtime for p in sources)
    assert binding.stat().st_mtime >= newest, (
        f"{binding.name} is older than grammar/src: rebuild it (`pip install -e .`) before testing")


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------

SAMPLE = b"""---
dlm_id: 01KPM5CXB51GRX86Q25AKERN6E
base_model: smollm2-135m
---
Intro prose.

```python
x = 1
```
::instruction#knowledge::
<!-- dlm-auto-synth: synth_teacher="self" synth_strategy="extraction" synth_at="2026-04-24T10:18:42Z" source_section_id="b6b7d8a2f4b3f9c0" -->
<!-- dlm-auto-harvest: source="tag/probe" -->
<!-- dlm-auto-synth: oops -->
### Q
What?
### A
That.
::preference::
### Prompt
p
### Chosen
c
### Rejected
r
::prose::
More *prose*.
::image path="a.png" alt="x"::
caption
::std::
"""


def _query(name: str) -> tree_sitter.Query:
    return tree_sitter.Query(LANGUAGE, (GRAMMAR / "queries" / f"{name}.scm").read_text())


def _texts(nodes) -> list[str]:
    """Node texts in document order."""
    return [n.text.decode() for n in sorted(nodes, key=lambda n: (n.start_byte, n.end_byte))]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_compiles_and_ships(name):
    query = _query(name)
    assert query.pattern_count > 0
    # The package serves the same file (queries/ is a symlink into grammar/).
    assert tree_sitter_dlm.query(name) == (GRAMMAR / "queries" / f"{name}.scm").read_text()


def test_sample_parses_cleanly():
    root = parse(SAMPLE).root_node
    assert not root.has_error, str(root)


def test_highlights_capture():
    root = parse(SAMPLE).root_node
    caps = tree_sitter.QueryCursor(_query("highlights")).captures(root)
    assert sorted(_texts(caps["keyword"])) == ["image", "instruction", "preference", "prose", "std"]
    assert _texts(caps["label"]) == ["knowledge"]
    assert "#" in _texts(caps["punctuation.special"])
    delimiters = _texts(caps["punctuation.delimiter"])
    assert delimiters.count("::") == 10 and delimiters.count("---\n") == 2
    assert delimiters.count("```python\n") == 1 and delimiters.count("```\n") == 1
    assert sorted(_texts(caps["property"])) == sorted(
        ["synth_teacher", "synth_strategy", "synth_at", "source_section_id", "source", "path", "alt"])
    assert '"a.png"' in _texts(caps["string"]) and '"self"' in _texts(caps["string"])
    assert sorted(_texts(caps["keyword.directive"])) == ["dlm-auto-harvest", "dlm-auto-synth", "dlm-auto-synth"]
    assert _texts(caps["string.special"]) == [" oops"]
    assert sorted(set(_texts(caps["comment"]))) == [" -->", "<!--"]
    assert [t.strip() for t in _texts(caps["markup.heading"])] == [
        "### Q", "### A", "### Prompt", "### Chosen", "### Rejected"]
    assert _texts(caps["markup.raw.block"]) == ["x = 1\n"]
    assert _texts(caps["error"]) == ["::std::"]


def test_injections_capture():
    root = parse(SAMPLE).root_node
    query = _query("injections")
    by_language: dict[str, list[tree_sitter.Node]] = {}
    combined = set()
    for pattern, captures in tree_sitter.QueryCursor(query).matches(root):
        settings = query.pattern_settings(pattern)
        language = settings["injection.language"]
        if "injection.combined" in settings:
            combined.add(language)
        by_language.setdefault(language, []).extend(captures["injection.content"])
    assert set(by_language) == {"yaml", "markdown"}
    assert _texts(by_language["yaml"]) == [
        "dlm_id: 01KPM5CXB51GRX86Q25AKERN6E\nbase_model: smollm2-135m\n"]
    markdown = by_language["markdown"]
    assert {n.parent.type for n in markdown} == {"prose_section"}
    # Blank lines are captured too, so Markdown sees paragraphs apart.
    assert _texts(markdown) == ["Intro prose.\n", "\n", "```python\nx = 1\n```\n", "More *prose*.\n"]
    assert combined == {"markdown"}


def test_folds_capture():
    root = parse(SAMPLE).root_node
    folds = Counter(n.type for n in tree_sitter.QueryCursor(_query("folds")).captures(root)["fold"])
    assert folds == Counter({
        "frontmatter": 1, "prose_section": 2, "instruction_section": 1, "question": 1, "answer": 1,
        "preference_section": 1, "prompt": 1, "chosen": 1, "rejected": 1, "image_section": 1,
        "unknown_section": 1, "code_block": 1,
    })


# --------------------------------------------------------------------------
# Anonymous tokens the corpus format cannot show
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "type_", "hash_", "adapter"), [
    ("::instruction::", "instruction", False, None),
    ("::instruction#::", "instruction", True, None),
    ("::x#::", "x", True, None),
    ("::#x::", None, True, "x"),
    ("::#::", None, True, None),
    ("::instruction#a#b::", "instruction", True, "a#b"),
    ("::prose#Bad-Name::", "prose", True, "Bad-Name"),
])
def test_fence_parts(line, type_, hash_, adapter):
    root = parse(f"{line}\ntext\n".encode()).root_node
    fence = root.children[0].child_by_field_name("fence")
    assert fence is not None and fence.text.decode() == line
    got_type = fence.child_by_field_name("type")
    got_adapter = fence.child_by_field_name("adapter")
    assert (got_type.text.decode() if got_type else None) == type_
    assert any(c.type == "#" for c in fence.children) == hash_
    assert (got_adapter.text.decode() if got_adapter else None) == adapter


# --------------------------------------------------------------------------
# Conformance data: DLM's reference parse
# --------------------------------------------------------------------------


CONFORMANCE = REPO / "tests" / "conformance"
CONFORMANCE_FILES = sorted([*CONFORMANCE.glob("corpus/*.dlm"), *CONFORMANCE.glob("cases/*.dlm")])


def test_conformance_data_found():
    assert len(CONFORMANCE_FILES) >= 60, f"conformance documents missing under {CONFORMANCE}"


def _problems(node: tree_sitter.Node) -> list[str]:
    out = []
    if node.is_error or node.is_missing:
        out.append(f"{'MISSING' if node.is_missing else 'ERROR'} {node.type} at {node.start_point}")
    if node.has_error:
        for child in node.children:
            out.extend(_problems(child))
    return out


@pytest.mark.parametrize("path", CONFORMANCE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_conformance_parses_without_errors(path):
    root = parse(path.read_bytes()).root_node
    assert not root.has_error, _problems(root)


class DocLines:
    """The document's lines as DLM numbers them (BOM dropped, CRLF/CR read as LF)."""

    def __init__(self, raw: bytes):
        text = raw.decode("utf-8").removeprefix("\ufeff")
        norm = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = norm.split("\n")
        self.end = len(self.lines) - (1 if norm.endswith("\n") else 0)
        i = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        self.starts = [i]
        while i < len(raw):
            if raw[i] == 13:
                i += 2 if raw[i + 1:i + 2] == b"\n" else 1
                self.starts.append(i)
            elif raw[i] == 10:
                i += 1
                self.starts.append(i)
            else:
                i += 1

    def index(self, byte: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:  # last start <= byte
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= byte:
                lo = mid
            else:
                hi = mid - 1
        return lo


def _unquote(value: tree_sitter.Node) -> str:
    return value.text.decode()[1:-1]


def _attributes(node: tree_sitter.Node) -> dict[str, str]:
    return {c.child_by_field_name("name").text.decode(): _unquote(c.child_by_field_name("value"))
            for c in node.children if c.type == "attribute"}


BODY_SHAPES = {
    "instruction_section": (("question", "q"), ("answer", "a")),
    "preference_section": (("prompt", "prompt"), ("chosen", "chosen"), ("rejected", "rejected")),
}


def _body(section: tree_sitter.Node, doc: DocLines):
    """Pairs/triples by DLM's body rules, or None where DLM reports a body error."""
    shape = BODY_SHAPES[section.type]
    blocks = [c for c in section.children if c.type in {t for t, _ in shape}]
    stray = [c for c in section.children if c.type in ("text_line", "code_line", "code_fence")]
    if stray or not blocks or len(blocks) % len(shape):
        return None
    items = []
    for k in range(0, len(blocks), len(shape)):
        item = {}
        for block, (node_type, key) in zip(blocks[k:k + len(shape)], shape):
            if block.type != node_type:
                return None
            body = "\n".join(doc.lines[doc.index(c.start_byte)] for c in block.children[1:]).strip()
            if not body:
                return None
            item[key] = body
        items.append(item)
    return items


def sections_from_tree(raw: bytes) -> list[dict]:
    """DLM's section list (as in expected/*.json) read off the syntax tree."""
    doc = DocLines(raw)
    root = parse(raw).root_node
    nodes = [c for c in root.children if c.type.endswith("_section")]
    out = []
    for n, node in enumerate(nodes):
        end = doc.index(nodes[n + 1].start_byte) if n + 1 < len(nodes) else doc.end
        fence = node.child_by_field_name("fence")
        markers = [c for c in node.children if c.type == "marker"]
        if fence is None:  # the implicit prose section: one leading empty line is dropped
            start = first = doc.index(node.start_byte)
            if doc.lines[first] == "" and first < end and n == 0:
                start = first = first + 1
            type_, adapter = "prose", None
        else:
            start = doc.index(fence.start_byte)
            first = start + 1 + len(markers)
            type_node, adapter_node = fence.child_by_field_name("type"), fence.child_by_field_name("adapter")
            type_ = type_node.text.decode() if type_node else ""
            adapter = adapter_node.text.decode() if adapter_node else None
        content = "\n".join(doc.lines[first:end])
        if type_ == "prose" and not content.strip():
            continue
        section = {"type": type_, "adapter": adapter, "start_line": start + 1, "content": content}
        if type_ in ("image", "audio"):
            attrs = _attributes(fence)
            section["media"] = {"path": attrs.get("path"), "alt": attrs.get("alt"),
                                "transcript": attrs.get("transcript")}
            seed = f"{type_}\n{attrs.get('path')}"
        else:
            seed = f"{type_}\n{content}"
        section["section_id"] = hashlib.sha256(seed.encode()).hexdigest()[:16]
        for marker in markers:
            kind = marker.child_by_field_name("kind").text.decode()
            attrs = _attributes(marker)
            if kind == "dlm-auto-harvest":
                section["auto_harvest"] = {"source": attrs["source"]}
            elif kind == "dlm-auto-synth":
                section["auto_synth"] = attrs
            else:
                section["auto_mined"] = {
                    **attrs, "judge_score_chosen": float(attrs["judge_score_chosen"]),
                    "judge_score_rejected": float(attrs["judge_score_rejected"]),
                    "mined_run_id": int(attrs["mined_run_id"])}
        if node.type in BODY_SHAPES:
            section["body"] = _body(node, doc)
        out.append(section)
    return out


ACCEPTED = [p for p in CONFORMANCE_FILES
            if json.loads((CONFORMANCE / "expected" / f"{p.stem}.json").read_text())["ok"]]


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_conformance_sections_match_reference(path):
    expected = json.loads((CONFORMANCE / "expected" / f"{path.stem}.json").read_text())["sections"]
    got = sections_from_tree(path.read_bytes())
    assert [(s["type"], s["start_line"]) for s in got] == [(s["type"], s["start_line"]) for s in expected]
    for mine, ref in zip(got, expected):
        where = f"section at line {ref['start_line']}"
        for key in ("adapter", "content", "section_id", "media", "auto_synth", "auto_mined", "auto_harvest"):
            assert mine.get(key) == ref.get(key), f"{where}: {key}"
        if "body" in mine:
            ref_body = ref.get("pairs", ref.get("triples"))
            assert mine["body"] == ref_body, f"{where}: body (reference error: {ref.get('body_error')})"


# --------------------------------------------------------------------------
# Odd inputs, incremental parsing
# --------------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    b"", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b"---", b"---\r", b"::", b"::\n",
    b"::prose", b"::prose:", b"```", b"a\x00b\n::prose::\n\x00", b"\xff\xfe\n::prose::\n\xc3\n",
    b"::instruction::\n<!-- dlm-auto-synth:", b"::instruction::\n<!-- dlm-auto-synth: -->",
    b"::image path=\"", b"::preference::\n### Prompt", "::instruction::\n### Q\u2028\n".encode(),
], ids=repr)
def test_odd_inputs_parse_without_errors(source):
    root = parse(source).root_node
    assert not root.has_error, _problems(root)


def _point(source: bytes, offset: int) -> tuple[int, int]:
    prefix = source[:offset]
    return prefix.count(b"\n"), offset - (prefix.rfind(b"\n") + 1)


def _shape(node: tree_sitter.Node) -> list:
    return [(node.type, node.start_byte, node.end_byte), *(x for c in node.children for x in _shape(c))]


SNIPPETS = [b"\n", b"`", b"```\n", b"::", b"#", b" ", b"\r", b"-", b"::prose::\n", b"::instruction::\n",
            b"### Q\n", b"### A", b"<!-- dlm-auto-harvest: source=\"x\" -->\n", b"---\n", b"\"", b"\xef\xbb\xbf"]


def test_incremental_reparse_matches_fresh_parse():
    sources = [CONFORMANCE / "cases" / f"{name}.dlm" for name in (
        "stacked-markers", "code-block-across-sections", "qa-code-in-answer-splits", "minimal",
        "mined-marker-valid", "near-fence-lines", "lone-cr")]
    sources = [p.read_bytes() for p in sources if p.is_file()] + [SAMPLE, SAMPLE.replace(b"\n", b"\r\n")]
    rng = random.Random(1234)
    parser = tree_sitter.Parser(LANGUAGE)
    for _ in range(400):
        old = rng.choice(sources)
        tree = parser.parse(old)
        for _ in range(3):
            start = rng.randint(0, len(old))
            end = min(len(old), start + rng.randint(0, 8))
            snippet = rng.choice(SNIPPETS)
            new = old[:start] + snippet + old[end:]
            new_end = start + len(snippet)
            tree.edit(start_byte=start, old_end_byte=end, new_end_byte=new_end,
                      start_point=_point(old, start), old_end_point=_point(old, end),
                      new_end_point=_point(new, new_end))
            tree = parser.parse(new, tree)
            assert _shape(tree.root_node) == _shape(parser.parse(new).root_node), (old, new)
            old = new


# --------------------------------------------------------------------------
# A BOM: tree-sitter's lexer skips one at byte 0, exactly as DLM drops one; a
# second U+FEFF is content.
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("\ufeff---\na: 1\n---\n", "(document (frontmatter (frontmatter_delimiter) (yaml) (frontmatter_delimiter)))"),
    ("\ufeff\ufeff---\na: 1\n---\n", "(document (prose_section (text_line) (text_line) (text_line)))"),
    ("\ufeff\ufeff::prose::\n", "(document (prose_section (text_line)))"),
    ("\ufeff\ufeff```\n::prose::\n", "(document (prose_section (text_line)) (prose_section fence: (fence type: (section_type))))"),
    ("\ufeff\ufeff\n", "(document (prose_section (text_line)))"),
    ("\ufeff\ufeff", "(document (prose_section (text_line)))"),
], ids=["one-bom", "frontmatter", "fence", "code-fence", "blank", "bom-only"])
def test_bom(source, expected):
    assert str(parse(source.encode()).root_node) == expected


# --------------------------------------------------------------------------
# Known limit of the tree (not of the model): DLM's body parsers split a
# section with str.splitlines(), which also breaks lines at \v \f \x1c-\x1e
# \x85 \u2028 \u2029. The tree's Q/A blocks break only at LF/CR; the document
# model reads pairs exactly as DLM does (tests/core/test_model.py).
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "blocks"), [
    ("::instruction::\n### Q\nq\nx\x0c### A\na\n", ["question"]),
    ("::preference::\n### Prompt\np\x85### Chosen\nc\n### Rejected\x1cr\n", ["prompt"]),
], ids=["form-feed", "nel-and-fs"])
def test_tree_blocks_break_only_at_lf_and_cr(source, blocks):
    section = parse(source.encode()).root_node.children[0]
    assert [c.type for c in section.children if c.type in
            ("question", "answer", "prompt", "chosen", "rejected")] == blocks
