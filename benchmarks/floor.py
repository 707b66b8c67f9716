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
:meth:`Floor.sgd_cross_entropy_plain` is the digits benchmark's floor, written the same
way: softmax cross-entropy over the logits, one SGD step per sample.

>>> net = Floor([([[0.5, -1.0]], [0.25])], ["linear"])   # s = 0.5 x0 - x1 + 0.25
>>> round(net.step([[2.0, 1.0]], [1], lr=0.0, alpha=0.0), 6)   # 1 - 1 * 0.25 = 0.75
0.75
>>> round(net.step_plain([[2.0, 1.0]], [1], lr=0.0, alpha=0.0), 6)
0.75
>>> two = Floor([([[0.0], [0.0]], [0.0, 0.0])], ["linear"])   # logits (0, 0): ln 2
>>> round(two.sgd_cross_entropy_plain([[1.0]], [0], [0], lr=1.0), 6)
0.693147
>>> two.layers[0]   # dz = softmax - onehot = (-1/2, 1/2); W, b move by -dz
([[0.5], [-0.5]], [0.5, -0.5])
"""

from __future__ import annotations

import math
from operator import mul
from typing import Any

Layer = tuple[list[list[float]], list[float]]  # (W: one row per neuron, b)


def layers_of(model: Any) -> list[Layer]:
    """The weights of any MLP shaped like micrograd's (``layers/neurons/w/b``, Values with
    ``.data``: micrograd's, ours), as lists of floats."""
    return [
        ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
        for layer in model.layers
    ]


class Floor:
    """An MLP as lists of floats, trained by :meth:`step` (hand-written gradients)."""

    def __init__(self, layers: list[Layer], activations: list[str]) -> None:
        self.layers = [([list(row) for row in W], list(b)) for W, b in layers]
        self.relu = [a == "relu" for a in activations]

    @classmethod
    def like(cls, model: Any) -> Floor:
        """The same weights as a micrograd_like MLP (``layers/neurons/w/b``)."""
        return cls(layers_of(model), [layer.neurons[0].activation for layer in model.layers])

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
        layers = self.layers
        gW = [[[0.0] * len(row) for row in W] for W, _ in layers]
        gb = [[0.0] * len(b) for _, b in layers]
        n = len(X)
        hinge = 0.0
        for x, yi in zip(X, y):
            hs, zs = self.forward_plain(x)
            margin = 1.0 - yi * hs[-1][0]
            hinge += max(margin, 0.0)
            self.backward_plain(hs, zs, [-yi / n if margin > 0.0 else 0.0], gW, gb)
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

    def sgd_cross_entropy_plain(
        self, X: list[list[float]], y: list[int], order: list[int], lr: float
    ) -> float:
        """SGD on the cross-entropy, one sample per step, in ``order``, written plainly;
        returns the mean of the steps' losses (each taken before its update).

        The output layer gives logits z; loss = -ln softmax(z)_t = ln sum_j e^(z_j) - z_t,
        d loss/d z_j = softmax(z)_j - [j == t] (computed with z - max z, which leaves
        softmax unchanged); then back through the layers as in :meth:`step_plain`, and
        every parameter moves by -lr times its gradient before the next sample.
        """
        layers = self.layers
        total = 0.0
        for idx in order:
            hs, zs = self.forward_plain(X[idx])
            z, t = hs[-1], y[idx]
            top = max(z)
            exps = [math.exp(v - top) for v in z]
            s = sum(exps)
            total += math.log(s) + top - z[t]
            g = [e / s - (1.0 if j == t else 0.0) for j, e in enumerate(exps)]
            gW = [[[0.0] * len(row) for row in W] for W, _ in layers]
            gb = [[0.0] * len(b) for _, b in layers]
            self.backward_plain(hs, zs, g, gW, gb)
            for (W, b), GW, Gb in zip(layers, gW, gb):
                for j in range(len(W)):
                    for i in range(len(W[j])):
                        W[j][i] = W[j][i] - lr * GW[j][i]
                    b[j] = b[j] - lr * Gb[j]
        return total / len(order)

    def forward_plain(self, x: list[float]) -> tuple[list[list[float]], list[list[float]]]:
        """Every layer's input (``hs``, the output last) and its z = W h + b, a loop per index."""
        hs = [x]
        zs = []
        for (W, b), r in zip(self.layers, self.relu):
            h = hs[-1]
            z = []
            for j in range(len(W)):
                total = b[j]
                for i in range(len(h)):
                    total += W[j][i] * h[i]
                z.append(total)
            zs.append(z)
            hs.append([max(v, 0.0) if r else v for v in z])
        return hs, zs

    def backward_plain(
        self,
        hs: list[list[float]],
        zs: list[list[float]],
        g: list[float],
        gW: list[list[list[float]]],
        gb: list[list[float]],
    ) -> None:
        """Add every parameter's d loss/d p to ``gW``, ``gb``, given g = d loss/d output."""
        layers, relu = self.layers, self.relu
        for li in range(len(layers) - 1, -1, -1):
            W, _ = layers[li]
            h_in, z = hs[li], zs[li]
            dz = [g[j] * (1.0 if z[j] > 0.0 else 0.0) if relu[li] else g[j] for j in range(len(g))]
            back = [0.0] * len(h_in)
            for j in range(len(W)):
                gb[li][j] += dz[j]
                for i in range(len(h_in)):
                    gW[li][j][i] += dz[j] * h_in[i]
                    back[i] += W[j][i] * dz[j]
            g = back

    def predict(self, x: list[float]) -> int:
        """The index of the largest output (the predicted class)."""
        out = self.forward_plain(x)[0][-1]
        return max(range(len(out)), key=out.__getitem__)
