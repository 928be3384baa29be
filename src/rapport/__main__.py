"""``python -m rapport`` runs the ``rapport`` command."""

import sys

from rapport.cli import main

sys.exit(main())
