"""The frontmatter schema of a `.dlm` document, as one declarative table.

DLM describes its frontmatter with pydantic models (`dlm/doc/schema.py`,
schema version 15). This module restates that shape as plain data so that
one table can drive validation (`frontmatter.py`), hover (each field's
`doc`) and completion (`children`, `enum_values`) without importing
pydantic or DLM. Every limit, default and allowed value here must match
DLM exactly; `tests/core/test_schema_differential.py` checks that against
DLM's own validator.

Paths are tuples of keys from the top of the frontmatter, e.g.
`("training", "lora_r")`. Inside `training.adapters` any adapter name may
stand at the name level, and inside `training.sources` any integer index
stands at the item level: `("training", "adapters", "knowledge", "lora_r")`,
`("training", "sources", 0, "path")`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

CURRENT_SCHEMA_VERSION: Final[int] = 15
"""The schema version DLM 0.10 implements; newer documents are refused."""

ULID_PATTERN: Final[str] = r"^[0-9A-HJ-KM-NP-TV-Z]{26}$"
ADAPTER_NAME_PATTERN: Final[str] = r"^[a-z][a-z0-9_]{0,31}$"
ULID_RE: Final[re.Pattern[str]] = re.compile(ULID_PATTERN)
ADAPTER_NAME_RE: Final[re.Pattern[str]] = re.compile(ADAPTER_NAME_PATTERN)


class Kind(StrEnum):
    """How a value is validated (mirrors the pydantic type DLM declares)."""

    STR = "str"  # `str` (lax: also UTF-8 bytes, e.g. from `!!binary`)
    INT = "int"  # `int` (lax: integral floats, bools, numeric strings)
    FLOAT = "float"  # `float` (lax: ints, bools, numeric strings such as "2e-4")
    BOOL = "bool"  # `bool` (lax: 0/1, "yes"/"no", "on"/"off", ...)
    ENUM = "enum"  # `Literal[...]` of strings, exact match only
    MODEL = "model"  # a mapping with a fixed set of keys (unknown keys rejected)
    MAP = "map"  # `dict[str, <item>]` (the `adapters` map)
    LIST = "list"  # `list`/`tuple` of <item>
    AUTO_OR_INT = "auto_or_int"  # `Literal["auto"] | int`, int must be >= 1
    AUTO_OR_LIST = "auto_or_list"  # `Literal["auto"] | list[str]`


_REQUIRED: Final = object()


@dataclass(frozen=True, slots=True, eq=False)
class FieldSpec:
    """One key of the frontmatter: its type, limits, default and meaning."""

    name: str
    kind: Kind
    type: str  # human-readable type, e.g. "integer 1..256"
    doc: str = field(repr=False)  # one paragraph for the writer (hover text)
    default: Any = None  # ignored for MODEL (built from `fields`) and when `required`
    required: bool = False
    nullable: bool = False  # `X | None`: YAML `null` (or an empty value) is allowed
    enum: tuple[str, ...] = ()  # ENUM values; also the `"auto"` of the AUTO_* kinds
    ge: int | float | None = None
    gt: int | float | None = None
    le: int | float | None = None
    min_length: int | None = None
    pattern: str | None = None  # regex a STR value must match (after the type check)
    fields: tuple[FieldSpec, ...] = field(default=(), repr=False)  # MODEL: its keys, in DLM's order
    item: FieldSpec | None = None  # LIST / MAP / AUTO_OR_LIST: the element spec
    key_pattern: str | None = None  # MAP: regex every key must match
    since: int = 1  # schema version that introduced the key (informational)
    legacy: bool = False  # only meaningful in dlm_version 1 documents (`training.dpo`)
    _by_name: dict[str, FieldSpec] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    def child(self, name: str) -> FieldSpec | None:
        """The child key `name` of a MODEL spec, or None."""
        return self._by_name.get(name)

    @property
    def field_names(self) -> frozenset[str]:
        """Names of the keys a MODEL spec allows (legacy keys included)."""
        return frozenset(self._by_name)

    def default_value(self) -> Any:
        """A fresh copy of the default, as plain Python data (dicts/lists)."""
        if self.kind is Kind.MODEL:
            return {f.name: f.default_value() for f in self.fields if not f.legacy}
        if isinstance(self.default, (list, tuple)):
            return list(self.default)
        return self.default

    @property
    def constraint_text(self) -> str:
        """The numeric / length limits in words, e.g. ">= 1 and <= 256"."""
        parts = []
        if self.gt is not None:
            parts.append(f"> {self.gt}")
        if self.ge is not None:
            parts.append(f">= {self.ge}")
        if self.le is not None:
            parts.append(f"<= {self.le}")
        if self.min_length:
            parts.append(f"at least {self.min_length} character" + ("s" if self.min_length > 1 else ""))
        return " and ".join(parts)


def _f(name: str, kind: Kind, type_: str, doc: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, kind, type_, " ".join(doc.split()), **kw)


_ADAPTER_KINDS = ("lora", "qlora", "dora")

_ADAPTER_DOC = """Which adapter to train: `lora` (plain low-rank adaptation), `qlora`
(LoRA over a 4-bit NF4-quantized base: far less memory, but needs CUDA with
bitsandbytes; DLM refuses it on Apple MPS, CPU and ROCm) or `dora`
(weight-decomposed LoRA: a magnitude vector plus the usual low-rank direction,
often better quality for roughly 10% more training time)."""
_LORA_R_DOC = """LoRA rank: the inner dimension of the low-rank update matrices.
Higher ranks can learn more but make the adapter larger and slower to train;
4-16 suits most documents."""
_LORA_ALPHA_DOC = """LoRA scaling numerator: updates are scaled by `lora_alpha / lora_r`.
Commonly set to twice the rank."""
_LORA_DROPOUT_DOC = """Dropout probability applied inside the LoRA layers during training
(regularisation against over-fitting on small documents)."""
_TARGET_MODULES_DOC = """Which modules of the base model get LoRA weights: `auto` (the default)
means the projection layers DLM's model registry lists for the base model;
otherwise a list of module names (e.g. `[q_proj, v_proj]`). Note that DLM 0.10
validates a list here but its trainer still uses the registry's modules."""
_LEARNING_RATE_DOC = """Peak learning rate of the optimizer (the scheduler warms up to it and
then decays). LoRA usually wants 1e-4 to 3e-4. Must be greater than 0."""

_ADAPTER_FIELDS = (
    _f("adapter", Kind.ENUM, "lora | qlora | dora", _ADAPTER_DOC, default="lora", enum=_ADAPTER_KINDS),
    _f("lora_r", Kind.INT, "integer 1..256", _LORA_R_DOC, default=8, ge=1, le=256),
    _f("lora_alpha", Kind.INT, "integer >= 1", _LORA_ALPHA_DOC, default=16, ge=1),
    _f("lora_dropout", Kind.FLOAT, "number 0..0.5", _LORA_DROPOUT_DOC, default=0.05, ge=0.0, le=0.5),
    _f(
        "target_modules",
        Kind.AUTO_OR_LIST,
        '"auto" or list of module names',
        _TARGET_MODULES_DOC,
        default="auto",
        enum=("auto",),
        item=_f("", Kind.STR, "string", "A module name of the base model, e.g. `q_proj`."),
    ),
)

ADAPTER_CONFIG: Final[FieldSpec] = _f(
    "<name>",
    Kind.MODEL,
    "adapter settings",
    """One named adapter. Only the per-adapter LoRA knobs and its learning rate
    live here; run-wide settings (sequence_len, num_epochs, seed, optimizer,
    lr_scheduler, warmup_ratio, micro_batch_size, grad_accum) stay at the
    `training` level. Route sections to it with `::prose#<name>::` style fences.""",
    fields=(
        *_ADAPTER_FIELDS,
        _f(
            "learning_rate",
            Kind.FLOAT,
            "number > 0",
            "Peak learning rate for this adapter. Must be greater than 0.",
            default=2e-4,
            gt=0.0,
        ),
    ),
    since=4,
)

SOURCE_DIRECTIVE: Final[FieldSpec] = _f(
    "<item>",
    Kind.MODEL,
    "source directive",
    """One directory or file whose contents DLM ingests as extra prose sections
    at training time (binary and non-UTF-8 files are skipped with a warning).
    Needs `path`; `include`/`exclude` filter the files found under it.""",
    fields=(
        _f(
            "path",
            Kind.STR,
            "non-empty string",
            """File or directory to ingest. Relative paths are resolved against the
            `.dlm` file's folder and `~` expands to your home directory. With
            `sources_policy: strict` the resolved path (symlinks followed) must stay
            inside the `.dlm` file's folder.""",
            required=True,
            min_length=1,
        ),
        _f(
            "include",
            Kind.LIST,
            "list of glob patterns",
            """POSIX glob patterns, relative to `path`, of the files to take. Default
            `["**/*"]`: every file.""",
            default=("**/*",),
            item=_f("", Kind.STR, "string", "A glob pattern relative to the source path, e.g. `**/*.md`."),
        ),
        _f(
            "exclude",
            Kind.LIST,
            "list of glob patterns",
            """POSIX glob patterns, relative to `path`, of files to skip even when
            `include` matches them. Default: none.""",
            default=(),
            item=_f("", Kind.STR, "string", "A glob pattern relative to the source path, e.g. `**/test_*`."),
        ),
        _f(
            "max_bytes_per_file",
            Kind.INT,
            "integer >= 1 or null",
            "Skip files larger than this many bytes. `null` (default): no per-file cap.",
            nullable=True,
            ge=1,
        ),
        _f(
            "max_files",
            Kind.INT,
            "integer >= 1 or null",
            "Take at most this many files from this source. `null` (default): no cap.",
            nullable=True,
            ge=1,
        ),
    ),
    since=6,
)

_PREFERENCE_HYPERPARAMS = _f(
    "hyperparams",
    Kind.MODEL,
    "mapping",
    """Hyperparameters of the preference phase. `beta` is read by DPO, `alpha` by
    ORPO; both may stay set so switching `method` needs no edits.""",
    fields=(
        _f(
            "beta",
            Kind.FLOAT,
            "number 0..1",
            """DPO temperature: how strongly the policy is kept close to the reference
            model (higher = stays closer). Ignored by ORPO.""",
            default=0.1,
            ge=0.0,
            le=1.0,
        ),
        _f(
            "alpha",
            Kind.FLOAT,
            "number 0..1",
            "ORPO weight of the odds-ratio preference term against the SFT loss. Ignored by DPO.",
            default=0.1,
            ge=0.0,
            le=1.0,
        ),
        _f(
            "learning_rate",
            Kind.FLOAT,
            "number > 0",
            """Learning rate of the preference phase (much lower than SFT's; the
            default is 5e-6). Must be greater than 0.""",
            default=5e-6,
            gt=0.0,
        ),
        _f(
            "num_epochs",
            Kind.INT,
            "integer >= 1",
            "Epochs of the preference phase over the document's preference sections.",
            default=1,
            ge=1,
        ),
    ),
    since=2,
)

_PREFERENCE = _f(
    "preference",
    Kind.MODEL,
    "mapping",
    """Preference-tuning phase (DPO or ORPO) run after supervised training on the
    document's `::preference::` sections. Replaces the v1 `training.dpo` block.""",
    fields=(
        _f(
            "enabled",
            Kind.BOOL,
            "boolean",
            """Run the preference phase. DLM turns it on by itself when the document
            has `::preference::` sections, unless you set `false` explicitly.""",
            default=False,
        ),
        _f(
            "method",
            Kind.ENUM,
            "dpo | orpo",
            """`dpo` (Direct Preference Optimization against a frozen reference model)
            or `orpo` (Odds-Ratio Preference Optimization, no reference model).""",
            default="dpo",
            enum=("dpo", "orpo"),
        ),
        _PREFERENCE_HYPERPARAMS,
        _f(
            "loss_type",
            Kind.ENUM,
            "sigmoid | hinge | ipo",
            "DPO loss variant: `sigmoid` (standard DPO), `hinge` or `ipo`. Ignored by ORPO.",
            default="sigmoid",
            enum=("sigmoid", "hinge", "ipo"),
        ),
        _f(
            "reference",
            Kind.ENUM,
            "base | pre_adapter",
            """DPO reference model: `pre_adapter` (the adapter as it was after
            supervised training, frozen) or `base` (the bare base model). Ignored by
            ORPO.""",
            default="pre_adapter",
            enum=("base", "pre_adapter"),
        ),
    ),
    since=2,
)

# Only read in dlm_version 1 documents: the v1->v2 migration turns it into
# `preference`; any other key inside it is silently dropped by DLM.
_LEGACY_DPO = _f(
    "dpo",
    Kind.MODEL,
    "mapping (schema v1 only)",
    """Schema v1 spelling of `training.preference` (DPO only). DLM migrates it when
    it reads a version-1 document: `enabled`, `loss_type` and `reference` move to
    `preference` (`pre_dpo_adapter` becomes `pre_adapter`), `beta`,
    `learning_rate` and `num_epochs` move to `preference.hyperparams`, and
    `method` becomes `dpo`. Other keys in it are dropped. Not allowed in
    documents with `dlm_version` 2 or later.""",
    fields=(
        _f(
            "enabled",
            Kind.BOOL,
            "boolean",
            "Run the DPO phase (becomes `preference.enabled`).",
            default=False,
        ),
        _f(
            "beta",
            Kind.FLOAT,
            "number 0..1",
            "DPO temperature (becomes `preference.hyperparams.beta`).",
            default=0.1,
            ge=0.0,
            le=1.0,
        ),
        _f(
            "learning_rate",
            Kind.FLOAT,
            "number > 0",
            "DPO learning rate (becomes `preference.hyperparams.learning_rate`).",
            default=5e-6,
            gt=0.0,
        ),
        _f(
            "num_epochs",
            Kind.INT,
            "integer >= 1",
            "DPO epochs (becomes `preference.hyperparams.num_epochs`).",
            default=1,
            ge=1,
        ),
        _f(
            "loss_type",
            Kind.ENUM,
            "sigmoid | hinge | ipo",
            "DPO loss variant (becomes `preference.loss_type`).",
            default="sigmoid",
            enum=("sigmoid", "hinge", "ipo"),
        ),
        _f(
            "reference",
            Kind.ENUM,
            "pre_dpo_adapter | base | pre_adapter",
            "DPO reference model (becomes `preference.reference`; "
            "`pre_dpo_adapter` is renamed `pre_adapter`).",
            default="pre_dpo_adapter",
            enum=("pre_dpo_adapter", "base", "pre_adapter"),
        ),
    ),
    legacy=True,
)

_CPT = _f(
    "cpt",
    Kind.MODEL,
    "mapping",
    "Continued-pretraining refinements for prose-heavy documents.",
    fields=(
        _f(
            "schedule",
            Kind.ENUM,
            "auto | dapt | sft",
            """Learning-rate curve for continued pretraining. `auto` picks the DAPT
            (domain-adaptive pretraining) curve when prose rows make up more than 70%
            of the training rows and the SFT default otherwise; `dapt` forces the DAPT
            curve; `sft` always uses the SFT curve.""",
            default="auto",
            enum=("auto", "dapt", "sft"),
        ),
        _f(
            "embed_warmup_steps",
            Kind.INT,
            "integer >= 0",
            """For the first N steps also train the token embeddings and LM head
            (useful for new vocabulary). Any value above 0 adds
            `vocab_size x hidden_dim` weights to the saved adapter, so DLM warns
            loudly. 0 (default): off.""",
            default=0,
            ge=0,
        ),
    ),
    since=3,
)

_GATE = _f(
    "gate",
    Kind.MODEL,
    "mapping",
    """Learned adapter gate: a small router network, trained after SFT, that mixes
    the document's named `adapters` per prompt.""",
    fields=(
        _f(
            "enabled",
            Kind.BOOL,
            "boolean",
            """Train the gate. Requires `training.adapters` with two or more named
            adapters (a gate over one adapter has nothing to route between).""",
            default=False,
        ),
        _f(
            "hidden_proj_dim",
            Kind.INT,
            "integer 8..2048",
            "Width of the gate's hidden projection layer.",
            default=64,
            ge=8,
            le=2048,
        ),
        _f(
            "steps", Kind.INT, "integer 1..10000", "Training steps for the gate.", default=200, ge=1, le=10000
        ),
        _f(
            "lr",
            Kind.FLOAT,
            "number > 0 and <= 1",
            "Learning rate of the gate.",
            default=3e-4,
            gt=0.0,
            le=1.0,
        ),
        _f(
            "cold_start_floor",
            Kind.INT,
            "integer 1..1024",
            """Minimum number of sections per adapter needed to train the gate; below
            it DLM skips gate training and uses uniform weights (a tiny router
            overfits small corpora).""",
            default=4,
            ge=1,
            le=1024,
        ),
        _f(
            "entropy_lambda",
            Kind.FLOAT,
            "number 0..1",
            """Weight of the entropy regulariser on the gate loss: higher values stop
            one adapter from taking all the weight, lower ones let the gate commit
            harder when the data justifies it.""",
            default=0.01,
            ge=0.0,
            le=1.0,
        ),
    ),
    since=8,
)

_CACHE = _f(
    "cache",
    Kind.MODEL,
    "mapping",
    """Tokenized-section cache (`~/.dlm/store/<dlm_id>/tokenized-cache/`), which
    trades disk space for tokenization time on runs that ingest `sources`.""",
    fields=(
        _f("enabled", Kind.BOOL, "boolean", "Use the tokenized-section cache.", default=True),
        _f(
            "max_bytes",
            Kind.INT,
            "integer >= 1",
            "Disk ceiling of this document's cache in bytes. Default 10 GiB (10737418240).",
            default=10 * 1024 * 1024 * 1024,
            ge=1,
        ),
        _f(
            "prune_older_than_days",
            Kind.INT,
            "integer >= 1",
            """Retention window used by `dlm cache prune` when no `--older-than` is
            given: entries older than this many days are removed.""",
            default=90,
            ge=1,
        ),
    ),
    since=9,
)

_AUDIO = _f(
    "audio",
    Kind.MODEL,
    "mapping",
    "Audio-pipeline settings; only read when the base model is an audio-language model.",
    fields=(
        _f(
            "auto_resample",
            Kind.BOOL,
            "boolean",
            """Resample audio files whose sample rate differs from the rate the base
            model expects (e.g. a 48 kHz clip for a 16 kHz model). `false` (default):
            such files are refused.""",
            default=False,
        ),
    ),
    since=12,
)

_TRAINING = _f(
    "training",
    Kind.MODEL,
    "mapping",
    """Training-time settings. Every key is optional; `auto` values are resolved
    by DLM's hardware doctor for the machine that trains.""",
    fields=(
        *_ADAPTER_FIELDS,
        _f(
            "sequence_len",
            Kind.INT,
            "integer 64..32768",
            """Maximum length in tokens of one training example; longer rows are
            truncated. Also part of the tokenized-cache key, and caps the context
            window of exports.""",
            default=2048,
            ge=64,
            le=32768,
        ),
        _f(
            "micro_batch_size",
            Kind.AUTO_OR_INT,
            '"auto" or integer >= 1',
            """Examples per device per optimizer micro-step. `auto` starts at 1 and
            grows (2, 4, 8, 16) while the memory estimate fits the machine.""",
            default="auto",
            enum=("auto",),
            ge=1,
        ),
        _f(
            "grad_accum",
            Kind.AUTO_OR_INT,
            '"auto" or integer >= 1',
            """Gradient-accumulation steps per optimizer step. `auto` picks enough to
            reach an effective batch of 8 (`micro_batch_size x grad_accum`).""",
            default="auto",
            enum=("auto",),
            ge=1,
        ),
        _f("learning_rate", Kind.FLOAT, "number > 0", _LEARNING_RATE_DOC, default=2e-4, gt=0.0),
        _f(
            "num_epochs",
            Kind.INT,
            "integer >= 1",
            "Passes over the training data in the supervised phase.",
            default=3,
            ge=1,
        ),
        _f(
            "optimizer",
            Kind.ENUM,
            "adamw_torch | adamw_bnb_8bit | paged_adamw_8bit | galore_adamw | galore_adamw_8bit",
            """Optimizer: `adamw_torch` (PyTorch AdamW), `adamw_bnb_8bit` or
            `paged_adamw_8bit` (bitsandbytes 8-bit Adam: much smaller optimizer
            state), `galore_adamw` or `galore_adamw_8bit` (GaLore gradient
            projection; the plan warns on bases under 1B parameters, where it
            rarely helps).""",
            default="adamw_torch",
            enum=("adamw_torch", "adamw_bnb_8bit", "paged_adamw_8bit", "galore_adamw", "galore_adamw_8bit"),
        ),
        _f(
            "lr_scheduler",
            Kind.ENUM,
            "cosine | linear | constant",
            "Learning-rate schedule after warm-up: `cosine` decay, `linear` decay or `constant`.",
            default="cosine",
            enum=("cosine", "linear", "constant"),
        ),
        _f(
            "warmup_ratio",
            Kind.FLOAT,
            "number 0..0.5",
            "Fraction of the training steps spent warming the learning rate up from 0.",
            default=0.1,
            ge=0.0,
            le=0.5,
        ),
        _f(
            "precision",
            Kind.ENUM,
            "bf16 | fp16 | fp32 | null",
            """Override the training precision. `null` (default) lets the planner pick:
            bf16 on Ampere or newer CUDA GPUs, fp16 on older CUDA, fp32 on Apple MPS
            (fp16 on MPS can produce NaN adapters on small datasets; opt in here only
            if you need the memory).""",
            nullable=True,
            enum=("bf16", "fp16", "fp32"),
            since=5,
        ),
        _f(
            "seed",
            Kind.INT,
            "integer",
            "Random seed for training and data shuffling; the same seed and document reproduce a run.",
            default=42,
        ),
        _PREFERENCE,
        _LEGACY_DPO,
        _CPT,
        _GATE,
        _CACHE,
        _AUDIO,
        _f(
            "adapters",
            Kind.MAP,
            "map of adapter name -> adapter settings, or null",
            """Named adapters for multi-adapter documents: each key (lowercase letter,
            then lowercase letters, digits or `_`, at most 32 characters) names one
            adapter with its own LoRA settings; fences such as `::prose#name::` route
            sections to it. Once this is set, the flat `adapter`, `lora_r`,
            `lora_alpha`, `lora_dropout`, `target_modules` and `learning_rate` keys
            must stay at their defaults. Omit it (or `null`) for the single-adapter
            shorthand; an empty map is an error.""",
            nullable=True,
            item=ADAPTER_CONFIG,
            key_pattern=ADAPTER_NAME_PATTERN,
            since=4,
        ),
        _f(
            "sources",
            Kind.LIST,
            "list of source directives, or null",
            """Files and directories to ingest as extra prose sections at training time,
            so the document can train on content stored elsewhere. `null` (default)
            or an empty list: the document is self-contained.""",
            nullable=True,
            item=SOURCE_DIRECTIVE,
            since=6,
        ),
        _f(
            "sources_policy",
            Kind.ENUM,
            "permissive | strict",
            """`permissive` (default): `sources` paths may point anywhere on disk.
            `strict`: they must resolve inside the `.dlm` file's folder, so training
            content stays project-local wherever the file is moved.""",
            default="permissive",
            enum=("permissive", "strict"),
            since=6,
        ),
    ),
)

_EXPORT = _f(
    "export",
    Kind.MODEL,
    "mapping",
    "Defaults for `dlm export` (GGUF quantization and Ollama sampling parameters).",
    fields=(
        _f(
            "default_quant",
            Kind.ENUM,
            "Q4_K_M | Q5_K_M | Q6_K | Q8_0",
            """GGUF quantization used when `dlm export` gets no `--quant`: `Q4_K_M`
            (smallest), `Q5_K_M`, `Q6_K`, `Q8_0` (closest to full precision).""",
            default="Q4_K_M",
            enum=("Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"),
        ),
        _f(
            "default_temperature",
            Kind.FLOAT,
            "number > 0 and <= 2, or null",
            """Sampling temperature written into the Ollama Modelfile
            (`PARAMETER temperature`), e.g. 0.2 for Q&A, 0.9 for creative text.
            `null` (default) keeps the chat template's default.""",
            nullable=True,
            gt=0.0,
            le=2.0,
        ),
        _f(
            "default_top_p",
            Kind.FLOAT,
            "number > 0 and <= 1, or null",
            """Nucleus-sampling `top_p` written into the Ollama Modelfile
            (`PARAMETER top_p`). `null` (default) keeps the chat template's default.""",
            nullable=True,
            gt=0.0,
            le=1.0,
        ),
    ),
)

ROOT: Final[FieldSpec] = _f(
    "",
    Kind.MODEL,
    "frontmatter",
    "The YAML frontmatter of a `.dlm` document.",
    fields=(
        _f(
            "dlm_id",
            Kind.STR,
            "ULID (26 characters)",
            """The document's permanent identity: a 26-character ULID in Crockford
            base32 (digits and uppercase letters except I, L, O, U), assigned by
            `dlm init`. DLM keys the document's store on it
            (`~/.dlm/store/<dlm_id>/` holds adapters, caches and exports), so never
            edit it or copy it into another document.""",
            required=True,
            pattern=ULID_PATTERN,
        ),
        _f(
            "dlm_version",
            Kind.INT,
            "integer 1..15",
            """Frontmatter schema version the document is written for; absent means
            1. Older versions are upgraded in memory when the file is read
            (`dlm migrate` rewrites the file); only v1 -> v2 changes data
            (`training.dpo` becomes `training.preference`). Versions above 15 are
            refused: upgrade DLM. Must be a plain integer (not `"15"` or `true`).""",
            default=CURRENT_SCHEMA_VERSION,
            ge=1,
            le=CURRENT_SCHEMA_VERSION,
        ),
        _f(
            "base_model",
            Kind.STR,
            "non-empty string",
            """The base model to fine-tune: a key of DLM's model registry (e.g.
            `smollm2-135m`, `qwen2.5-1.5b`) or `hf:org/name` for any Hugging Face
            repository. The parser only checks that it is non-empty; the registry
            resolves it when training or exporting.""",
            required=True,
            min_length=1,
        ),
        _TRAINING,
        _EXPORT,
        _f(
            "system_prompt",
            Kind.STR,
            "string or null",
            """Optional system prompt for the trained model (a string, or `null` for
            none). DLM 0.10 validates it and keeps it when rewriting the file, but
            `dlm export` does not yet pass it into the Ollama Modelfile's `SYSTEM`
            line.""",
            nullable=True,
        ),
    ),
)

# Flat per-adapter keys that must stay at their defaults once `adapters` is set
# (DLM's `_flat_and_named_are_mutually_exclusive`), in DLM's order.
FLAT_ADAPTER_KEYS: Final[tuple[str, ...]] = (
    "adapter",
    "lora_r",
    "lora_alpha",
    "lora_dropout",
    "target_modules",
    "learning_rate",
)

# v1 `training.dpo` keys the migration carries over, and where they land.
DPO_MIGRATION: Final[dict[str, tuple[str, ...]]] = {
    "enabled": ("enabled",),
    "beta": ("hyperparams", "beta"),
    "learning_rate": ("hyperparams", "learning_rate"),
    "num_epochs": ("hyperparams", "num_epochs"),
    "loss_type": ("loss_type",),
    "reference": ("reference",),
}


def _visible(spec: FieldSpec, version: int) -> bool:
    return not spec.legacy or version == 1


def field_at(path: tuple[str | int, ...], *, version: int = CURRENT_SCHEMA_VERSION) -> FieldSpec | None:
    """The spec of the key at `path`, or None when no such key is allowed.

    `version` is the document's written `dlm_version` (1 when absent): only a
    version-1 document may use the legacy `training.dpo` block.
    """
    spec = ROOT
    for part in path:
        if spec.kind is Kind.MODEL:
            if not isinstance(part, str):
                return None
            child = spec.child(part)
            if child is None or not _visible(child, version):
                return None
            spec = child
        elif spec.kind is Kind.MAP:
            if not isinstance(part, str) or spec.item is None:
                return None
            spec = spec.item
        elif spec.kind in (Kind.LIST, Kind.AUTO_OR_LIST):
            if not isinstance(part, int) or isinstance(part, bool) or spec.item is None:
                return None
            spec = spec.item
        else:
            return None
    return spec


def children(path: tuple[str | int, ...], *, version: int = CURRENT_SCHEMA_VERSION) -> tuple[FieldSpec, ...]:
    """The keys allowed in the mapping at `path` (empty when it is not a fixed-key mapping).

    `("training", "adapters", "<any name>")` gives the per-adapter keys and
    `("training", "sources", <any int>)` the source-directive keys. The
    `adapters` map itself takes free names, so it has no fixed children.
    """
    spec = field_at(path, version=version)
    if spec is None or spec.kind is not Kind.MODEL:
        return ()
    return tuple(f for f in spec.fields if _visible(f, version))


def enum_values(path: tuple[str | int, ...], *, version: int = CURRENT_SCHEMA_VERSION) -> tuple[str, ...]:
    """YAML spellings a completion may offer for the value at `path`.

    Enumerations give their values (plus `null` when nullable), the
    `"auto"`-or-number fields give `auto`, booleans `true`/`false`.
    """
    spec = field_at(path, version=version)
    if spec is None:
        return ()
    if spec.kind in (Kind.ENUM, Kind.AUTO_OR_INT, Kind.AUTO_OR_LIST):
        values = spec.enum
    elif spec.kind is Kind.BOOL:
        values = ("true", "false")
    else:
        values = ()
    if spec.nullable and values:
        values = (*values, "null")
    return values


def iter_fields(
    spec: FieldSpec = ROOT, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], FieldSpec]]:
    """Every key of the schema with its path; `<name>` and `[]` stand for map keys and list items."""
    for child in spec.fields:
        path = (*prefix, child.name)
        yield path, child
        if child.kind is Kind.MODEL:
            yield from iter_fields(child, path)
        elif child.kind is Kind.MAP and child.item is not None:
            yield from iter_fields(child.item, (*path, "<name>"))
        elif child.kind is Kind.LIST and child.item is not None and child.item.kind is Kind.MODEL:
            yield from iter_fields(child.item, (*path, "[]"))


def defaults() -> dict[str, Any]:
    """The frontmatter DLM would use if every optional key were absent (required keys are None)."""
    return ROOT.default_value()
