"""``python -m micrograd_like`` runs the command-line interface."""

import sys

from micrograd_like.cli import main

sys.exit(main())
