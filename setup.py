"""Build the tree-sitter-dlm C extension into the `dlmls` distribution.

The grammar lives in `grammar/` (generated `src/parser.c` is committed, the
external scanner is `src/scanner.c`); its Python package is
`grammar/bindings/python/tree_sitter_dlm`, whose `queries` entry is a symlink
to `grammar/queries/`, so the query files have one source and are installed
with the package.
"""

from setuptools import Extension, find_packages, setup


setup(
    packages=[*find_packages("server"), "tree_sitter_dlm"],
    package_dir={"": "server", "tree_sitter_dlm": "grammar/bindings/python/tree_sitter_dlm"},
    package_data={
        "tree_sitter_dlm": ["py.typed", "queries/*.scm"],
        "dlmls": ["py.typed", "data/*", "core/*.tsv"],  # core/base_models.tsv: the base-model registry
        "dlmls.templates": ["*.dlm", "*.meta.yaml", "NOTICE.md"],  # the starter templates of `dlmls init`
    },
    ext_modules=[
        Extension(
            name="tree_sitter_dlm._binding",
            sources=[
                "grammar/bindings/python/tree_sitter_dlm/binding.c",
                "grammar/src/parser.c",
                "grammar/src/scanner.c",
            ],
            include_dirs=["grammar/src"],
            extra_compile_args=["-std=c11", "-O2"],
            define_macros=[("Py_LIMITED_API", "0x030B0000"), ("PY_SSIZE_T_CLEAN", None)],
            py_limited_api=True,
        )
    ],
)
