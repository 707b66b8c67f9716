"""What a user would pick instead: the moons step batched, in torch, numpy, jax, autograd.

The step of ``bench_moons.py`` (100 samples of make_moons(100, noise=0.1) through
MLP(2, [16, 16, 1]), hinge + 1e-4 L2, SGD with the demo's learning-rate schedule), from
the same weights, written the way each library is meant to be used: the whole batch as
one matrix. Every contender computes in float64 on one thread, each in a process of
its own, the contenders alternating step by step over the demo's 100-step run (CPU
time; step 0 is the warm-up, and where jax compiles):

* torch per sample: ``bench_moons.py``'s reference (one ``net(x)`` per sample);
* torch batched: ``net(X)`` on the (100, 2) tensor, the same loss, one backward
  (``bench_moons.torch_step(..., batched=True)``);
* numpy, hand-written: the forward as matrix products and the backward written out
  (the formulas of ``floor.py``, a matrix at a time);
* jax: ``jax.jit`` of one step, ``jax.value_and_grad`` of the loss (``jax_enable_x64``);
* HIPS autograd: ``autograd.value_and_grad`` of the same loss over ``autograd.numpy``;
* ours: ``fit(model, X, y, loss="hinge", l2=1e-4, epochs=1)``, one step per call, to
  set beside them.

Each reports the loss of its final weights (one function computes it for all), so the
table shows that every contender took the same steps. The result: each contender's
time per step as a ratio to torch per sample (medians of the per-round ratios). A
library that is not installed is reported as skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import _harness as h
import _report as rep
from bench_moons import (
    ALPHA,
    SAME_LOSS,
    Stepper,
    fit_contender,
    learning_rate,
    moons,
    same_loss,
    torch_contender,
)
from floor import Layer, layers_of

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
JAX_ENV = {
    **ONE_THREAD,
    "JAX_PLATFORMS": "cpu",
    "JAX_ENABLE_X64": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


def numpy_contender(n: int) -> Stepper:
    """numpy, float64: the forward as matrix products, the backward written by hand."""
    import numpy as np

    X, y, ref = moons(n)
    Xa, ya = np.array(X, dtype=np.float64), np.array(y, dtype=np.float64)
    params = [(np.array(W), np.array(b)) for W, b in layers_of(ref)]

    def step(k: int) -> float:
        hs, zs = [Xa], []
        for i, (W, b) in enumerate(params):
            z = hs[-1] @ W.T + b
            zs.append(z)
            hs.append(np.maximum(z, 0.0) if i < len(params) - 1 else z)
        margin = 1.0 - ya * hs[-1][:, 0]
        reg = sum(float((W * W).sum() + (b * b).sum()) for W, b in params)
        loss = float(np.maximum(margin, 0.0).mean()) + ALPHA * reg
        g = np.where(margin > 0.0, -ya / len(ya), 0.0)[:, None]  # d loss / d score
        lr = learning_rate(k)
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            if i < len(params) - 1:
                g = g * (zs[i] > 0.0)
            gW, gb = g.T @ hs[i], g.sum(axis=0)
            g = g @ W
            params[i] = (W - lr * (gW + 2.0 * ALPHA * W), b - lr * (gb + 2.0 * ALPHA * b))
        return loss

    return Stepper(step, lambda: [(W.tolist(), b.tolist()) for W, b in params], X, y)


def mlp_hinge_loss(xp: Any, relu: Callable[[Any], Any]) -> Callable[..., Any]:
    """The step's loss over (W, b) pairs, written with the array module ``xp``."""

    def loss(params: list[tuple[Any, Any]], X: Any, y: Any) -> Any:
        h = X
        for i, (W, b) in enumerate(params):
            h = h @ W.T + b
            if i < len(params) - 1:
                h = relu(h)
        data = xp.mean(relu(1.0 - y * h[:, 0]))
        reg = sum(xp.sum(W * W) + xp.sum(b * b) for W, b in params)
        return data + ALPHA * reg

    return loss


def jax_contender(n: int) -> Stepper:
    """jax on the CPU, float64, one thread: one jit-compiled step."""
    import jax
    import jax.numpy as jnp

    X, y, ref = moons(n)
    Xa, ya = jnp.array(X, dtype=jnp.float64), jnp.array(y, dtype=jnp.float64)
    loss = mlp_hinge_loss(jnp, jax.nn.relu)

    @jax.jit
    def update(params: Any, lr: Any) -> tuple[Any, Any]:
        value, grads = jax.value_and_grad(loss)(params, Xa, ya)
        return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), value

    state = [[(jnp.array(W), jnp.array(b)) for W, b in layers_of(ref)]]

    def step(k: int) -> float:
        state[0], value = update(state[0], learning_rate(k))
        return float(value)

    def weights() -> list[Layer]:
        return [(W.tolist(), b.tolist()) for W, b in state[0]]

    return Stepper(step, weights, X, y)


def autograd_contender(n: int) -> Stepper:
    """HIPS autograd over autograd.numpy, float64 (numpy on one thread)."""
    import autograd
    import autograd.numpy as anp

    X, y, ref = moons(n)
    Xa, ya = anp.array(X), anp.array(y, dtype=float)
    value_and_grad = autograd.value_and_grad(mlp_hinge_loss(anp, lambda v: v * (v > 0.0)))
    params = [(anp.array(W), anp.array(b)) for W, b in layers_of(ref)]

    def step(k: int) -> float:
        value, grads = value_and_grad(params, Xa, ya)
        lr = learning_rate(k)
        params[:] = [(W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(params, grads)]
        return float(value)

    return Stepper(step, lambda: [(W.tolist(), b.tolist()) for W, b in params], X, y)


TORCH = "torch per sample"
CONTENDERS: list[tuple[str, str, h.Factory, tuple[Any, ...], dict[str, str]]] = [
    # name, package it needs, factory, its arguments after n, environment
    (TORCH, "torch", torch_contender, (), {}),
    ("torch batched", "torch", torch_contender, (True,), {}),
    ("numpy batched, hand-written", "numpy", numpy_contender, (), ONE_THREAD),
    ("jax jit", "jax", jax_contender, (), JAX_ENV),
    ("HIPS autograd", "autograd", autograd_contender, (), ONE_THREAD),
    ("ours (fit)", "micrograd_like", fit_contender, (), {}),
]


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    n, steps = (20, 3) if args.quick else (100, 99)
    report = rep.Report("bench_alternatives")
    specs: h.Specs = {
        name: h.Spec(factory, (n, *more), env=env) if h.installed(package) else None
        for name, package, factory, more, env in CONTENDERS
        for more in [(steps + 1,) if factory is fit_contender else more]  # fit: one whole run
    }
    print(f"moons step, batched: {n} samples, MLP(2, [16, 16, 1]), hinge + {ALPHA:g} L2, SGD;")
    print(f"{steps + 1} steps (the first a warm-up), alternating, each in a process of its own,")
    print("float64, one thread; median ms per step, and per-round ratios to torch per sample\n")
    times, _, final = h.alternate_and_ask(specs, steps, 1, "final_loss")
    reference = final.get(TORCH)
    rows = []
    for name, package, *_ in CONTENDERS:
        if name not in times:
            rows.append([name, h.skipped(package), "-", "-", "-"])
            print(rep.ratio_line(f"{name}/torch per sample", None, missing=h.skipped(package)))
            continue
        ms = 1e3 * rep.median(times[name])
        ratios = rep.per_round_ratios(times, name, TORCH)
        value = rep.median(ratios) if ratios else None
        same = "-" if reference is None else ("yes" if same_loss(final[name], reference) else "NO")
        rows.append([name, rep.fmt(ms, " ms"), rep.fmt(value, "x"), f"{final[name]:.10g}", same])
        if name != TORCH:
            print(rep.ratio_line(f"{name}/torch per sample", value, missing=h.skipped("torch")))
            report.add(f"instead: {name}/torch per sample", value, rep.fmt(value, "x"))
    headers = ["contender", "ms per step", "/ torch per sample", "final loss", "same loss"]
    print()
    print(rep.table(headers, rows))
    print(f"(same loss: within a relative {SAME_LOSS:g} of torch per sample's)")
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
