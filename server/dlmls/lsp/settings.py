"""initialize (initializationOptions) and workspace/didChangeConfiguration: the server's settings.

Settings are one small frozen dataclass with defaults, validated once when
they arrive (as jedi-language-server does): a value of the wrong type is
reported with `window/showMessage` and replaced by its default, so a typo in
an editor config never stops the server. Both a flat object and one nested
under `"dlmls"` (what VS Code sends for a configuration section) are read.
The names are the VS Code extension's setting names without the `dlmls.`
prefix:

- `workerCommand` (string, shell-quoted, or array of strings; default: the
  `serve --worker-cmd` flag, else $DLMLS_WORKER_CMD, else this Python with
  `-m dlmls.worker`): how to start the training worker — another
  interpreter, a container, `ssh host python -m dlmls.worker`.
- `dlmHome` (string; default $DLM_HOME or ~/.dlm): the adapter store root.
- `allowDownload` (boolean, default false): let the worker fetch a missing
  base model from the Hugging Face Hub.
- `diagnosticsDelay` (milliseconds, 0-5000, default 0): quiet time after a
  change before diagnostics are recomputed; 0 publishes as soon as the
  server has caught up with the edits.
- `synthesis` (an object; VS Code's `dlmls.synthesis.*`; each key may also be
  sent flat as `"synthesis.teacher"`): the defaults of `dlmls.synthesize`
  for the options its caller leaves out (lsp/synthesis.py):
  `synthesis.teacher` (string, default `self`: the document's current
  adapter, else the base model; or `hf:ID`, or a model directory),
  `synthesis.strategy` (`extraction` (default), `expansion`, `both`),
  `synthesis.perSection` and `synthesis.maxPairs` (integers 0-1000 of
  accepted pairs per prose section / in all; default 0: the engine's
  choice), `synthesis.filter` (`sway` (default), `dedup-only`, `none`) and
  `synthesis.threshold` (minimum sway in nats/token, -100-100; default null:
  the engine's).

A configuration change overrides the settings it names and keeps the others
(a client may send initializationOptions and then an empty configuration). A
changed worker command takes effect when the next worker starts (an idle
worker is replaced before the next job).
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from dlmls.protocol import SynthOptions

if TYPE_CHECKING:
    from dlmls.lsp.context import ServerContext

log = logging.getLogger(__name__)

SECTION = "dlmls"
IGNORED = {"trace"}  # client-side settings that share the section (dlmls.trace.server)
GROUPS = ("synthesis",)  # nested objects whose keys are settings of their own ("synthesis.teacher")
STRATEGIES = ("extraction", "expansion", "both")
FILTERS = ("sway", "dedup-only", "none")
SYNTH = SynthOptions()  # the engine's defaults of the options that have one


@dataclass(frozen=True, slots=True)
class Settings:
    """The server's settings; every field has a default."""

    worker_command: tuple[str, ...] | None = None  # None: --worker-cmd / $DLMLS_WORKER_CMD / the default
    dlm_home: str | None = None
    allow_download: bool = False
    diagnostics_delay: float = 0.0  # seconds (the setting is in milliseconds)
    # dlmls.synthesize's defaults (None: the engine's)
    synth_teacher: str = SYNTH.teacher
    synth_strategy: str = SYNTH.strategy
    synth_per_section: int | None = None
    synth_max_pairs: int | None = None
    synth_filter: str = SYNTH.filter
    synth_threshold: float | None = None


NAMES = {"workerCommand": "worker_command", "dlmHome": "dlm_home", "allowDownload": "allow_download",
         "diagnosticsDelay": "diagnostics_delay",
         "synthesis.teacher": "synth_teacher", "synthesis.strategy": "synth_strategy",
         "synthesis.perSection": "synth_per_section", "synthesis.maxPairs": "synth_max_pairs",
         "synthesis.filter": "synth_filter", "synthesis.threshold": "synth_threshold"}


def _worker_command(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        try:
            parts = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot split it as a shell command ({exc})") from None
        return tuple(parts) or None
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return tuple(value)
    raise ValueError("expected a string or a list of strings")


def _dlm_home(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    raise ValueError("expected a string (a directory)")


def _allow_download(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def _diagnostics_delay(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 5000:
        return value / 1000
    raise ValueError("expected a number of milliseconds from 0 to 5000")


def _teacher(value: Any) -> str:
    if value is None or value == "":
        return SYNTH.teacher
    if isinstance(value, str):
        return value.strip() or SYNTH.teacher
    raise ValueError("expected a string: self, hf:ID or a model directory")


def _one_of(choices: tuple[str, ...], default: str) -> Any:
    def convert(value: Any) -> str:
        if value is None or value == "":
            return default
        if isinstance(value, str) and value in choices:
            return value
        raise ValueError(f"expected one of {', '.join(choices)}")
    return convert


def _pairs(value: Any) -> int | None:
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value) and 0 < value <= 1000:
        return int(value)
    raise ValueError("expected a whole number from 0 (the engine's choice) to 1000")


def _threshold(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and -100 <= value <= 100:
        return float(value)
    raise ValueError("expected a number from -100 to 100 (nats/token), or null")


CONVERTERS = {"worker_command": _worker_command, "dlm_home": _dlm_home, "allow_download": _allow_download,
              "diagnostics_delay": _diagnostics_delay, "synth_teacher": _teacher,
              "synth_strategy": _one_of(STRATEGIES, SYNTH.strategy), "synth_per_section": _pairs,
              "synth_max_pairs": _pairs, "synth_filter": _one_of(FILTERS, SYNTH.filter),
              "synth_threshold": _threshold}


def _flatten(raw: dict[str, Any]) -> dict[str, Any]:
    """`{"synthesis": {"teacher": …}}` as `{"synthesis.teacher": …}` (flat keys pass through)."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if key in GROUPS and isinstance(value, dict):
            flat.update({f"{key}.{inner}": v for inner, v in value.items()})
        else:
            flat[key] = value
    return flat


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """`base` (default: the defaults) with the values `raw` names, plus a message for every value ignored."""
    base = base or Settings()
    if raw is None:
        return base, []
    if not isinstance(raw, dict):
        return base, [f"settings must be an object, got {type(raw).__name__}; ignored"]
    if isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    values: dict[str, Any] = {}
    problems = []
    for key, value in _flatten(raw).items():
        name = NAMES.get(key)
        if name is None:
            if key not in IGNORED:
                log.info("ignoring unknown setting %r", key)
            continue
        try:
            values[name] = CONVERTERS[name](value)
        except ValueError as exc:
            problems.append(f"setting {SECTION}.{key} = {value!r}: {exc}; using the default")
    return replace(base, **values), problems


def describe(settings: Settings) -> str:
    """The settings as one log line."""
    return ", ".join(f"{f.name}={getattr(settings, f.name)!r}" for f in fields(settings))


def apply(server: ServerContext, raw: Any) -> Settings:
    """Validate `raw` over the current settings, store the result as `server.settings`, report ignored values."""
    settings, problems = parse_settings(raw, server.settings)
    server.settings = settings
    log.info("settings: %s", describe(settings))
    if problems:
        server.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning, message="dlmls: " + "; ".join(problems)))
    return settings


def register(server: ServerContext) -> None:
    """Read settings at initialize and whenever the client says they changed."""
    server.settings = Settings()

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        apply(server, params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        apply(server, params.settings)
