"""`python -m dlmls.worker`: the training worker, talking `dlmls.protocol` on stdin/stdout.

Only `dlmls.worker.loop` is imported here, and it claims stdout before
anything else can print; the engine (and torch) load at the first job.
"""

import sys

from dlmls.worker.loop import main

if __name__ == "__main__":
    sys.exit(main())
