"""Starter templates for new `.dlm` documents, and the fresh `dlm_id` each new document gets.

The templates are data files next to this module: `NAME.dlm` (the document)
and `NAME.meta.yaml` (title, summary, DLM's recommended base, sample prompts:
the sidecar shape of DLM's gallery). They are DLM 0.10's starter gallery,
copied with attribution (NOTICE.md says what changed), plus `default`, the
document `dlm init` writes without `--template`.

`render` turns a template into a new document: the template's text with its
`dlm_id` replaced by a new ULID (so copies of a document never share a store)
and its `base_model` by the one asked for; everything else is kept byte for
byte. Pure Python (no torch, no LSP); reading never touches the store.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

DEFAULT_TEMPLATE = "default"
"""What `dlmls init` writes without `--template` (DLM's `dlm init` scaffold)."""
DEFAULT_BASE_MODEL = "smollm2-135m"
"""The base model a new document names unless told otherwise: the SmolLM2 model dlmls trains offline."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PLAIN_SCALAR_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:+@-]*$")
_YAML_WORDS = frozenset(("null", "true", "false", "yes", "no", "on", "off", "y", "n"))  # read as non-strings


class TemplateError(Exception):
    """A template that does not exist, or cannot be read or rendered."""


@dataclass(frozen=True, slots=True)
class Template:
    """One starter template: its document text and its sidecar's fields."""

    name: str
    text: str
    title: str
    summary: str
    recommended_base: str
    domain_tags: tuple[str, ...] = ()
    expected_steps: int | None = None
    expected_duration: dict[str, str] = field(default_factory=dict)
    sample_prompts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The sidecar as `dlm templates list --json` prints it (same keys)."""
        return {"name": self.name, "title": self.title, "domain_tags": list(self.domain_tags),
                "recommended_base": self.recommended_base, "expected_steps": self.expected_steps,
                "expected_duration": dict(self.expected_duration), "summary": self.summary,
                "sample_prompts": list(self.sample_prompts)}


def new_dlm_id(now_ms: int | None = None) -> str:
    """A new ULID (48-bit millisecond time, 80 random bits, Crockford base32): a fresh document identity."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    if not 0 <= ms < 1 << 48:
        raise ValueError(f"ULID time out of range: {ms}")
    value = (ms << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def _files() -> Any:
    return resources.files(__name__)


def names() -> list[str]:
    """Every template's name: `default` first, then the others sorted."""
    found = [p.name[:-4] for p in _files().iterdir()
             if p.name.endswith(".dlm") and _NAME_RE.match(p.name[:-4])]
    return sorted(found, key=lambda n: (n != DEFAULT_TEMPLATE, n))


def load(name: str) -> Template:
    """The template `name` (raises `TemplateError` naming the ones there are)."""
    import yaml

    if not _NAME_RE.match(name) or not _files().joinpath(f"{name}.dlm").is_file():
        raise TemplateError(f"no template named {name!r} (there are: {', '.join(names())})")
    try:
        text = _files().joinpath(f"{name}.dlm").read_text(encoding="utf-8")
        meta = yaml.safe_load(_files().joinpath(f"{name}.meta.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"template {name!r} cannot be read: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("name") != name:
        raise TemplateError(f"template {name!r}: its .meta.yaml must be a mapping with name: {name}")
    return Template(
        name=name, text=text, title=str(meta.get("title") or name),
        summary=" ".join(str(meta.get("summary") or "").split()),
        recommended_base=str(meta.get("recommended_base") or DEFAULT_BASE_MODEL),
        domain_tags=tuple(str(t) for t in meta.get("domain_tags") or ()),
        expected_steps=meta.get("expected_steps") if isinstance(meta.get("expected_steps"), int) else None,
        expected_duration={str(k): str(v) for k, v in (meta.get("expected_duration") or {}).items()},
        sample_prompts=tuple(str(p) for p in meta.get("sample_prompts") or ()),
    )


def all_templates() -> list[Template]:
    """Every template, in `names()` order."""
    return [load(n) for n in names()]


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly that string (quoted unless plainly safe)."""
    if _PLAIN_SCALAR_RE.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render(template: Template, dlm_id: str, base_model: str) -> str:
    """The template's text with `dlm_id` and `base_model` set (the frontmatter's top-level lines)."""
    text = template.text
    if not text.startswith("---\n"):
        raise TemplateError(f"template {template.name!r} does not start with a frontmatter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise TemplateError(f"template {template.name!r} has no closing frontmatter delimiter")
    front, body = text[:end + 1], text[end + 1:]
    for key, value in (("dlm_id", dlm_id), ("base_model", yaml_scalar(base_model))):
        front, count = re.subn(rf"^{key}:[^\n]*$", lambda _m, k=key, v=value: f"{k}: {v}", front,
                               count=1, flags=re.MULTILINE)
        if count != 1:
            raise TemplateError(f"template {template.name!r} has no top-level {key} line")
    return front + body
