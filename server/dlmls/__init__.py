"""dlmls: language server, editor integration and training engine for `.dlm` documents."""

__version__ = "0.1.0"
