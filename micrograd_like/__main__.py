"""``python -m micrograd_like`` runs the ``micrograd-like`` command (``micrograd_like.cli``)."""

from __future__ import annotations

import sys

from micrograd_like.cli import main

if __name__ == "__main__":
    sys.exit(main())
