"""The pure core: bytes → tree-sitter tree → document model → problems.

Nothing in this package imports pygls, lsprotocol or torch, and nothing in it
raises on bad input: every function returns values plus a list of problems.
"""
