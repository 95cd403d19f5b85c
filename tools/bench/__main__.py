"""``python -m tools.bench``: the harness; ``build``, ``sweeps`` and ``session`` run inside Django."""

import sys

from .run import django_command, main

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("build", "sweeps", "session"):
        sys.exit(django_command(sys.argv[1:]))
    sys.exit(main())
