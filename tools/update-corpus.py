#!/usr/bin/env python3
"""Show, and on request rewrite, the expected trees of grammar/test/corpus.

The corpus uses tree-sitter's suffixed separators (`====...|||` / `---|||`)
because frontmatter inputs contain `---` lines, and it holds CRLF, lone-CR
and BOM inputs byte for byte. `tree-sitter test -u` rewrites the files
without the suffixes, which breaks them; use this instead:

    .venv/bin/python tools/update-corpus.py            # list tests whose tree changed, with diffs
    .venv/bin/python tools/update-corpus.py --write    # rewrite those trees in place

It parses each input with the installed Python binding (`tree_sitter_dlm`;
rebuild it with `pip install -e .` after changing the grammar). Read every
changed tree against DLM's rules before writing it: the corpus records what
DLM does, not what the parser happens to do.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

import tree_sitter
import tree_sitter_dlm

CORPUS = Path(__file__).resolve().parents[1] / "grammar" / "test" / "corpus"
TEST = re.compile(
    rb"(?P<header>^=+\|\|\|\r?\n(?P<name>[^\r\n]*)\r?\n=+\|\|\|\r?\n)"
    rb"(?P<input>.*?)^---\|\|\|\r?\n(?P<tree>.*?)(?=^=+\|\|\|\r?\n|\Z)",
    re.M | re.S,
)


def render(node: tree_sitter.Node, indent: int = 0, field: str | None = None) -> str:
    text = "  " * indent + (f"{field}: " if field else "") + "(" + node.type
    for i, child in enumerate(node.children):
        if child.is_named:
            text += "\n" + render(child, indent + 1, node.field_name_for_child(i))
    return text + ")"


def tree_sitter_input(raw: bytes) -> bytes:
    """The input `tree-sitter test` feeds the parser: one trailing newline dropped."""
    raw = raw[:-1] if raw.endswith(b"\n") else raw
    return raw[:-1] if raw.endswith(b"\r") else raw


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--write", action="store_true", help="rewrite changed trees in place")
    opts = args.parse_args()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_dlm.language()))
    changed = 0
    for path in sorted(CORPUS.glob("*.txt")):
        data = path.read_bytes()
        out, pos = [], 0
        for m in TEST.finditer(data):
            out.append(data[pos:m.start("tree")])
            old = m.group("tree").decode()
            new = "\n" + render(parser.parse(tree_sitter_input(m.group("input"))).root_node) + "\n"
            if " ".join(old.split()) != " ".join(new.split()):
                changed += 1
                name = m.group("name").decode()
                print(f"{path.name}: {name}")
                sys.stdout.writelines(difflib.unified_diff(
                    old.strip().splitlines(True), new.strip().splitlines(True), "expected", "actual"))
                print()
                out.append(new.encode() + (b"\n" if m.end() < len(data) else b""))
            else:
                out.append(m.group("tree"))
            pos = m.end()
        out.append(data[pos:])
        if opts.write:
            path.write_bytes(b"".join(out))
    print(f"{changed} tree(s) differ" + (" (rewritten)" if opts.write and changed else ""))
    return 1 if changed and not opts.write else 0


if __name__ == "__main__":
    sys.exit(main())
