"""``python -m micrograd_like`` runs the ``micrograd-like`` command line (see the ``micrograd_like.cli`` package)."""

from __future__ import annotations

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main())
