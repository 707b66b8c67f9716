"""Small expressions shared by the drawing and stepping tests."""

from __future__ import annotations

from micrograd_like.examples import first_picture, readme_expression

__all__ = ["readme_expression", "worked_example"]

worked_example = first_picture
"""L = (a*b + c) * f at a=2, b=-3, c=10, f=-2: e = -6, d = 4, L = -8 (see its docstring)."""
