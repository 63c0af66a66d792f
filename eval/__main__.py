"""``python -m eval``: see :func:`eval.runner.main` (``--help`` lists the options)."""

import sys

from eval.runner import main

if __name__ == "__main__":
    sys.exit(main())
