"""The worker process (`python -m dlmls.worker`): the only part of dlmls that imports
torch, transformers, peft and trl. The language server and the CLI talk to it
through `dlmls.protocol` frames (see `dlmls.jobs`), never by importing it.
"""
