"""The checks of the exercises on gradients: backpropagation by hand (notebook 01) and
second derivatives (notebook 08)."""

from __future__ import annotations

import math

from micrograd_like.exercises.verdict import (
    Verdict,
    number_verdict,
)

__all__ = ["GradientChecks"]


class GradientChecks:
    """Gradients worked out by hand, first and second derivatives."""

    def chain_rule(self, dL_da: object) -> Verdict:
        """01: dL/da for L = (a*b + c)*f at a = 2, b = -3, c = 10, f = -2.

        >>> from micrograd_like.exercises import check
        >>> bool(check.chain_rule(6.0))
        True
        """
        # e = ab = -6, h = e + c = 4, L = h f = -8
        # dL/dh = f = -2; dL/de = -2 * 1 = -2; dL/da = -2 * b = -2 * -3 = 6
        return number_verdict(
            "chain_rule",
            dL_da,
            6.0,
            [
                (
                    -3.0,
                    "-3 is de/da (= b), the local derivative only. Multiply it by the "
                    "gradient that reached e (chain rule).",
                ),
                (
                    -6.0,
                    "look again at the sign of every factor on the way from L back to "
                    "a: which of them are negative?",
                ),
                (
                    -2.0,
                    "-2 is dL/de, the gradient that reached e. One more step: times the "
                    "local derivative de/da.",
                ),
                (
                    -4.0,
                    "that is dL/db: the local derivative of e = a * b with respect to "
                    "a is the OTHER factor.",
                ),
                (4.0, "4 is dL/df (= h). For a, walk back through h and e to a."),
                (-8.0, "-8 is L itself. The question asks how fast L changes as a moves."),
            ],
            "walk back from L one node at a time: dL/dh, then dL/de, then dL/da, each "
            "the previous gradient times the local derivative.",
            "Two negative factors, f and b, give a positive gradient.",
        )

    def used_twice(self, dy_dx: object) -> Verdict:
        """01: dy/dx for y = x*x + x at x = 3.

        >>> from micrograd_like.exercises import check
        >>> bool(check.used_twice(7))
        True
        """
        # x appears three times: each factor of x*x gives the other factor (3 + 3), and
        # the "+ x" gives 1: dy/dx = 2x + 1 = 7
        return number_verdict(
            "used_twice",
            dy_dx,
            7.0,
            [
                (6.0, "6 counts the product x*x but forgets the path through '+ x'."),
                (
                    4.0,
                    "one factor of x*x seems to be missing: each of the two factors "
                    "contributes the other one, and contributions add up.",
                ),
                (3.0, "gradients from every use of x add up: there are three uses."),
                (1.0, "that is only the '+ x' path; x*x contributes too."),
                (12.0, "12 is y itself. The question asks for the slope dy/dx."),
            ],
            "x is used three times (twice in x*x, once in + x). Add the three contributions.",
            "2x + 1: each use of x contributes, and the contributions add up.",
        )

    def second_derivative(self, d2: object) -> Verdict:
        """08: f''(1) for f(x) = x e^x."""
        # f' = (x + 1) e^x, f'' = (x + 2) e^x; at 1: 3e = 8.15484...
        e = math.e
        return number_verdict(
            "second_derivative",
            d2,
            3 * e,
            [
                (2 * e, "that is f'(1): differentiate once more, grad(grad(f))."),
                (e, "that is f(1). grad(grad(f))(1.0) gives the second derivative."),
                (4 * e, "that is the THIRD derivative: one grad too many."),
            ],
            "build f from Values (x * x.exp()) and evaluate grad(grad(f)) at 1.0.",
            "(x + 2) e^x: each derivative adds one more e^x.",
        )

    def newton_step(self, x1: object) -> Verdict:
        """08: one Newton step x <- x - f'(x) / f''(x) on f(x) = x^4 - 4x from x = 2."""
        # f'(2) = 4 * 8 - 4 = 28, f''(2) = 12 * 4 = 48: 2 - 28/48 = 1.41666...
        return number_verdict(
            "newton_step",
            x1,
            2.0 - 28.0 / 48.0,
            [
                (2.0 + 28.0 / 48.0, "the step goes against the slope: x - f'/f''."),
                (2.0 - 28.0, "that is a gradient step with lr = 1; Newton divides by f''."),
                (2.0 - 48.0 / 28.0, "the fraction is upside down: f' over f''."),
                (2.0 - 32.0 / 48.0, "f'(x) = 4x^3 - 4: the -4 counts too."),
                (2.0 - 28.0 / 24.0, "f''(x) = 12 x^2: the square is missing."),
            ],
            "f'(x) = 4x^3 - 4, f''(x) = 12x^2, both at x = 2.",
            "The curvature, 48, sets the step length: no learning rate to choose.",
        )
