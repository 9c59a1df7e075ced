"""``python -m kzrights``: the command line."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: the one line main() would give
    sys.stderr.write("kzrights: interrupted\n")
    sys.exit(130)

sys.exit(main())
