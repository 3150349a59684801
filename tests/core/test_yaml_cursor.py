"""The YAML path at a cursor, read from frontmatter text that is usually not
valid YAML yet. Each case is frontmatter lines with the cursor marked `$0`;
the expectation is (path, key or value position, replaced span, keys already
in that mapping), or None where nothing may be completed."""

from __future__ import annotations

import pytest
from dlmls.core.yaml_cursor import yaml_context


def check(source: str, expected):
    before, after = source.split("$0")
    lines = (before + after).split("\n")
    line = before.count("\n")
    col = len(before) - (before.rfind("\n") + 1)
    ctx = yaml_context(lines, line, col)
    got = None if ctx is None else (ctx.path, "value" if ctx.at_value else "key", (ctx.start, ctx.end),
                                    set(ctx.present))
    assert got == expected


CASES = {
    "root, empty line": ("dlm_id: x\n$0", ((), "key", (0, 0), {"dlm_id"})),
    "root, keys after too": ("$0\ntraining:\n  seed: 1\nexport: {}", ((), "key", (0, 0), {"training", "export"})),
    "partial key under a mapping": ("training:\n  seed: 3\n  lo$0\n  adapter: lora",
                                    (("training",), "key", (2, 4), {"seed", "adapter"})),
    "deeper lines of a sibling are skipped": (
        "training:\n  preference:\n    method: dpo\n  $0\n  seed: 1",
        (("training",), "key", (2, 2), {"preference", "seed"})),
    "nested mapping": ("training:\n  preference:\n    hyperparams:\n      beta: 0.1\n    $0",
                       (("training", "preference"), "key", (4, 4), {"hyperparams"})),
    "the word runs on past the cursor": ("training:\n  lo$0ra_r: 3", (("training",), "key", (2, 8), set())),
    "list item, indented dashes": ("training:\n  sources:\n    - path: a\n      in$0",
                                   (("training", "sources", 0), "key", (6, 8), {"path"})),
    "second list item, dashes at the key's column": (
        "training:\n  sources:\n  - path: a\n  - path: b\n    $0",
        (("training", "sources", 1), "key", (4, 4), {"path"})),
    "a new list item": ("training:\n  sources:\n  - path: a\n  - $0",
                        (("training", "sources", 1), "key", (4, 4), set())),
    "a bare dash, keys below": ("training:\n  sources:\n  -\n    path: x\n    $0",
                                (("training", "sources", 0), "key", (4, 4), {"path"})),
    "named adapter": ("training:\n  adapters:\n    knowledge:\n      lo$0",
                      (("training", "adapters", "knowledge"), "key", (6, 8), set())),
    "comments and blank lines are skipped": ("training:\n  # note\n\n  seed: 1\n  $0",
                                             (("training",), "key", (2, 2), {"seed"})),
    "quoted keys": ('"training":\n  \'seed\': 1\n  $0', (("training",), "key", (2, 2), {"seed"})),
    "value": ("training:\n  adapter: q$0", (("training", "adapter"), "value", (11, 12), set())),
    "value right after the colon": ("training:\n  adapter:$0", (("training", "adapter"), "value", (10, 10), set())),
    "value of a list item key": ("training:\n  sources:\n  - path: a\n    inc: x$0",
                                 (("training", "sources", 0, "inc"), "value", (9, 10), set())),
    "value with a colon in it": ("base_model: hf:org/na$0me", (("base_model",), "value", (12, 23), set())),
    "flow mapping key": ("training: {seed: 3, lo$0}", (("training",), "key", (20, 22), {"seed"})),
    "empty flow mapping": ("training: {$0}", (("training",), "key", (11, 11), set())),
    "nested flow value": ("training: {preference: {method: o$0",
                          (("training", "preference", "method"), "value", (32, 33), set())),
    "flow list item": ("training: {target_modules: [q, $0", (("training", "target_modules", 1), "value", (31, 31),
                                                              set())),
    "flow list in a list item": ("training:\n  sources:\n  - {path: a, in$0",
                                 (("training", "sources", 0), "key", (14, 16), {"path"})),
    # Nothing to complete:
    "after a closed flow mapping": ("training: {}$0", None),
    "inside a quoted string": ('training: {adapter: "lo$0', None),
    "block scalar content": ("system_prompt: |\n  hello\n  wo$0", None),
    "free text value": ("system_prompt: be brie$0", None),
    "value glued to the colon": ("training:\n  adapter:q$0", None),
    "text after the cursor behind a bare colon": ("training:\n  adapter:$0 lora", None),
    "comment": ("training:\n  # lo$0", None),
    "under a scalar line": ("training:\n  just text\n    $0", None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_yaml_context(name: str):
    check(*CASES[name])


def test_indent_and_colon_follow():
    ctx = yaml_context(["training:", "  preference:", "    lo: 1"], 2, 6)
    assert (ctx.indent, ctx.colon_follows, ctx.flow) == (4, True, False)
    flow = yaml_context(["training: {a: 1, b"], 0, 19)
    assert flow.flow and not flow.colon_follows


def test_absurd_nesting_gives_up_quietly():
    lines = [" " * i + f"k{i}:" for i in range(3000)] + [" " * 3000 + "x"]
    assert yaml_context(lines, len(lines) - 1, 3001) is None  # deeper than any schema path: no RecursionError
    shallow = yaml_context(lines[:5] + [" " * 5 + "x"], 5, 6)
    assert shallow.path == ("k0", "k1", "k2", "k3", "k4")
