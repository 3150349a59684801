"""Differential tests: our frontmatter checker against DLM's own validator.

DLM (`document-language-model==0.10.0`, with pydantic) is imported in the
test process when available; CI installs it through the `test` extra. For
generated frontmatter (dicts dumped with `yaml.safe_dump`, hand-written YAML
snippets, mutated documents, random text) we compare:

- the stage and decision: YAML error / not a mapping / schema error / accepted;
- for schema errors, the set of error paths: DLM's pydantic `loc`s against
  the `data["path"]` of our non-deferred errors. Union-member labels
  (`literal['auto']`, `int`, `list[str]`) are dropped from DLM's locs, and
  the bare `target_modules` loc (from the `"auto"` branch) is dropped when an
  element of the list also failed, because we report one problem per value.

Run with `HYPOTHESIS_PROFILE=thorough` (or raise the example counts) for a
deeper search; the committed settings keep the suite fast.
"""

from __future__ import annotations

import datetime
import gc
import math
import os
import time
import types
import typing
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from dlmls.core.frontmatter import parse_frontmatter
from dlmls.core.problems import Range, Severity
from dlmls.core.schema import ROOT, FieldSpec, Kind
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

versioned = pytest.importorskip("dlm.doc.versioned", reason="DLM reference (test extra) not installed")
pydantic = pytest.importorskip("pydantic")
from dlm.doc.errors import DlmVersionError, SchemaValidationError  # noqa: E402
from dlm.doc.schema import DlmFrontmatter  # noqa: E402

EXAMPLES = int(os.environ.get("DLMLS_DIFF_EXAMPLES", "400"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=os.environ.get("DLMLS_DIFF_RANDOM") is None,
)
OPENER = Range(0, 0, 0, 3)
ULID = "01KPM5CXB51GRX86Q25AKERN6E"
B = f"dlm_id: {ULID}\nbase_model: x\n"
T = B + "training:\n"
UNION_FIELDS = {"target_modules", "micro_batch_size", "grad_accum"}
UNION_TAGS = {"literal['auto']", "int", "list[str]"}


# --------------------------------------------------------------------------
# The two sides


@dataclass(frozen=True)
class Verdict:
    stage: str  # "yaml", "notmap", "schema" or "ok"
    paths: frozenset[str] = frozenset()


def _collapse(paths: set[str]) -> frozenset[str]:
    out = set(paths)
    for p in paths:
        if p.rsplit(".", 1)[-1] == "target_modules" and any(q.startswith(p + ".") for q in paths):
            out.discard(p)
    return frozenset(out)


def _norm_loc(loc: tuple[Any, ...]) -> str:
    parts = []
    for i, p in enumerate(loc):
        if p in UNION_TAGS and i and loc[i - 1] in UNION_FIELDS:
            continue
        parts.append(str(p))
    return ".".join(parts)


def reference(text: str) -> Verdict:
    """DLM's verdict: `dlm.doc.parser._validate_frontmatter`, step by step."""
    try:
        raw = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError:
        return Verdict("yaml")
    except Exception:  # RecursionError, ValueError from int(): DLM crashes, i.e. rejects
        return Verdict("yaml")
    if not isinstance(raw, dict):
        return Verdict("notmap")
    try:
        versioned.validate_versioned(raw)
    except SchemaValidationError as exc:
        cause = exc.__cause__
        if isinstance(cause, pydantic.ValidationError):
            return Verdict("schema", _collapse({_norm_loc(e["loc"]) for e in cause.errors()}))
        return Verdict("schema", frozenset({"dlm_version"}))
    except DlmVersionError:
        return Verdict("schema", frozenset({"dlm_version"}))
    return Verdict("ok")


def ours(text: str) -> Verdict:
    fm = parse_frontmatter(text, 1, OPENER)
    errors = [p for p in fm.problems if p.severity is Severity.ERROR]
    codes = {p.code for p in errors}
    assert "FM199" not in codes, errors
    if codes & {"FM100", "FM101", "FM102"}:
        return Verdict("yaml")
    if "FM103" in codes:
        return Verdict("notmap")
    if errors:
        paths = {p.data["path"] for p in errors if p.data and not p.data.get("deferred")}
        return Verdict("schema", _collapse(paths))
    return Verdict("ok")


def timed_ours(text: str) -> tuple[Verdict, float]:
    """Our verdict and the CPU time it took. The collector is paused: a long
    hypothesis run piles up garbage whose full collection can take seconds."""
    gc.disable()
    try:
        start = time.process_time()
        got = ours(text)
        return got, time.process_time() - start
    finally:
        gc.enable()


def assert_same(text: str) -> None:
    got, elapsed = timed_ours(text)
    want = reference(text)
    assert got == want, f"\n--- text ---\n{text}\n--- DLM: {want}\n--- ours: {got}"
    assert elapsed < 2.0


# --------------------------------------------------------------------------
# The schema table itself against DLM's models


def _pyd_fields(model: type) -> dict[str, Any]:
    return dict(model.model_fields)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        assert len(rest) == 1
        return rest[0], True
    return tp, False


def _compare_model(spec: FieldSpec, model: type, path: str) -> None:
    fields = _pyd_fields(model)
    ours_names = [f.name for f in spec.fields if not f.legacy]
    assert ours_names == list(fields), path
    for f in spec.fields:
        if f.legacy:
            continue
        info = fields[f.name]
        where = f"{path}.{f.name}".lstrip(".")
        assert info.is_required() == f.required, where
        tp, nullable = _unwrap_optional(info.annotation)
        assert nullable == f.nullable, where
        meta = {type(m).__name__: m for m in info.metadata}
        for attr, cls in (("ge", "Ge"), ("gt", "Gt"), ("le", "Le"), ("min_length", "MinLen")):
            if where == "dlm_version" or f.kind is Kind.AUTO_OR_INT:
                break  # these limits live in DLM validators, not in Field(...)
            theirs = getattr(meta[cls], attr) if cls in meta else None
            assert getattr(f, attr) == theirs, (where, attr)
        if f.kind is Kind.MODEL:
            _compare_model(f, tp, where)
            continue
        if not info.is_required():
            default = info.get_default(call_default_factory=True)
            want = list(default) if isinstance(default, tuple) else default
            assert f.default_value() == want, where
        if f.kind is Kind.ENUM:
            assert set(typing.get_args(tp)) == set(f.enum), where
        elif f.kind is Kind.MAP:
            _compare_model(f.item, typing.get_args(tp)[1], where + ".<name>")
        elif f.kind is Kind.LIST and f.item is not None and f.item.kind is Kind.MODEL:
            _compare_model(f.item, typing.get_args(tp)[0], where + ".[]")


def test_schema_table_matches_dlm_models() -> None:
    _compare_model(ROOT, DlmFrontmatter, "")


# --------------------------------------------------------------------------
# Generators

JUNK: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    3,
    7,
    8,
    16,
    63,
    64,
    255,
    256,
    257,
    1023,
    1024,
    1025,
    2047,
    2048,
    2049,
    10000,
    10001,
    32768,
    32769,
    2**31,
    2**63,
    2**64,
    -(2**63) - 1,
    10**30,
    0.0,
    -0.0,
    1e-9,
    0.01,
    0.05,
    0.1,
    0.5,
    0.50001,
    1.0,
    1.5,
    2.0,
    2.0001,
    8.0,
    8.5,
    math.nan,
    math.inf,
    -math.inf,
    2e-4,
    5e-6,
    3e-4,
    1e300,
    1e20,
    "",
    " ",
    "8",
    " 8 ",
    "8.0",
    "8.5",
    "8.",
    "1_000",
    "0x10",
    "2e-4",
    "2E-4",
    "5e-2",
    "0.05",
    "nan",
    "inf",
    "-inf",
    "auto",
    "AUTO",
    " auto",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "false",
    "True",
    "1",
    "0",
    "2",
    "lora",
    "LoRA",
    "qlora",
    "dora",
    "dpo",
    "orpo",
    "sigmoid",
    "hinge",
    "ipo",
    "base",
    "pre_adapter",
    "pre_dpo_adapter",
    "cosine",
    "linear",
    "constant",
    "bf16",
    "fp16",
    "fp32",
    "null",
    "None",
    "~",
    "permissive",
    "strict",
    "Q4_K_M",
    "Q8_0",
    "q4_k_m",
    "adamw_torch",
    "galore_adamw_8bit",
    "dapt",
    "sft",
    "0-5",
    "+8",
    "0_8",
    "1.0e-4",
    "0__5",
    " 1_0",
    "0.0",
    "-0",
    "01KPM5CXB51GRX86Q25AKERN6E",
    "01kpm5cxb51grx86q25akern6e",
    "smollm2-135m",
    "x" * 33,
    "a\nb",
    "\u2028",
    "ok\ud800",
    b"8",
    b"yes",
    b"lora",
    b"\xff",
    b"auto",
    b"smollm2",
    datetime.date(2020, 1, 1),
    datetime.datetime(2020, 1, 1, 12, 0),
    [],
    {},
    ["a"],
    ["auto"],
    [1],
    [None],
    ["q_proj", "v_proj"],
    {"a": 1},
    {"path": "x"},
    {"a", "b"},
    [["a"]],
    [b"x"],
]
JUNK_KEYS: list[Any] = [
    "lora_rank",
    "Lora_r",
    "epochs",
    "dpo",
    "preference",
    "hyperparams",
    "method",
    "foo",
    "enabled",
    "path",
    "trainin",
    "export ",
    "",
    1,
    True,
    None,
    1.5,
    b"lora_r",
    datetime.date(2020, 1, 1),
]
ADAPTER_NAMES: list[Any] = [
    "a",
    "b",
    "knowledge",
    "tone",
    "Bad",
    "1a",
    "a-b",
    "_a",
    "a" * 32,
    "a" * 33,
    "",
    "x y",
    "a\n",
    1,
    True,
    None,
    b"ab",
    b"\xff",
    "é",
]


def _boundary_numbers(spec: FieldSpec) -> list[Any]:
    out: list[Any] = []
    for bound in (spec.ge, spec.gt, spec.le):
        if bound is None:
            continue
        if spec.kind is Kind.INT or isinstance(bound, int):
            out += [bound - 1, bound, bound + 1, str(bound), float(bound)]
        else:
            out += [bound, bound - 1e-9, bound + 1e-9, str(bound), bound / 2 + 0.001]
    return out


def value_for(spec: FieldSpec, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for the key `spec`: mostly plausible, sometimes anything."""
    junk = st.sampled_from(JUNK)
    kind = spec.kind
    if kind is Kind.MODEL:
        return st.one_of(model_for(spec, depth + 1), model_for(spec, depth + 1), junk)
    if kind is Kind.MAP:
        assert spec.item is not None
        names = st.sampled_from(ADAPTER_NAMES)
        return st.one_of(st.dictionaries(names, value_for(spec.item, depth + 1), max_size=3), junk)
    if kind is Kind.LIST:
        assert spec.item is not None
        item = value_for(spec.item, depth + 1)
        return st.one_of(st.lists(item, max_size=3), st.lists(item, max_size=2).map(tuple), junk)
    if kind is Kind.AUTO_OR_LIST:
        return st.one_of(
            st.just("auto"), st.lists(st.sampled_from(["q_proj", "v_proj", 1, None, b"k"]), max_size=3), junk
        )
    good: list[Any] = list(spec.enum) if spec.enum else []
    if spec.nullable:
        good.append(None)
    if kind is Kind.BOOL:
        good += [True, False, "yes", "off", 1, 0, 2, "maybe"]
    if kind in (Kind.INT, Kind.FLOAT, Kind.AUTO_OR_INT):
        good += _boundary_numbers(spec)
        good.append(spec.default)
    if kind is Kind.STR:
        good += ["x", "hf:org/name", "", ULID]
    strategies = [junk, st.integers(-3, 300), st.floats(allow_nan=True)]
    if good:
        strategies.insert(0, st.sampled_from(good))
        strategies.insert(0, st.sampled_from(good))
    return st.one_of(*strategies)


def model_for(spec: FieldSpec, depth: int = 0) -> st.SearchStrategy[dict[Any, Any]]:
    if depth > 4:
        return st.just({})
    optional = {f.name: value_for(f, depth) for f in spec.fields if not f.legacy and not f.required}
    required = {f.name: value_for(f, depth) for f in spec.fields if f.required}
    base = st.fixed_dictionaries({}, optional={**optional, **required})
    extra = st.dictionaries(st.sampled_from(JUNK_KEYS), st.sampled_from(JUNK), max_size=1)
    return st.tuples(base, st.one_of(st.just({}), st.just({}), st.just({}), extra)).map(
        lambda t: {**t[0], **t[1]}
    )


_DPO = st.fixed_dictionaries(
    {},
    optional={
        "enabled": st.sampled_from([True, False, "yes", 2, None]),
        "beta": st.sampled_from([0.1, 0.0, 1.0, 2, -0.1, "0.5", None]),
        "learning_rate": st.sampled_from([5e-6, 0, "1e-5", -1, None]),
        "num_epochs": st.sampled_from([1, 0, "2", 1.5]),
        "loss_type": st.sampled_from(["sigmoid", "hinge", "x", 1]),
        "reference": st.sampled_from(["pre_dpo_adapter", "pre_adapter", "base", "other", 1]),
        "alpha": st.sampled_from([0.1, 5]),
        "method": st.sampled_from(["orpo", 1]),
    },
)


@st.composite
def frontmatter_dicts(draw: st.DrawFn) -> dict[Any, Any]:
    d: dict[Any, Any] = {}
    if draw(st.integers(0, 9)):
        d["dlm_id"] = draw(st.one_of(st.just(ULID), st.just(ULID), st.sampled_from(JUNK)))
    version = draw(st.sampled_from(["absent", "absent", 1, 15, 15, 2, 14, 0, -1, 16, "15", 15.0, True, None]))
    if version != "absent":
        d["dlm_version"] = version
    if draw(st.integers(0, 9)):
        d["base_model"] = draw(st.one_of(st.just("smollm2-135m"), st.sampled_from(JUNK)))
    if draw(st.booleans()):
        d["system_prompt"] = draw(st.one_of(st.text(max_size=8), st.sampled_from(JUNK)))
    if draw(st.integers(0, 3)):
        training = draw(value_for(ROOT.child("training")))  # type: ignore[arg-type]
        if isinstance(training, dict) and version in ("absent", 1) and draw(st.booleans()):
            training["dpo"] = draw(st.one_of(_DPO, st.sampled_from([None, 5, "x", []])))
        d["training"] = training
    if draw(st.booleans()):
        d["export"] = draw(value_for(ROOT.child("export")))  # type: ignore[arg-type]
    if draw(st.integers(0, 5)) == 0:
        d[draw(st.sampled_from(JUNK_KEYS))] = draw(st.sampled_from(JUNK))
    return d


def dump(d: dict[Any, Any], flow: bool | None) -> str | None:
    try:
        return yaml.safe_dump(d, sort_keys=False, allow_unicode=True, default_flow_style=flow)
    except (yaml.YAMLError, UnicodeEncodeError):
        return None


# Hand-written YAML: tokens a writer might type for a value.
RAW_VALUES = [
    "8",
    "0",
    "256",
    "257",
    "0x10",
    "010",
    "0o10",
    "0b101",
    "1_000",
    "1:30",
    "190:20:30",
    "8.0",
    "8.5",
    ".5",
    "0.05",
    "5e-2",
    "5.0e-2",
    "2e-4",
    "2.0e-4",
    "1e400",
    "1.0e+400",
    ".inf",
    "-.inf",
    ".nan",
    ".NaN",
    "+.inf",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "True",
    "TRUE",
    "~",
    "null",
    "",
    "'8'",
    '"8"',
    "'yes'",
    "auto",
    "'auto'",
    "Auto",
    "[]",
    "[q_proj, v_proj]",
    "[auto]",
    "[1, 2]",
    "{}",
    "{a: 1}",
    "!!binary aGVsbG8=",
    "!!binary bG9yYQ==",
    "!!str 8",
    "!!int '8'",
    "!!float 1",
    "!!bool yes",
    "2020-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!pairs [{a: 1}]",
    "lora",
    "LORA",
    "qlora",
    "dora",
    "cosine",
    "bf16",
    "strict",
    "dpo",
    "orpo",
    "'0-5'",
    "'0__5'",
    "'+8'",
    "' 8 '",
    "'1_0'",
    "'1e-4'",
    '"\\u2028"',
    '"\\ud800"',
    '"a\\x00"',
    "!!null ''",
    "-8",
    "+8",
    "0.0",
    "-0.0",
    "1.0",
    "2.0",
    "0.5",
    "0.50",
    "0.5000001",
    "1e-9",
    "3e-4",
    "10000",
    "10001",
    "2048",
    "64",
    "63",
    "32768",
    "32769",
    "1024",
    "1025",
    "7",
    "|\n    Be brief.",
    ">-\n    folded",
    "&x 8",
    "*x",
]
RAW_VERSIONS = ["1", "15", "15", "2", "0", "16", "15.0", "true", "~", "0x0f", "017", "1_5", ""]
RAW_BASES = ["smollm2-135m", "hf:org/x", "", "1.5", "yes", "!!binary eA=="]
RAW_TOP_KEYS = ["foo", "1", "~", "base_modle", "system_prompt", "? [a]", "<<"]
RAW_NAMES = ["a", "b", "knowledge", "Bad", "1a", "'a'", "x" * 33, "null", "1", "yes", "~", '"a b"']


def _spec_keys(spec: FieldSpec) -> list[str]:
    return [f.name for f in spec.fields]


@st.composite
def raw_yaml(draw: st.DrawFn) -> str:
    tok = st.sampled_from(RAW_VALUES)
    lines: list[str] = []
    if draw(st.integers(0, 9)):
        lines.append(f"dlm_id: {draw(st.sampled_from([ULID, ULID, ULID.lower(), '~', '123', ULID[:-1]]))}")
    if draw(st.booleans()):
        lines.append(f"dlm_version: {draw(st.sampled_from(RAW_VERSIONS))}")
    if draw(st.integers(0, 9)):
        lines.append(f"base_model: {draw(st.sampled_from(RAW_BASES))}")
    training = ROOT.child("training")
    assert training is not None
    if draw(st.integers(0, 4)):
        lines.append("training:")
        for _ in range(draw(st.integers(0, 6))):
            key = draw(st.sampled_from([*_spec_keys(training), "lora_rank", "<<", "1"]))
            child = training.child(key)
            if key == "<<":
                lines.append(
                    f"  <<: {draw(st.sampled_from(['{lora_r: 4}', '[{seed: 1}, {seed: 2}]', '5', '*x']))}"
                )
            elif child is not None and child.kind is Kind.MODEL:
                lines.append(f"  {key}:")
                for _ in range(draw(st.integers(0, 3))):
                    sub = draw(st.sampled_from([*_spec_keys(child), "foo"]))
                    sub_spec = child.child(sub)
                    if sub_spec is not None and sub_spec.kind is Kind.MODEL:
                        lines.append(f"    {sub}:")
                        for _ in range(draw(st.integers(0, 2))):
                            lines.append(
                                f"      {draw(st.sampled_from([*_spec_keys(sub_spec), 'x']))}: {draw(tok)}"
                            )
                    else:
                        lines.append(f"    {sub}: {draw(tok)}")
            elif key == "adapters":
                lines.append("  adapters:" + draw(st.sampled_from(["", "", " {}", " ~", " [a]"])))
                for _ in range(draw(st.integers(0, 3))):
                    lines.append(
                        f"    {draw(st.sampled_from(RAW_NAMES))}:" + draw(st.sampled_from(["", " {}"]))
                    )
                    for _ in range(draw(st.integers(0, 2))):
                        item = ROOT.child("training").child("adapters").item  # type: ignore[union-attr]
                        lines.append(
                            f"      {draw(st.sampled_from([*_spec_keys(item), 'seed']))}: {draw(tok)}"
                        )
            elif key == "sources":
                lines.append("  sources:" + draw(st.sampled_from(["", "", " []", " ~", " x"])))
                for _ in range(draw(st.integers(0, 2))):
                    lines.append(f"    - path: {draw(st.sampled_from(['./src', '', '~', '1']))}")
                    for _ in range(draw(st.integers(0, 2))):
                        k = draw(
                            st.sampled_from(
                                ["include", "exclude", "max_files", "max_bytes_per_file", "paths"]
                            )
                        )
                        lines.append(f"      {k}: {draw(tok)}")
            elif key == "dpo":
                lines.append("  dpo:" + draw(st.sampled_from(["", "", " ~", " 5", " {}"])))
                for _ in range(draw(st.integers(0, 3))):
                    k = draw(
                        st.sampled_from(
                            [
                                "enabled",
                                "beta",
                                "learning_rate",
                                "num_epochs",
                                "loss_type",
                                "reference",
                                "alpha",
                                "hyperparams",
                            ]
                        )
                    )
                    lines.append(f"    {k}: {draw(st.sampled_from([*RAW_VALUES, 'pre_dpo_adapter']))}")
            else:
                lines.append(f"  {key}: {draw(tok)}")
    if draw(st.booleans()):
        lines.append("export:")
        for _ in range(draw(st.integers(0, 3))):
            lines.append(
                f"  {draw(st.sampled_from([*_spec_keys(ROOT.child('export')), 'quant']))}: {draw(tok)}"
            )  # type: ignore[arg-type]
    if draw(st.integers(0, 4)) == 0:
        lines.append(f"{draw(st.sampled_from(RAW_TOP_KEYS))}: {draw(tok)}")
    if draw(st.integers(0, 5)) == 0:
        draw(st.randoms()).shuffle(lines)
    return "\n".join(lines) + "\n"


VALID = f"""dlm_id: {ULID}
dlm_version: 1
base_model: smollm2-135m
system_prompt: |
  Be brief.
training:
  adapter: lora
  lora_r: 8
  learning_rate: 1e-4
  target_modules: [q_proj, v_proj]
  micro_batch_size: auto
  dpo:
    enabled: true
    beta: 0.2
    reference: pre_dpo_adapter
  gate: {{enabled: false, steps: 100}}
  sources:
    - path: ./src
      include: ["**/*.py"]
export:
  default_quant: Q8_0
  default_temperature: 0.3
"""
MUTATION_CHARS = [*list(":-[]{}#&*!|>'\"%@`,? \t\n.0123456789eyn"), "\u2028", "\x85", "\x00", "é", "\ufeff"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 3))
        if op == 0:
            text = text[:i] + draw(st.sampled_from(MUTATION_CHARS)) + text[i:]
        elif op == 1:
            text = text[:i] + text[i + draw(st.integers(1, 6)) :]
        elif op == 2:
            j = draw(st.integers(0, len(text)))
            text = text[:i] + text[j : j + draw(st.integers(1, 12))] + text[i:]
        else:
            text = text[:i] + draw(st.sampled_from(MUTATION_CHARS)) + text[i + 1 :]
    return text


# --------------------------------------------------------------------------
# The differential tests


@SETTINGS
@given(frontmatter_dicts(), st.sampled_from([False, True, None]))
def test_dumped_dicts_match_dlm(d: dict[Any, Any], flow: bool | None) -> None:
    text = dump(d, flow)
    assume(text is not None)
    assert_same(text)  # type: ignore[arg-type]


@SETTINGS
@given(raw_yaml())
def test_handwritten_yaml_matches_dlm(text: str) -> None:
    assert_same(text)


@SETTINGS
@given(mutated())
def test_mutated_documents_match_dlm(text: str) -> None:
    assert_same(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(MUTATION_CHARS + list("abdlmrotu_")), max_size=40))
def test_random_text_matches_dlm(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "\u3000",  # str.strip() whitespace that YAML would reject: DLM never parses it
        "\x1c",
        "# only a comment\n",
        "---\n",
        "- a\n",
        "a\n",
        B + "",
        B + "training: ~\n",
        T + "  dpo: ~\n",
        B + "dlm_version: 2\ntraining:\n  dpo: {}\n",
        T + "  dpo: 5\n",
        T + "  dpo: {foo: 1, beta: 2}\n  preference: {bar: 1}\n",
        T + "  lora_r: '0-5'\n",
        T + "  micro_batch_size: '0__5'\n  grad_accum: true\n",
        T + "  target_modules: [a, 1, [b]]\n",
        T + "  adapters: {a: {}, b: {}}\n  lora_r: 8.0\n  learning_rate: '2e-4'\n",
        T + "  adapters: {a: {}}\n  gate: {enabled: yes}\n  lora_r: 9\n",
        T + "  adapters: {Bad: {lora_r: 0}, b: {}}\n",
        T + "  adapters: {!!binary YWI=: {}, ab: {}}\n  gate: {enabled: true}\n",
        f'dlm_id: {ULID}\nbase_model: !!binary eA==\nsystem_prompt: "\\ud800"\n',
        B + "1: a\ntrue: b\n~: c\n2020-01-01: d\n1.5: e\n",
        B + "export: {default_temperature: .nan, default_top_p: .inf}\n",
        B + "training: {learning_rate: .inf, lora_dropout: -0.0}\n",
        B + "b: &b {lora_r: 4}\ntraining:\n  <<: *b\n",
        T + "  <<: {lora_r: 4}\n  lora_r: 0\n",
        T + "  sources: !!set {a, b}\n",
        T + "  target_modules: !!omap [{a: 1}]\n",
        T + "  seed: 1:30\n  lora_r: 0b11\n  lora_alpha: 017\n",
        "dlm_version: 0x10\n",
        "dlm_version: -0\n",
        "a: !!int x\n",
        "a: 2020-13-45\n",
        "a: " + "1" * 5000 + "\n",
        "a: !!bool maybe\n",
        "a: !!timestamp x\n",
        "? [a]\n: 1\n",
        "a: 1\n--- 2\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: *x\n",
        "a: &x 1\nb: &x 2\n",
        "x: &a [*a]\n",
        "x: &a {<<: *a}\n",
    ],
)
def test_edge_cases_match_dlm(text: str) -> None:
    assert_same(text)
