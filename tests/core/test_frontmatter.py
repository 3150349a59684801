"""The frontmatter checker: exact problems, positions, values, robustness.

Data-driven: each case is YAML text between the `---` lines (document line 1
is the opening `---`, so the YAML starts on line 2) and the problems
expected, as `"line:col-line:col CODE path"` with 1-based lines and columns
as `dlmls check` prints them. A `*` after the path marks a deferred problem
(one DLM reports only once the others are fixed); warnings are the FM15x
codes. `H` is a valid header (dlm_id + base_model, lines 2-3), so a case's
own lines start at line 4.
"""

from __future__ import annotations

import gc
import inspect
import time

import pytest
from dlmls.core import frontmatter, schema
from dlmls.core.frontmatter import CODES, MAX_DEPTH, Frontmatter, KeyPosition, parse_frontmatter
from dlmls.core.problems import Range, Severity, Stage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OPENER = Range(0, 0, 0, 3)
ULID = "01KPM5CXB51GRX86Q25AKERN6E"
H = f"dlm_id: {ULID}\nbase_model: smollm2-135m\n"


def check(yaml_text: str, *expected: str) -> Frontmatter:
    """Assert exactly the problems `expected` (in document order)."""
    fm = parse_frontmatter(yaml_text, 1, OPENER)
    got = []
    for p in fm.problems:
        path = (p.data or {}).get("path", "")
        star = "*" if (p.data or {}).get("deferred") else ""
        got.append(f"{p.range} {p.code} {path}{star}".rstrip())
    detail = "\n".join(f"{p.range} {p.code} {p.message} {p.data}" for p in fm.problems)
    assert got == list(expected), detail
    for p in fm.problems:
        assert p.code in CODES
        if p.code in ("FM150", "FM151"):
            assert (p.severity, p.stage) == (Severity.WARNING, Stage.LINT)
        else:
            assert (p.severity, p.stage) == (Severity.ERROR, Stage.PARSE)
    assert fm.ok == (not any(p.severity is Severity.ERROR for p in fm.problems))
    return fm


def timed_parse(text: str, first_line: int = 1, opener: Range = OPENER) -> tuple[Frontmatter, float]:
    """The result and the CPU time it took, with the collector paused (hypothesis
    runs pile up garbage whose full collection can take seconds)."""
    gc.disable()
    try:
        start = time.process_time()
        fm = parse_frontmatter(text, first_line, opener)
        return fm, time.process_time() - start
    finally:
        gc.enable()


def message(yaml_text: str, code: str) -> str:
    fm = parse_frontmatter(yaml_text, 1, OPENER)
    return next(p.message for p in fm.problems if p.code == code)


# --------------------------------------------------------------------------
# Accepted documents


def test_minimal_document_is_accepted_with_defaults() -> None:
    fm = check(H)
    assert fm.ok
    assert (fm.dlm_id, fm.dlm_version, fm.base_model, fm.written_version) == (ULID, 15, "smollm2-135m", 1)
    t = fm.values["training"]
    assert t["lora_r"] == 8 and t["adapter"] == "lora" and t["learning_rate"] == 2e-4
    assert t["micro_batch_size"] == "auto" and t["target_modules"] == "auto" and t["precision"] is None
    assert t["preference"] == {
        "enabled": False,
        "method": "dpo",
        "hyperparams": {"beta": 0.1, "alpha": 0.1, "learning_rate": 5e-6, "num_epochs": 1},
        "loss_type": "sigmoid",
        "reference": "pre_adapter",
    }
    assert t["cache"]["max_bytes"] == 10 * 1024**3 and t["gate"]["steps"] == 200
    assert t["adapters"] is None and t["sources"] is None and t["sources_policy"] == "permissive"
    assert fm.values["export"] == {
        "default_quant": "Q4_K_M",
        "default_temperature": None,
        "default_top_p": None,
    }
    assert fm.values["system_prompt"] is None
    assert fm.raw["dlm_version"] == 15  # migrated in memory


def test_full_document_coerces_like_pydantic() -> None:
    fm = check(
        H + "dlm_version: 15\n"
        "system_prompt: |\n  Be brief.\n"
        "training:\n"
        "  lora_r: '16'\n"  # numeric string -> int
        "  lora_alpha: 32.0\n"  # integral float -> int
        "  lora_dropout: 5e-2\n"  # YAML 1.1 string -> float
        "  learning_rate: 1e-4\n"
        "  micro_batch_size: true\n"  # bool -> 1
        "  grad_accum: ' 4 '\n"
        "  seed: 1_000\n"
        "  target_modules: [q_proj, v_proj]\n"
        "  precision: bf16\n"
        "  preference: {enabled: 'yes', method: orpo, hyperparams: {alpha: 0.5}}\n"
        "  cache: {enabled: off}\n"
        "  sources:\n    - path: ./src\n      include: ['**/*.py']\n      max_files: 10\n"
        "export: {default_quant: Q8_0, default_temperature: 2, default_top_p: ~}\n"
    )
    t = fm.values["training"]
    assert (t["lora_r"], t["lora_alpha"], t["lora_dropout"], t["learning_rate"]) == (16, 32, 0.05, 1e-4)
    assert (t["micro_batch_size"], t["grad_accum"], t["seed"]) == (1, 4, 1000)
    assert t["target_modules"] == ["q_proj", "v_proj"] and t["precision"] == "bf16"
    assert t["preference"]["enabled"] is True and t["preference"]["hyperparams"]["alpha"] == 0.5
    assert t["cache"]["enabled"] is False
    assert t["sources"] == [
        {"path": "./src", "include": ["**/*.py"], "exclude": [], "max_bytes_per_file": None, "max_files": 10}
    ]
    assert fm.values["export"]["default_temperature"] == 2.0
    assert fm.values["system_prompt"] == "Be brief.\n"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\n",
        "\u3000\n",  # whitespace to str.strip(): DLM never hands it to YAML
    ],
)
def test_blank_frontmatter_is_an_empty_mapping(text: str) -> None:
    check(text, "1:1-1:4 FM112 dlm_id", "1:1-1:4 FM112 base_model")


# --------------------------------------------------------------------------
# Keys and values, one rule each

CASES = {
    # unknown and non-string keys
    "unknown top-level key": (H + "base_modle: x\n", ["4:1-4:11 FM110 base_modle"]),
    "unknown training key": (H + "training:\n  lora_rank: 4\n", ["5:3-5:12 FM110 training.lora_rank"]),
    "unknown nested key": (H + "training:\n  gate:\n    step: 4\n", ["6:5-6:9 FM110 training.gate.step"]),
    "unknown adapter key": (
        H + "training:\n  adapters:\n    a: {seed: 1}\n    b: {}\n",
        ["6:9-6:13 FM110 training.adapters.a.seed"],
    ),
    "unknown source key": (
        H + "training:\n  sources:\n    - path: x\n      paths: y\n",
        ["7:7-7:12 FM110 training.sources.0.paths"],
    ),
    "dpo in a v2+ document": (
        H + "dlm_version: 2\ntraining:\n  dpo: {beta: 0.1}\n",
        ["6:3-6:6 FM110 training.dpo"],
    ),
    "int key": (H + "1: x\n", ["4:1-4:2 FM111 1"]),
    "bool key is loc 1": (H + "true: x\n", ["4:1-4:5 FM111 1"]),
    "null key": (H + "~: x\n", ["4:1-4:2 FM111 None"]),
    "date key": (H + "2020-01-01: x\n", ["4:1-4:11 FM111 datetime.date(2020, 1, 1)"]),
    "int adapter name": (
        H + "training:\n  adapters:\n    1: {}\n    b: {}\n",
        ["6:5-6:6 FM111 training.adapters.1.[key]"],
    ),
    # missing keys
    "missing dlm_id": ("base_model: x\n", ["1:1-1:4 FM112 dlm_id"]),
    "missing source path": (
        H + "training:\n  sources:\n    - include: [a]\n",
        ["6:7-6:19 FM112 training.sources.0.path"],
    ),
    # strings
    "dlm_id lowercase": (f"dlm_id: {ULID.lower()}\nbase_model: x\n", ["2:9-2:35 FM123 dlm_id"]),
    "dlm_id with I": ("dlm_id: 01KPM5CXB51GRX86Q25AKERN6I\nbase_model: x\n", ["2:9-2:35 FM123 dlm_id"]),
    "dlm_id int": ("dlm_id: 12345\nbase_model: x\n", ["2:9-2:14 FM120 dlm_id"]),
    "base_model empty": (f"dlm_id: {ULID}\nbase_model: ''\n", ["3:13-3:15 FM121 base_model"]),
    "base_model null": (f"dlm_id: {ULID}\nbase_model:\n", ["3:1-3:11 FM120 base_model"]),
    "base_model float": (f"dlm_id: {ULID}\nbase_model: 1.5\n", ["3:13-3:16 FM120 base_model"]),
    "base_model binary is a string": (f"dlm_id: {ULID}\nbase_model: !!binary eA==\n", []),
    "system_prompt list": (H + "system_prompt: [a]\n", ["4:16-4:19 FM120 system_prompt"]),
    "system_prompt yes": (H + "system_prompt: yes\n", ["4:16-4:19 FM120 system_prompt"]),
    "source path empty": (
        H + "training:\n  sources:\n    - path: ''\n",
        ["6:13-6:15 FM121 training.sources.0.path"],
    ),
    # integers
    "lora_r zero": (H + "training:\n  lora_r: 0\n", ["5:11-5:12 FM121 training.lora_r"]),
    "lora_r 257": (H + "training:\n  lora_r: 257\n", ["5:11-5:14 FM121 training.lora_r"]),
    "lora_r 256 ok": (H + "training:\n  lora_r: 256\n", []),
    "lora_r fraction": (H + "training:\n  lora_r: 8.5\n", ["5:11-5:14 FM120 training.lora_r"]),
    "lora_r text": (H + "training:\n  lora_r: eight\n", ["5:11-5:16 FM120 training.lora_r"]),
    "lora_r nan": (H + "training:\n  lora_r: .nan\n", ["5:11-5:15 FM120 training.lora_r"]),
    "lora_r list": (H + "training:\n  lora_r: [8]\n", ["5:11-5:14 FM120 training.lora_r"]),
    "lora_r '0-5' is -5 to pydantic": (
        H + "training:\n  lora_r: '0-5'\n",
        ["5:11-5:16 FM121 training.lora_r"],
    ),
    "lora_r true is 1": (H + "training:\n  lora_r: true\n", []),
    "lora_r hex": (H + "training:\n  lora_r: 0x10\n", []),
    "sequence_len 63": (H + "training:\n  sequence_len: 63\n", ["5:17-5:19 FM121 training.sequence_len"]),
    "sequence_len 32769": (
        H + "training:\n  sequence_len: 32769\n",
        ["5:17-5:22 FM121 training.sequence_len"],
    ),
    "num_epochs 0": (H + "training:\n  num_epochs: 0\n", ["5:15-5:16 FM121 training.num_epochs"]),
    "seed any int": (H + "training:\n  seed: -99999999999999999999999\n", []),
    "seed string": (H + "training:\n  seed: x\n", ["5:9-5:10 FM120 training.seed"]),
    "embed_warmup_steps -1": (
        H + "training:\n  cpt: {embed_warmup_steps: -1}\n",
        ["5:29-5:31 FM121 training.cpt.embed_warmup_steps"],
    ),
    "hidden_proj_dim 7": (
        H + "training:\n  gate: {hidden_proj_dim: 7}\n",
        ["5:27-5:28 FM121 training.gate.hidden_proj_dim"],
    ),
    "gate steps 10001": (H + "training:\n  gate: {steps: 10001}\n", ["5:17-5:22 FM121 training.gate.steps"]),
    "cold_start_floor 1025": (
        H + "training:\n  gate: {cold_start_floor: 1025}\n",
        ["5:28-5:32 FM121 training.gate.cold_start_floor"],
    ),
    "cache max_bytes 0": (
        H + "training:\n  cache: {max_bytes: 0}\n",
        ["5:22-5:23 FM121 training.cache.max_bytes"],
    ),
    "prune days 0": (
        H + "training:\n  cache: {prune_older_than_days: 0}\n",
        ["5:34-5:35 FM121 training.cache.prune_older_than_days"],
    ),
    "max_files 0": (
        H + "training:\n  sources: [{path: x, max_files: 0}]\n",
        ["5:34-5:35 FM121 training.sources.0.max_files"],
    ),
    "max_bytes_per_file null ok": (H + "training:\n  sources: [{path: x, max_bytes_per_file: ~}]\n", []),
    "hyperparams num_epochs 0": (
        H + "training:\n  preference:\n    hyperparams:\n      num_epochs: 0\n",
        ["7:19-7:20 FM121 training.preference.hyperparams.num_epochs"],
    ),
    # auto-or-int
    "micro_batch_size 0": (
        H + "training:\n  micro_batch_size: 0\n",
        ["5:21-5:22 FM121 training.micro_batch_size"],
    ),
    "micro_batch_size AUTO": (
        H + "training:\n  micro_batch_size: AUTO\n",
        ["5:21-5:25 FM120 training.micro_batch_size"],
    ),
    "grad_accum null": (H + "training:\n  grad_accum:\n", ["5:3-5:13 FM120 training.grad_accum"]),
    "grad_accum '3'": (H + "training:\n  grad_accum: '3'\n", []),
    # floats
    "lora_dropout 0.51": (H + "training:\n  lora_dropout: 0.51\n", ["5:17-5:21 FM121 training.lora_dropout"]),
    "lora_dropout 0.5 ok": (H + "training:\n  lora_dropout: 0.5\n", []),
    "learning_rate 0": (H + "training:\n  learning_rate: 0\n", ["5:18-5:19 FM121 training.learning_rate"]),
    "learning_rate nan": (
        H + "training:\n  learning_rate: .nan\n",
        ["5:18-5:22 FM121 training.learning_rate"],
    ),
    "learning_rate inf ok": (H + "training:\n  learning_rate: .inf\n", []),
    "learning_rate text": (
        H + "training:\n  learning_rate: fast\n",
        ["5:18-5:22 FM120 training.learning_rate"],
    ),
    "warmup_ratio 0.6": (H + "training:\n  warmup_ratio: 0.6\n", ["5:17-5:20 FM121 training.warmup_ratio"]),
    "gate lr 1.5": (H + "training:\n  gate: {lr: 1.5}\n", ["5:14-5:17 FM121 training.gate.lr"]),
    "entropy_lambda -0.1": (
        H + "training:\n  gate: {entropy_lambda: -0.1}\n",
        ["5:26-5:30 FM121 training.gate.entropy_lambda"],
    ),
    "beta 1.1": (
        H + "training:\n  preference: {hyperparams: {beta: 1.1}}\n",
        ["5:36-5:39 FM121 training.preference.hyperparams.beta"],
    ),
    "alpha -1": (
        H + "training:\n  preference: {hyperparams: {alpha: -1}}\n",
        ["5:37-5:39 FM121 training.preference.hyperparams.alpha"],
    ),
    "preference learning_rate 0": (
        H + "training:\n  preference: {hyperparams: {learning_rate: 0}}\n",
        ["5:45-5:46 FM121 training.preference.hyperparams.learning_rate"],
    ),
    "temperature 0": (
        H + "export:\n  default_temperature: 0\n",
        ["5:24-5:25 FM121 export.default_temperature"],
    ),
    "temperature 2.5": (
        H + "export:\n  default_temperature: 2.5\n",
        ["5:24-5:27 FM121 export.default_temperature"],
    ),
    "top_p 1.01": (H + "export:\n  default_top_p: 1.01\n", ["5:18-5:22 FM121 export.default_top_p"]),
    "top_p string": (H + "export:\n  default_top_p: high\n", ["5:18-5:22 FM120 export.default_top_p"]),
    # booleans
    "enabled maybe": (
        H + "training:\n  cache: {enabled: maybe}\n",
        ["5:20-5:25 FM120 training.cache.enabled"],
    ),
    "enabled 2": (
        H + "training:\n  audio: {auto_resample: 2}\n",
        ["5:26-5:27 FM120 training.audio.auto_resample"],
    ),
    "enabled 'y' ok": (H + "training:\n  audio: {auto_resample: y}\n", []),
    # enums
    "adapter LoRA": (H + "training:\n  adapter: LoRA\n", ["5:12-5:16 FM122 training.adapter"]),
    "optimizer": (H + "training:\n  optimizer: sgd\n", ["5:14-5:17 FM122 training.optimizer"]),
    "lr_scheduler": (H + "training:\n  lr_scheduler: step\n", ["5:17-5:21 FM122 training.lr_scheduler"]),
    "precision fp8": (H + "training:\n  precision: fp8\n", ["5:14-5:17 FM122 training.precision"]),
    "precision null ok": (H + "training:\n  precision: null\n", []),
    "sources_policy": (
        H + "training:\n  sources_policy: open\n",
        ["5:19-5:23 FM122 training.sources_policy"],
    ),
    "method": (
        H + "training:\n  preference: {method: ppo}\n",
        ["5:24-5:27 FM122 training.preference.method"],
    ),
    "loss_type": (
        H + "training:\n  preference: {loss_type: x}\n",
        ["5:27-5:28 FM122 training.preference.loss_type"],
    ),
    "reference": (
        H + "training:\n  preference: {reference: pre_dpo_adapter}\n",
        ["5:27-5:42 FM122 training.preference.reference"],
    ),
    "schedule": (H + "training:\n  cpt: {schedule: always}\n", ["5:19-5:25 FM122 training.cpt.schedule"]),
    "default_quant": (H + "export:\n  default_quant: q4_k_m\n", ["5:18-5:24 FM122 export.default_quant"]),
    # mappings, lists
    "training null": (H + "training:\n", ["4:1-4:9 FM120 training"]),
    "training list": (H + "training: [a]\n", ["4:11-4:14 FM120 training"]),
    "export string": (H + "export: Q8_0\n", ["4:9-4:13 FM120 export"]),
    "preference null": (H + "training:\n  preference: ~\n", ["5:15-5:16 FM120 training.preference"]),
    "target_modules string": (
        H + "training:\n  target_modules: q_proj\n",
        ["5:19-5:25 FM120 training.target_modules"],
    ),
    "target_modules bad element": (
        H + "training:\n  target_modules: [q_proj, 1]\n",
        ["5:28-5:29 FM120 training.target_modules.1"],
    ),
    "target_modules set ok": (H + "training:\n  target_modules: !!set {q_proj}\n", []),
    "include string": (
        H + "training:\n  sources: [{path: x, include: '*.md'}]\n",
        ["5:32-5:38 FM120 training.sources.0.include"],
    ),
    "exclude element": (
        H + "training:\n  sources: [{path: x, exclude: [a, ~]}]\n",
        ["5:36-5:37 FM120 training.sources.0.exclude.1"],
    ),
    "sources mapping": (H + "training:\n  sources: {path: x}\n", ["5:12-5:21 FM120 training.sources"]),
    "sources item string": (H + "training:\n  sources: [x]\n", ["5:13-5:14 FM120 training.sources.0"]),
    "sources empty ok": (H + "training:\n  sources: []\n", []),
    "adapters list": (H + "training:\n  adapters: [a]\n", ["5:13-5:16 FM120 training.adapters"]),
    "adapters null ok": (H + "training:\n  adapters: ~\n", []),
    # cross-field rules
    "adapters empty": (H + "training:\n  adapters: {}\n", ["5:13-5:15 FM125 training.adapters"]),
    "bad adapter names (all reported)": (
        H + "training:\n  adapters:\n    Bad: {}\n    ok: {}\n    9x: {}\n",
        ["6:5-6:8 FM124 training.adapters", "8:5-8:7 FM124 training.adapters"],
    ),
    "adapter name 33 chars": (
        H + "training:\n  adapters:\n    " + "a" * 33 + ": {}\n",
        ["6:5-6:38 FM124 training.adapters"],
    ),
    "bad name deferred behind a bad value": (
        H + "training:\n  adapters:\n    Bad: {lora_r: 0}\n",
        ["6:5-6:8 FM124 training.adapters*", "6:19-6:20 FM121 training.adapters.Bad.lora_r"],
    ),
    "gate needs two adapters": (
        H + "training:\n  adapters:\n    a: {}\n  gate:\n    enabled: true\n",
        ["8:14-8:18 FM130 training"],
    ),
    "gate without adapters": (H + "training:\n  gate: {enabled: yes}\n", ["5:19-5:22 FM130 training"]),
    "gate with two adapters ok": (H + "training:\n  adapters: {a: {}, b: {}}\n  gate: {enabled: true}\n", []),
    "gate deferred behind a field error": (
        H + "training:\n  seed: x\n  gate: {enabled: true}\n",
        ["5:9-5:10 FM120 training.seed", "6:19-6:23 FM130 training*"],
    ),
    "flat keys drift": (
        H + "training:\n  lora_r: 16\n  adapters: {a: {}}\n  target_modules: [q_proj]\n",
        ["5:3-5:9 FM131 training", "7:3-7:17 FM131 training"],
    ),
    "flat keys at default values are fine": (
        H + "training:\n  lora_r: 8.0\n  learning_rate: '2e-4'\n  lora_dropout: 5e-2\n  adapters: {a: {}}\n",
        [],
    ),
    "drift hidden behind the gate rule": (
        H + "training:\n  adapter: dora\n  adapters: {a: {}}\n  gate: {enabled: true}\n",
        ["5:3-5:10 FM131 training*", "7:19-7:23 FM130 training"],
    ),
    "adapters: {} also needs the gate": (
        H + "training:\n  adapters: {}\n  gate: {enabled: true}\n",
        ["5:13-5:15 FM125 training.adapters", "6:19-6:23 FM130 training*"],
    ),
    # duplicate keys
    "duplicate key": (
        H + "training:\n  lora_r: 4\n  lora_r: 0\n",
        ["5:3-5:9 FM150 training.lora_r", "6:11-6:12 FM121 training.lora_r"],
    ),
    "duplicate top-level key, last wins": (
        H + "base_model: ''\nbase_model: b\n",
        ["3:1-3:11 FM150 base_model", "4:1-4:11 FM150 base_model"],
    ),
    "keys 1 and true collide": (H + "1: a\ntrue: b\n", ["4:1-4:2 FM150 1", "5:1-5:5 FM111 1"]),
    # merge keys and aliases
    "merged values are checked": (
        H + "base: &b {lora_r: 0}\ntraining:\n  <<: *b\n",
        ["4:1-4:5 FM110 base", "4:19-4:20 FM121 training.lora_r"],
    ),
    "explicit key overrides the merge": (
        H + "training:\n  <<: {lora_r: 0}\n  lora_r: 4\n",
        [],
    ),
    "alias value lands on the alias": (
        H + "training:\n  adapters:\n    a: &x {lora_r: 0}\n    b: *x\n",
        ["6:20-6:21 FM121 training.adapters.a.lora_r", "7:8-7:10 FM121 training.adapters.b.lora_r"],
    ),
    # versions
    "dlm_version string": (H + "dlm_version: '15'\n", ["4:14-4:18 FM140 dlm_version"]),
    "dlm_version bool": (H + "dlm_version: true\n", ["4:14-4:18 FM140 dlm_version"]),
    "dlm_version float": (H + "dlm_version: 15.0\n", ["4:14-4:18 FM140 dlm_version"]),
    "dlm_version null": (H + "dlm_version:\n", ["4:1-4:12 FM140 dlm_version"]),
    "dlm_version 16": (H + "dlm_version: 16\nfoo: 1\n", ["4:14-4:16 FM141 dlm_version"]),
    "dlm_version 0": (H + "dlm_version: 0\n", ["4:14-4:15 FM142 dlm_version"]),
    "dlm_version -1 defers the rest": (
        "dlm_version: -1\nfoo: 1\n",
        [
            "1:1-1:4 FM112 dlm_id*",
            "1:1-1:4 FM112 base_model*",
            "2:14-2:16 FM142 dlm_version",
            "3:1-3:4 FM110 foo*",
        ],
    ),
    "dlm_version hex 15 ok": (H + "dlm_version: 0xf\n", []),
    # v1 migration
    "v1 dpo migrates": (
        H + "training:\n  dpo:\n    enabled: yes\n    beta: 0.2\n    reference: pre_dpo_adapter\n",
        [],
    ),
    "v1 dpo errors land on the dpo keys": (
        H + "training:\n  dpo:\n    beta: 2\n    num_epochs: 0\n    reference: other\n",
        [
            "6:11-6:12 FM121 training.preference.hyperparams.beta",
            "7:17-7:18 FM121 training.preference.hyperparams.num_epochs",
            "8:16-8:21 FM122 training.preference.reference",
        ],
    ),
    "v1 dpo unknown keys are dropped": (
        H + "training:\n  dpo:\n    alpha: 5\n    method: orpo\n",
        ["6:5-6:10 FM151 training.dpo.alpha", "7:5-7:11 FM151 training.dpo.method"],
    ),
    "v1 dpo not a mapping": (H + "training:\n  dpo: 5\n", ["5:8-5:9 FM120 training.preference"]),
    "v1 dpo null is dropped": (H + "training:\n  dpo:\n", []),
    "v1 dpo replaces preference": (
        H + "training:\n  preference: {method: orpo}\n  dpo: {beta: 0.3}\n",
        ["5:3-5:13 FM151 training.preference"],
    ),
    "v1 explicit": (H + "dlm_version: 1\ntraining:\n  dpo: {loss_type: ipo}\n", []),
    # YAML-level
    "syntax error": (H + "training: [\n", ["4:11-4:12 FM100"]),
    "bad indentation": (H + "training:\n  lora_r: 8\n lora_alpha: 4\n", ["6:2-6:3 FM100"]),
    "tab indentation": (H + "training:\n\tlora_r: 8\n", ["5:1-5:2 FM100"]),
    "unknown tag": (H + "a: !!python/object:os.system x\n", ["4:4-4:5 FM101"]),
    "bad int tag": (H + "a: !!int x\n", ["4:4-4:5 FM101"]),
    "bad date": (H + "a: 2020-13-45\n", ["4:4-4:5 FM101"]),
    "huge decimal int": (H + "a: " + "1" * 5000 + "\n", ["4:4-4:5 FM101"]),
    "unhashable key": (H + "? [a]\n: 1\n", ["4:3-4:4 FM101"]),
    "undefined alias": (H + "a: *x\n", ["4:4-4:5 FM100"]),
    "duplicate anchor": (H + "a: &x 1\nb: &x 2\n", ["5:4-5:5 FM100"]),
    "second document": (H + "--- 2\n", ["4:1-4:2 FM100"]),
    "NUL byte": (H + "a: \x00\n", ["4:4-4:5 FM100"]),
    "lone surrogate": (H + "a: \ud800\n", ["4:4-4:5 FM100"]),
    "deep nesting": (
        "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
        [f"2:{MAX_DEPTH + 3}-2:{MAX_DEPTH + 4} FM102"],
    ),
    "merge bomb": (
        "a0: &a0 {k0: 0, k1: 1}\n"
        + "".join(f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}]}}\n" for i in range(1, 30))
        + "x: {<<: *a29}\n",
        ["FM102"],
    ),
    # not a mapping
    "list": ("- a\n- b\n", ["2:1-3:4 FM103"]),
    "scalar": ("just text\n", ["2:1-2:10 FM103"]),
    "comments only": ("# nothing\n", ["1:1-1:4 FM103"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_case(name: str) -> None:
    text, expected = CASES[name]
    if expected and all(" " not in e for e in expected):  # code only: range is not the point
        fm = parse_frontmatter(text, 1, OPENER)
        assert [p.code for p in fm.problems] == expected
        return
    check(text, *expected)


# --------------------------------------------------------------------------
# Messages, suggestions, data


def test_unknown_key_suggests_close_matches() -> None:
    fm = parse_frontmatter(H + "training:\n  lora_rank: 4\n  epochs: 2\nlora_r: 4\n", 1, OPENER)
    by_path = {p.data["path"]: p for p in fm.problems}
    assert by_path["training.lora_rank"].data["suggestions"][0] == "lora_r"
    assert by_path["training.epochs"].data["suggestions"] == ["num_epochs"]
    assert "training.lora_r" in by_path["lora_r"].message  # belongs one level down
    assert "preference" in message(H + "dlm_version: 3\ntraining:\n  dpo: {}\n", "FM110")


def test_messages_are_specific() -> None:
    assert (
        message(H + "training:\n  lora_r: 0\n", "FM121") == "training.lora_r must be between 1 and 256, got 0"
    )
    assert "got the string 'eight'" in message(H + "training:\n  lora_r: eight\n", "FM120")
    assert "write lora" in message(H + "training:\n  adapter: LoRA\n", "FM122")
    assert "uppercase" in message(f"dlm_id: {ULID.lower()}\nbase_model: x\n", "FM123")
    assert "quotes" in message(H + "system_prompt: yes\n", "FM120")
    assert message(H + "dlm_version: '15'\n", "FM140").startswith("dlm_version must be an integer, got str")
    assert "newer than this parser" in message(H + "dlm_version: 99\n", "FM141")
    assert "line 5 wins" in message(H + "base_model: a\nbase_model: b\n", "FM150")
    huge = message(H + "training:\n  lora_r: 0x" + "f" * 5000 + "\n", "FM121")
    assert "digits" in huge and len(huge) < 200


def test_enum_values_are_attached() -> None:
    fm = parse_frontmatter(H + "training:\n  adapter: x\n", 1, OPENER)
    assert fm.problems[0].data["allowed"] == ["lora", "qlora", "dora"]


# --------------------------------------------------------------------------
# Positions


def test_positions_of_keys_and_values() -> None:
    fm = parse_frontmatter(
        H
        + "training:\n  lora_r: 8\n  sources:\n    - path: ./x\n      include: [a, b]\n  adapters:\n    k:\n",
        1,
        OPENER,
    )
    pos = fm.positions
    assert pos[("training", "lora_r")] == KeyPosition(Range(4, 2, 4, 8), Range(4, 10, 4, 11))
    assert pos[("training", "sources", 0)].key is None
    assert pos[("training", "sources", 0, "path")].value == Range(6, 12, 6, 15)
    assert pos[("training", "sources", 0, "include", 1)].value == Range(7, 19, 7, 20)
    # A block collection ends at its last value, not at the next key.
    assert pos[("training", "sources")].value == Range(6, 4, 7, 21)
    # An empty value is zero-width right after the colon.
    assert pos[("training", "adapters", "k")].value == Range(9, 6, 9, 6)
    assert pos[()].key is None


def test_positions_respect_first_line_and_block_scalars() -> None:
    fm = parse_frontmatter("system_prompt: |\n  hi\n\n\nx: 1\n", 7, OPENER)
    assert fm.positions[("system_prompt",)].value == Range(7, 15, 8, 4)
    assert fm.positions[("x",)].key == Range(11, 0, 11, 1)


def test_columns_are_code_points_and_lines_split_on_lf_only() -> None:
    fm = parse_frontmatter("a: 'é\u2028x'\nb: 1\n", 1, OPENER)
    assert fm.positions[("a",)].value == Range(1, 3, 1, 8)
    assert fm.positions[("b",)].key == Range(2, 0, 2, 1)


def test_migrated_dpo_positions_point_at_what_is_written() -> None:
    fm = parse_frontmatter(H + "training:\n  dpo:\n    beta: 0.2\n", 1, OPENER)
    assert (
        fm.positions[("training", "preference", "hyperparams", "beta")]
        == fm.positions[("training", "dpo", "beta")]
    )
    assert fm.positions[("training", "preference")] == fm.positions[("training", "dpo")]
    assert fm.raw["training"]["preference"] == {"method": "dpo", "hyperparams": {"beta": 0.2}}
    assert fm.values["training"]["preference"]["hyperparams"]["beta"] == 0.2


def test_invalid_values_fall_back_to_defaults() -> None:
    fm = parse_frontmatter(H + "training:\n  lora_r: 0\n  seed: 7\n  gate: {steps: 0}\n", 1, OPENER)
    assert not fm.ok
    t = fm.values["training"]
    assert (t["lora_r"], t["seed"], t["gate"]["steps"]) == (8, 7, 200)


# --------------------------------------------------------------------------
# Robustness: never raise, never hang

NASTY = [
    "x: &a [*a]\n",
    "x: &a {y: *a}\n",
    "x: &a {<<: *a}\n",
    "a: &a [x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [*a{'' if i == 1 else i - 1}" + ", *a" * 0 + "]\n" for i in range(1, 3)),
    "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)),
    "training:\n  target_modules: &t ["
    + ", ".join(["q"] * 50)
    + "]\n  adapters:\n"
    + "".join(f"    n{i}: {{target_modules: *t}}\n" for i in range(50)),
    "[" * 20000,
    "{a: " * 5000,
    "- " * 3000 + "x",
    "\n".join(" " * i + "k:" for i in range(1000)),
    "a: 0x" + "f" * 20000 + "\n",
    "dlm_version: 0x" + "f" * 20000 + "\n",
    "training:\n  lora_r: 0x" + "f" * 20000 + "\n",
    "? " + "[" * 50 + "]" * 50 + "\n: x\n",
    "1: a\nnull: b\n2001-01-01: c\n1.5: d\n? !!binary eA==\n: e\n",
    "a: !!python/object/apply:os.system ['ls']\n",
    "a: !!python/name:os.system\n",
    "\x00\x01\x02",
    "a: \ud800\udfff\n",
    "a: '\ud83d'\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    "%YAML 1.1\n%TAG ! tag:x,2000:\n--- !a\n",
    "a: 1\n--- \n...\n---\n",
    "'" * 10000,
    "a: |\n" + "  x\n" * 5000,
    "a: " + "x" * 200000 + "\n",
]


@pytest.mark.parametrize("text", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_nasty_input_gives_problems_quickly(text: str) -> None:
    fm, elapsed = timed_parse(text)
    assert elapsed < 10.0  # a guard against quadratic blow-up (seconds-long), not a benchmark
    assert isinstance(fm.problems, list) and not fm.ok
    assert all(p.code != "FM199" for p in fm.problems)
    for p in fm.problems:
        str(p.range)
        p.to_json()


ROBUST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
YAMLISH = st.sampled_from([*list(":-[]{}#&*!|>'\"%@`,? \t\n.0123456789"), "\u2028", "\x85", "\x00", "é", "�"])
VALID = f"""{H}dlm_version: 1
training:
  adapters: {{a: &x {{lora_r: 4}}, b: *x}}
  gate: {{enabled: true}}
  dpo: {{beta: 0.1}}
  sources:
    - path: ./src
export: {{default_quant: Q8_0}}
"""


def _never_raises(text: str) -> None:
    fm, elapsed = timed_parse(text, 3, Range(2, 0, 2, 3))
    assert elapsed < 10.0  # a guard against quadratic blow-up (seconds-long), not a benchmark
    assert all(p.code in CODES and p.code != "FM199" for p in fm.problems)
    for p in fm.problems:
        assert p.range.start_line >= 2
        assert (p.range.start_line, p.range.start_col) <= (p.range.end_line, p.range.end_col)
    for kp in fm.positions.values():
        assert kp.value.start_line >= 3


@ROBUST
@given(st.text(max_size=200))
def test_random_text_never_raises(text: str) -> None:
    _never_raises(text)


@ROBUST
@given(st.text(alphabet=YAMLISH, max_size=80))
def test_yamlish_text_never_raises(text: str) -> None:
    _never_raises(text)


@ROBUST
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID)), st.integers(0, 5), st.text(YAMLISH, max_size=3)), max_size=5
    )
)
def test_mutated_frontmatter_never_raises(edits: list[tuple[int, int, str]]) -> None:
    text = VALID
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    _never_raises(text)


def test_typical_frontmatter_parses_cleanly() -> None:
    # How fast: benchmarks/bench_frontmatter.py (target ≤ 20 ms), figures in benchmarks/RESULTS.md.
    text = VALID + "system_prompt: |\n  Answer briefly.\n"
    fm = check(text)
    assert fm.values["system_prompt"] == "Answer briefly.\n"
    assert fm.values["training"]["adapters"]["b"]["lora_r"] == 4  # through the alias


# --------------------------------------------------------------------------
# The schema table


def test_every_field_is_documented() -> None:
    for path, spec in schema.iter_fields():
        assert spec.doc and (spec.doc[0].isupper() or spec.doc[0] == "`") and spec.doc.endswith((".", ")")), (
            path
        )
        assert spec.type, path
        assert len(spec.doc) > 20, path


def test_field_at_children_and_enums() -> None:
    assert schema.field_at(("training", "lora_r")).le == 256  # type: ignore[union-attr]
    assert schema.field_at(("training", "adapters", "knowledge", "lora_r")).ge == 1  # type: ignore[union-attr]
    assert schema.field_at(("training", "sources", 3, "path")).required  # type: ignore[union-attr]
    assert schema.field_at(("training", "target_modules", 0)).kind is schema.Kind.STR  # type: ignore[union-attr]
    assert schema.field_at(("training", "nope")) is None
    assert schema.field_at(("training", "sources", "x")) is None
    assert schema.field_at(("training", "dpo")) is None
    assert schema.field_at(("training", "dpo", "beta"), version=1) is not None
    top = [f.name for f in schema.children(())]
    assert top == ["dlm_id", "dlm_version", "base_model", "training", "export", "system_prompt"]
    assert "dpo" not in [f.name for f in schema.children(("training",))]
    assert "dpo" in [f.name for f in schema.children(("training",), version=1)]
    assert [f.name for f in schema.children(("training", "adapters", "x"))][:2] == ["adapter", "lora_r"]
    assert "path" in [f.name for f in schema.children(("training", "sources", 0))]
    assert schema.children(("training", "adapters")) == ()
    assert schema.children(("training", "lora_r")) == ()
    assert schema.enum_values(("training", "adapter")) == ("lora", "qlora", "dora")
    assert schema.enum_values(("training", "precision")) == ("bf16", "fp16", "fp32", "null")
    assert schema.enum_values(("training", "micro_batch_size")) == ("auto",)
    assert schema.enum_values(("training", "gate", "enabled")) == ("true", "false")
    assert schema.enum_values(("training", "lora_r")) == ()
    assert schema.defaults()["training"]["cpt"] == {"schedule": "auto", "embed_warmup_steps": 0}


def test_codes_are_documented() -> None:
    assert all(code.startswith("FM1") and title for code, title in CODES.items())
    # Each is also raised somewhere in the module (a catalogue entry with no check behind it is dead):
    # its quoted code appears in the table and at least once more.
    source = inspect.getsource(frontmatter)
    assert [code for code in CODES if source.count(f'"{code}"') < 2] == []


def test_aliased_long_lists_stay_fast() -> None:
    strings = ", ".join(f"m{i}" for i in range(3000))
    items = "".join("    - {path: x, include: *l}\n" for _ in range(3000))
    text = H + f"l: &l [{strings}]\ntraining:\n  sources:\n{items}"
    fm, elapsed = timed_parse(text)
    assert elapsed < 10.0  # a guard against quadratic blow-up (seconds-long), not a benchmark
    assert [p.data["path"] for p in fm.problems] == ["l"]
    bad = (
        H + "training:\n  sources:\n" + "".join("    - {path: x, include: [1, 2, 3]}\n" for _ in range(3000))
    )
    fm, elapsed = timed_parse(bad)
    assert elapsed < 10.0  # a guard against quadratic blow-up (seconds-long), not a benchmark
    assert not fm.ok and len(fm.problems) <= 500
