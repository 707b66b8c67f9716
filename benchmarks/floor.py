"""The floor: the moons training step in pure Python, its gradients written by hand.

No graph, no nodes: lists of floats, a forward per sample that keeps each layer's
output, and the backward pass of a ReLU MLP with a hinge loss worked out on paper. Any
scalar autograd engine in pure Python does this work and more, so its time is the floor
for one.

The step is the one the moons benchmark's other contenders take: for each sample,
``s = MLP(x)``; loss = mean(relu(1 - y s)) + alpha * sum(p**2); SGD with rate ``lr``.
Per sample with a margin not met (1 - y s > 0), d loss/d s = -y / n; back through a
layer ``z = W h + b``, ``a = relu(z)``: d/dz = d/da where z > 0 (else 0),
d/dW[j][i] = d/dz[j] * h[i], d/db[j] = d/dz[j], d/dh[i] = sum_j W[j][i] * d/dz[j].
The L2 term adds 2 alpha p to every parameter's gradient.

Two versions of the same step: :meth:`Floor.step` is tuned (C-level sums, and no
backward for a sample whose margin is met or a unit that is off), :meth:`Floor.step_plain`
is written plainly from the formulas above, one loop per index, every sample.

>>> net = Floor([([[0.5, -1.0]], [0.25])], ["linear"])   # s = 0.5 x0 - x1 + 0.25
>>> round(net.step([[2.0, 1.0]], [1], lr=0.0, alpha=0.0), 6)   # 1 - 1 * 0.25 = 0.75
0.75
>>> round(net.step_plain([[2.0, 1.0]], [1], lr=0.0, alpha=0.0), 6)
0.75
"""

from __future__ import annotations

from operator import mul
from typing import Any

Layer = tuple[list[list[float]], list[float]]  # (W: one row per neuron, b)


class Floor:
    """An MLP as lists of floats, trained by :meth:`step` (hand-written gradients)."""

    def __init__(self, layers: list[Layer], activations: list[str]) -> None:
        self.layers = [([list(row) for row in W], list(b)) for W, b in layers]
        self.relu = [a == "relu" for a in activations]

    @classmethod
    def like(cls, model: Any) -> Floor:
        """The same weights as a micrograd_like MLP (``layers/neurons/w/b``)."""
        layers = [
            ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
            for layer in model.layers
        ]
        return cls(layers, [layer.neurons[0].activation for layer in model.layers])

    def step(self, X: list[list[float]], y: list[int], lr: float, alpha: float) -> float:
        """One full-batch SGD step on the hinge loss + alpha * L2; returns the loss before it."""
        layers, relu = self.layers, self.relu
        depth = len(layers)
        gW = [[[0.0] * len(row) for row in W] for W, _ in layers]
        gb = [[0.0] * len(b) for _, b in layers]
        n = len(X)
        hinge = 0.0
        for x, yi in zip(X, y):
            hs = [x]
            h = x
            for (W, b), r in zip(layers, relu):
                z = [sum(map(mul, row, h), bj) for row, bj in zip(W, b)]
                h = [v if v > 0.0 else 0.0 for v in z] if r else z
                hs.append(h)
            margin = 1.0 - yi * h[0]
            if margin <= 0.0:
                continue  # relu(margin) = 0: this sample passes no gradient back
            hinge += margin
            g = [-yi / n]
            for li in range(depth - 1, -1, -1):
                W, _ = layers[li]
                h_in, h_out = hs[li], hs[li + 1]
                if relu[li]:
                    g = [gj if oj > 0.0 else 0.0 for gj, oj in zip(g, h_out)]
                GW, Gb = gW[li], gb[li]
                back = [0.0] * len(h_in) if li else None
                for j, gj in enumerate(g):
                    if gj:
                        GW[j] = [a + gj * hi for a, hi in zip(GW[j], h_in)]
                        Gb[j] += gj
                        if back is not None:
                            back = [a + gj * w for a, w in zip(back, W[j])]
                if back is None:
                    break
                g = back
        reg = 0.0
        for (W, b), GW, Gb in zip(layers, gW, gb):
            for j, row in enumerate(W):
                reg += sum(map(mul, row, row))
                W[j] = [w - lr * (gw + 2.0 * alpha * w) for w, gw in zip(row, GW[j])]
            reg += sum(map(mul, b, b))
            b[:] = [bj - lr * (g + 2.0 * alpha * bj) for bj, g in zip(b, Gb)]
        return hinge / n + alpha * reg

    def step_plain(self, X: list[list[float]], y: list[int], lr: float, alpha: float) -> float:
        """:meth:`step`, written plainly: a loop per index, a backward for every sample."""
        layers, relu = self.layers, self.relu
        gW = [[[0.0] * len(row) for row in W] for W, _ in layers]
        gb = [[0.0] * len(b) for _, b in layers]
        n = len(X)
        hinge = 0.0
        for x, yi in zip(X, y):
            hs = [x]
            zs = []
            for (W, b), r in zip(layers, relu):
                h = hs[-1]
                z = []
                for j in range(len(W)):
                    total = b[j]
                    for i in range(len(h)):
                        total += W[j][i] * h[i]
                    z.append(total)
                zs.append(z)
                hs.append([max(v, 0.0) if r else v for v in z])
            margin = 1.0 - yi * hs[-1][0]
            hinge += max(margin, 0.0)
            g = [-yi / n if margin > 0.0 else 0.0]
            for li in range(len(layers) - 1, -1, -1):
                W, _ = layers[li]
                h_in, z = hs[li], zs[li]
                dz = [
                    g[j] * (1.0 if z[j] > 0.0 else 0.0) if relu[li] else g[j] for j in range(len(g))
                ]
                back = [0.0] * len(h_in)
                for j in range(len(W)):
                    gb[li][j] += dz[j]
                    for i in range(len(h_in)):
                        gW[li][j][i] += dz[j] * h_in[i]
                        back[i] += W[j][i] * dz[j]
                g = back
        reg = 0.0
        for (W, b), GW, Gb in zip(layers, gW, gb):
            for j in range(len(W)):
                for i in range(len(W[j])):
                    w = W[j][i]
                    reg += w * w
                    W[j][i] = w - lr * (GW[j][i] + 2.0 * alpha * w)
                reg += b[j] * b[j]
                b[j] = b[j] - lr * (Gb[j] + 2.0 * alpha * b[j])
        return hinge / n + alpha * reg
