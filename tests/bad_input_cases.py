"""A catalogue of bad input: every public entry point, given something wrong
(tests/test_bad_input.py runs it).

Each row of :data:`CASES` is ``(id, call, error, pattern)``: ``call(tmp)`` must raise
exactly ``error`` (TypeError for a wrong type, ValueError for a bad value, and so on), and
``pattern`` must appear in the message, naming the argument that is wrong. A learner who
passes ``lr=-1`` must read "lr must be > 0", not a traceback from deep inside the library.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable
from pathlib import Path

from micrograd_like import (
    data,
    evaluation,
    functional,
    gradcheck,
    higher_order,
    losses,
    optim,
    serialize,
    train,
    viz,
)
from micrograd_like.engine import Value
from micrograd_like.nn import MLP, Layer, Neuron
from micrograd_like.viz import steps as viz_steps

Call = Callable[[Path], object]
Case = tuple[str, Call, type[BaseException], str]

ALLOWED = (TypeError, ValueError, ZeroDivisionError, OverflowError, FileNotFoundError)
"""The only exception types bad input may raise (each case names the one it expects)."""

FORBIDDEN = (AttributeError, LookupError)
"""Internal slips: AttributeError, IndexError and KeyError (both LookupErrors)."""

NAN, INF = math.nan, math.inf
HUGE_INT = 10**400  # a Python int; float(HUGE_INT) raises OverflowError

# a tiny dataset for fit/evaluate: 4 samples of 2 features, hinge labels -1/+1
X4 = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
Y4 = [1, -1, 1, -1]


def mlp(nouts: list[int] | None = None) -> MLP:
    """A small seeded MLP with 2 inputs (default: one output)."""
    return MLP(2, nouts or [3, 1], seed=0)


def product() -> Value:
    """c = a * b with a = 2, b = 3: a graph of one op to draw or step through."""
    return Value(2.0, label="a") * Value(3.0, label="b")


def fit_quietly(model: object = None, X: object = X4, y: object = Y4, **kw: object) -> object:
    """fit(...) on the tiny dataset: hinge loss, 2 epochs, no bar (``progress_`` overrides)."""
    kw.setdefault("loss", "hinge")
    kw.setdefault("epochs", 2)
    progress = kw.pop("progress_", False)
    return train.fit(mlp() if model is None else model, X, y, progress=progress, **kw)  # type: ignore[arg-type]


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def model_json() -> str:
    """The JSON save() writes for MLP(2, [2, 1], seed=0) (its biases are 0.0)."""
    m = MLP(2, [2, 1], seed=0)
    architecture = {"nin": 2, "nouts": [2, 1], "activation": "relu", "output_activation": "linear"}
    return json.dumps(
        {
            "format": serialize.FORMAT,
            "version": serialize.VERSION,
            "architecture": architecture,
            "parameters": m.state_dict(),
        }
    )


def in_directory(folder: Path, call: Callable[[], object]) -> object:
    """call() with ``folder`` (made if needed) as the working directory, restored after."""
    folder.mkdir(exist_ok=True)
    previous = os.getcwd()
    os.chdir(folder)
    try:
        return call()
    finally:
        os.chdir(previous)


def ps() -> list[Value]:
    """Two parameters for an optimizer."""
    return [Value(1.0), Value(-2.0)]


# --------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------

CASES: list[Case] = [
    # ---- Value: construction ---------------------------------------------------------
    ("Value-str", lambda t: Value("3"), TypeError, r"Value data .*str"),  # type: ignore[arg-type]
    ("Value-None", lambda t: Value(None), TypeError, r"Value data .*NoneType"),  # type: ignore[arg-type]
    ("Value-list", lambda t: Value([1.0]), TypeError, r"Value data .*list"),  # type: ignore[arg-type]
    ("Value-dict", lambda t: Value({"a": 1}), TypeError, r"Value data .*dict"),  # type: ignore[arg-type]
    ("Value-complex", lambda t: Value(1 + 2j), TypeError, r"Value data .*complex"),  # type: ignore[arg-type]
    ("Value-bool", lambda t: Value(True), TypeError, r"Value data .*bool"),
    ("Value-nan", lambda t: Value(NAN), ValueError, r"Value data .*nan"),
    ("Value-inf", lambda t: Value(-INF), ValueError, r"Value data .*inf"),
    # float(10**400) overflows: the number is not finite, so ValueError like nan/inf
    ("Value-huge-int", lambda t: Value(HUGE_INT), ValueError, r"Value data"),
    ("Value-label-int", lambda t: Value(1.0, label=3), TypeError, r"label"),  # type: ignore[arg-type]
    # ---- Value: operators ------------------------------------------------------------
    ("add-str", lambda t: Value(1.0) + "a", TypeError, r"str"),  # type: ignore[operator]
    ("radd-None", lambda t: None + Value(1.0), TypeError, r"NoneType"),  # type: ignore[operator]
    ("pow-list", lambda t: Value(1.0) ** [2.0], TypeError, r"list"),  # type: ignore[operator]
    ("sub-dict", lambda t: Value(1.0) - {}, TypeError, r"dict"),  # type: ignore[operator]
    ("div-complex", lambda t: Value(1.0) / 1j, TypeError, r"complex"),  # type: ignore[operator]
    ("pow-bool", lambda t: Value(2.0) ** True, TypeError, r"bool"),
    ("add-bool", lambda t: Value(2.0) + True, TypeError, r"bool"),
    ("rmul-bool", lambda t: False * Value(2.0), TypeError, r"bool"),
    ("add-nan", lambda t: Value(2.0) + NAN, ValueError, r"nan"),
    ("rsub-inf", lambda t: INF - Value(2.0), ValueError, r"inf"),
    ("lt-str", lambda t: Value(1.0) < "a", TypeError, r"compare .*str"),  # type: ignore[operator]
    ("ge-bool", lambda t: Value(1.0) >= True, TypeError, r"compare .*bool"),
    ("div-by-zero", lambda t: Value(1.0) / Value(0.0), ZeroDivisionError, r"division by zero"),
    ("pow-zero-negative", lambda t: Value(0.0) ** -2, ZeroDivisionError, r"0\.0 \*\* -2"),
    # ---- Value: methods --------------------------------------------------------------
    ("exp-overflow", lambda t: Value(710.0).exp(), OverflowError, r"exp\(710\.0\)"),
    ("log-zero", lambda t: Value(0.0).log(), ValueError, r"log\(0\.0\)"),
    ("log-negative", lambda t: Value(-2.0).log(), ValueError, r"log\(-2\.0\)"),
    ("pow-negative-base", lambda t: Value(-8.0) ** (1 / 3), ValueError, r"negative base -8\.0"),
    ("pow-overflow", lambda t: Value(1e300) ** 3, OverflowError, r"pow overflow"),
    ("leaky-alpha-str", lambda t: Value(1.0).leaky_relu("a"), TypeError, r"alpha"),  # type: ignore[arg-type]
    ("leaky-alpha-bool", lambda t: Value(1.0).leaky_relu(True), TypeError, r"alpha"),
    ("leaky-alpha-nan", lambda t: Value(-1.0).leaky_relu(NAN), ValueError, r"alpha"),
    (
        "backward-create_graph-str",
        lambda t: Value(1.0).backward(create_graph="yes"),  # type: ignore[arg-type]
        TypeError,
        r"create_graph",
    ),
    # ---- engine functions ------------------------------------------------------------
    ("vsum-empty", lambda t: functional.vsum([]), ValueError, r"vsum .*empty"),
    ("vsum-None", lambda t: functional.vsum(None), TypeError, r"vsum"),  # type: ignore[arg-type]
    ("vsum-bool", lambda t: functional.vsum([1.0, True]), TypeError, r"vsum values\[1\]"),
    ("dot-lengths", lambda t: functional.dot([1.0], [1.0, 2.0]), ValueError, r"dot .*equal length"),
    ("dot-str", lambda t: functional.dot([1.0], ["x"]), TypeError, r"dot xs\[0\]"),  # type: ignore[list-item]
    ("affine-bias-str", lambda t: functional.affine([1.0], [1.0], "b"), TypeError, r"affine bias"),  # type: ignore[arg-type]
    ("logsumexp-empty", lambda t: functional.logsumexp([]), ValueError, r"logsumexp .*empty"),
    (
        "gradients-output",
        lambda t: higher_order.gradients(3.0, [Value(1.0)]),  # type: ignore[arg-type]
        TypeError,
        r"output must be a Value",
    ),
    (
        "gradients-inputs-float",
        lambda t: higher_order.gradients(Value(1.0), [1.0]),  # type: ignore[list-item]
        TypeError,
        r"inputs\[0\]",
    ),
    (
        "gradients-inputs-Value",
        lambda t: higher_order.gradients(Value(1.0), Value(1.0)),  # type: ignore[arg-type]
        TypeError,
        r"inputs",
    ),
    # ---- functional --------------------------------------------------------------------
    ("softmax-empty", lambda t: functional.softmax([]), ValueError, r"softmax values"),
    ("log_softmax-str", lambda t: functional.log_softmax(["a"]), TypeError, r"values\[0\]"),  # type: ignore[list-item]
    ("sigmoid-None", lambda t: functional.sigmoid(None), TypeError, r"sigmoid"),  # type: ignore[arg-type]
    # ---- Neuron --------------------------------------------------------------------------
    ("Neuron-nin-0", lambda t: Neuron(0), ValueError, r"nin must be a positive int, got 0"),
    ("Neuron-nin-negative", lambda t: Neuron(-3), ValueError, r"nin .*-3"),
    ("Neuron-nin-float", lambda t: Neuron(2.0), TypeError, r"nin .*float"),  # type: ignore[arg-type]
    ("Neuron-nin-bool", lambda t: Neuron(True), TypeError, r"nin .*bool"),
    ("Neuron-nin-str", lambda t: Neuron("2"), TypeError, r"nin .*str"),  # type: ignore[arg-type]
    ("Neuron-activation", lambda t: Neuron(2, activation="gelu"), ValueError, r"activation 'gelu'"),
    ("Neuron-activation-None-nonlin-str", lambda t: Neuron(2, nonlin="no"), TypeError, r"nonlin"),  # type: ignore[arg-type]
    ("Neuron-init", lambda t: Neuron(2, init="he"), ValueError, r"init 'he'"),
    ("Neuron-seed-float", lambda t: Neuron(2, seed=1.5), TypeError, r"seed"),  # type: ignore[arg-type]
    ("Neuron-rng-int", lambda t: Neuron(2, rng=3), TypeError, r"rng"),  # type: ignore[arg-type]
    (
        "Neuron-seed-and-rng",
        lambda t: Neuron(2, seed=0, rng=random.Random(0)),
        ValueError,
        r"seed or rng",
    ),
    ("Neuron-call-wide", lambda t: Neuron(2, seed=0)([1.0, 2.0, 3.0]), ValueError, r"Neuron expects 2 inputs, got 3"),
    ("Neuron-call-empty", lambda t: Neuron(2, seed=0)([]), ValueError, r"Neuron expects 2 inputs, got 0"),
    ("Neuron-call-str", lambda t: Neuron(2, seed=0)("ab"), TypeError, r"Neuron input .*str"),
    ("Neuron-call-None", lambda t: Neuron(2, seed=0)(None), TypeError, r"Neuron input .*NoneType"),
    ("Neuron-call-dict", lambda t: Neuron(2, seed=0)({"a": 1.0, "b": 2.0}), TypeError, r"Neuron input .*dict"),
    ("Neuron-call-nan", lambda t: Neuron(2, seed=0)([1.0, NAN]), ValueError, r"x\[1\] .*finite"),
    ("Neuron-call-bool", lambda t: Neuron(2, seed=0)([True, 1.0]), TypeError, r"x\[0\] .*bool"),
    ("Neuron-call-complex", lambda t: Neuron(2, seed=0)([1.0, 1j]), TypeError, r"x\[1\] .*complex"),
    # ---- Layer ---------------------------------------------------------------------------
    ("Layer-nout-0", lambda t: Layer(2, 0), ValueError, r"nout must be a positive int, got 0"),
    ("Layer-nout-bool", lambda t: Layer(2, True), TypeError, r"nout .*bool"),
    ("Layer-nin-negative", lambda t: Layer(-1, 2), ValueError, r"nin .*-1"),
    ("Layer-activation", lambda t: Layer(2, 2, activation="softmax"), ValueError, r"activation 'softmax'"),
    ("Layer-unknown-keyword", lambda t: Layer(2, 2, bogus=1), TypeError, r"bogus"),
    ("Layer-call-width", lambda t: Layer(2, 3, seed=0)([1.0]), ValueError, r"Layer expects 2 inputs, got 1"),
    ("Layer-call-inf", lambda t: Layer(2, 3, seed=0)([INF, 1.0]), ValueError, r"x\[0\]"),
    # ---- MLP -----------------------------------------------------------------------------
    ("MLP-nin-0", lambda t: MLP(0, [1]), ValueError, r"nin must be a positive int, got 0"),
    ("MLP-nouts-int", lambda t: MLP(2, 3), TypeError, r"nouts .*int"),  # type: ignore[arg-type]
    ("MLP-nouts-None", lambda t: MLP(2, None), TypeError, r"nouts .*NoneType"),  # type: ignore[arg-type]
    ("MLP-nouts-str", lambda t: MLP(2, "16"), TypeError, r"nouts .*str"),  # type: ignore[arg-type]
    ("MLP-nouts-dict", lambda t: MLP(2, {0: 3}), TypeError, r"nouts .*dict"),  # type: ignore[arg-type]
    ("MLP-nouts-empty", lambda t: MLP(2, []), ValueError, r"nouts .*empty"),
    ("MLP-nouts-zero", lambda t: MLP(2, [16, 0, 1]), ValueError, r"nouts\[1\] .*got 0"),
    ("MLP-nouts-negative", lambda t: MLP(2, [-4, 1]), ValueError, r"nouts\[0\] .*-4"),
    ("MLP-nouts-float", lambda t: MLP(2, [16.0, 1]), TypeError, r"nouts\[0\] .*float"),  # type: ignore[list-item]
    ("MLP-nouts-bool", lambda t: MLP(2, [True]), TypeError, r"nouts\[0\] .*bool"),
    ("MLP-activation", lambda t: MLP(2, [1], activation="swish"), ValueError, r"activation 'swish'"),
    ("MLP-output_activation", lambda t: MLP(2, [1], output_activation="relu"), ValueError, r"output_activation 'relu'"),
    ("MLP-softmax-one-output", lambda t: MLP(2, [1], output_activation="softmax"), ValueError, r"softmax.*nouts\[-1\]"),
    ("MLP-seed-bool", lambda t: MLP(2, [1], seed=True), TypeError, r"seed .*bool"),
    ("MLP-call-width", lambda t: mlp()([1.0]), ValueError, r"MLP expects 2 inputs, got 1"),
    ("MLP-call-nan", lambda t: mlp()([NAN, 0.0]), ValueError, r"MLP input x\[0\]"),
    ("MLP-call-huge-int", lambda t: mlp()([HUGE_INT, 0.0]), ValueError, r"MLP input x\[0\]"),
    ("MLP-call-nested", lambda t: mlp()([[1.0], [2.0]]), TypeError, r"x\[0\] .*list"),
    ("MLP-call-set", lambda t: mlp()({1.0, 2.0}), TypeError, r"MLP input .*set"),
    # ---- losses ------------------------------------------------------------------------------
    ("mse-target-str", lambda t: losses.mse(Value(1.0), "1"), TypeError, r"mse target .*str"),
    ("mse-target-bool", lambda t: losses.mse(Value(1.0), True), TypeError, r"mse target .*bool"),
    ("mse-target-nan", lambda t: losses.mse(Value(1.0), NAN), ValueError, r"mse target .*nan"),
    ("mse-pred-None", lambda t: losses.mse(None, 1.0), TypeError, r"mse pred .*NoneType"),
    ("mse-empty", lambda t: losses.mse([], []), ValueError, r"mse: .*empty"),
    ("mse-lengths", lambda t: losses.mse([1.0], [1.0, 2.0]), ValueError, r"mse: target has 2"),
    ("mse-target-dict", lambda t: losses.mse([1.0], {0: 1.0}), TypeError, r"mse target.*dict"),
    ("bce-prob-2", lambda t: losses.binary_cross_entropy(Value(2.0), 1), ValueError, r"binary_cross_entropy prob must be in \[0, 1\]"),
    ("bce-target-2", lambda t: losses.binary_cross_entropy(Value(0.5), 2), ValueError, r"binary_cross_entropy target must be in \[0, 1\]"),
    ("bce-target-bool", lambda t: losses.binary_cross_entropy(Value(0.5), True), TypeError, r"binary_cross_entropy target .*bool"),
    ("bce-prob-str", lambda t: losses.binary_cross_entropy("0.5", 1), TypeError, r"binary_cross_entropy prob .*str"),
    ("bce-empty", lambda t: losses.binary_cross_entropy([], []), ValueError, r"binary_cross_entropy: .*empty"),
    ("bce-lists-vs-one", lambda t: losses.binary_cross_entropy([0.5, 0.5], 1), ValueError, r"binary_cross_entropy prob is a list"),
    ("bce_logits-target-neg", lambda t: losses.binary_cross_entropy_with_logits(Value(0.5), -1), ValueError, r"target must be in \[0, 1\]"),
    ("bce_logits-target-nan", lambda t: losses.binary_cross_entropy_with_logits(Value(0.5), NAN), ValueError, r"target .*nan"),
    ("bce_logits-logit-None", lambda t: losses.binary_cross_entropy_with_logits(None, 1), TypeError, r"logit .*NoneType"),
    ("bce_logits-lengths", lambda t: losses.binary_cross_entropy_with_logits([1.0, 2.0], [1]), ValueError, r"pred has 2 samples but target has 1"),
    ("ce-target-out-of-range", lambda t: losses.cross_entropy([1.0, 2.0, 3.0], 3), ValueError, r"target = 3 is out of range for 3 classes"),
    ("ce-target-negative", lambda t: losses.cross_entropy([1.0, 2.0], -1), ValueError, r"target = -1 is out of range"),
    ("ce-batch-target-out-of-range", lambda t: losses.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [0, 2]), ValueError, r"target\[1\] = 2"),
    ("ce-target-float", lambda t: losses.cross_entropy([1.0, 2.0], 1.0), TypeError, r"target .*float"),
    ("ce-target-bool", lambda t: losses.cross_entropy([1.0, 2.0], True), TypeError, r"target .*bool"),
    ("ce-target-str", lambda t: losses.cross_entropy([1.0, 2.0], "0"), TypeError, r"target .*str"),
    ("ce-logits-empty", lambda t: losses.cross_entropy([], 0), ValueError, r"outputs is empty"),
    ("ce-logits-one-number", lambda t: losses.cross_entropy(Value(1.0), 0), ValueError, r"outputs must be a list"),
    ("ce-logits-nan", lambda t: losses.cross_entropy([1.0, NAN], 0), ValueError, r"nan"),
    ("ce-logits-dict", lambda t: losses.cross_entropy({"a": 1.0, "b": 2.0}, 0), TypeError, r"outputs.*dict"),
    ("ce-target-dict", lambda t: losses.cross_entropy([[1.0, 2.0]], {0: 0}), TypeError, r"target.*dict"),
    ("hinge-label-0", lambda t: losses.hinge(Value(0.5), 0), ValueError, r"hinge label must be -1 or \+1, got 0"),
    ("hinge-label-2", lambda t: losses.hinge([0.5, 1.0], [1, 2]), ValueError, r"hinge label\[1\] must be -1 or \+1"),
    ("hinge-label-bool", lambda t: losses.hinge(Value(0.5), True), TypeError, r"hinge label .*bool"),
    ("hinge-label-str", lambda t: losses.hinge(Value(0.5), "1"), TypeError, r"hinge label .*str"),
    ("multiclass_hinge-margin", lambda t: losses.multiclass_hinge([1.0, 2.0], 0, margin=-1.0), ValueError, r"margin must be >= 0"),
    ("multiclass_hinge-range", lambda t: losses.multiclass_hinge([1.0, 2.0], 2), ValueError, r"target = 2 is out of range"),
    ("multiclass_hinge-one-score", lambda t: losses.multiclass_hinge(1.0, 0), ValueError, r"outputs must be a list"),
    ("l2-alpha-negative", lambda t: losses.l2([Value(1.0)], alpha=-1.0), ValueError, r"l2 alpha must be >= 0"),
    ("l2-alpha-bool", lambda t: losses.l2([Value(1.0)], alpha=True), TypeError, r"l2 alpha .*bool"),
    ("l2-floats", lambda t: losses.l2([1.0]), TypeError, r"l2 parameters\[0\]"),
    ("l2-None", lambda t: losses.l2(None), TypeError, r"l2 parameters .*NoneType"),
    ("l2-empty", lambda t: losses.l2([]), ValueError, r"l2 parameters is empty"),
    ("get_loss-unknown", lambda t: losses.get_loss("l1"), ValueError, r"unknown loss 'l1'"),
    ("get_loss-None", lambda t: losses.get_loss(None), TypeError, r"loss name .*NoneType"),  # type: ignore[arg-type]
    # ---- optimizers ------------------------------------------------------------------------
    ("SGD-lr-negative", lambda t: optim.SGD(ps(), lr=-1.0), ValueError, r"lr must be > 0, got -1\.0"),
    ("SGD-lr-zero", lambda t: optim.SGD(ps(), lr=0), ValueError, r"lr must be > 0"),
    ("SGD-lr-str", lambda t: optim.SGD(ps(), lr="0.1"), TypeError, r"lr .*str"),  # type: ignore[arg-type]
    ("SGD-lr-None", lambda t: optim.SGD(ps(), lr=None), TypeError, r"lr .*NoneType"),  # type: ignore[arg-type]
    ("SGD-lr-bool", lambda t: optim.SGD(ps(), lr=True), TypeError, r"lr .*bool"),
    ("SGD-lr-complex", lambda t: optim.SGD(ps(), lr=0.1j), TypeError, r"lr .*complex"),  # type: ignore[arg-type]
    ("SGD-lr-nan", lambda t: optim.SGD(ps(), lr=NAN), ValueError, r"lr .*nan"),
    ("SGD-lr-huge-int", lambda t: optim.SGD(ps(), lr=HUGE_INT), ValueError, r"\blr\b"),
    ("SGD-momentum-negative", lambda t: optim.SGD(ps(), lr=0.1, momentum=-0.9), ValueError, r"momentum must be >= 0"),
    ("SGD-nesterov-int", lambda t: optim.SGD(ps(), lr=0.1, momentum=0.9, nesterov=1), TypeError, r"nesterov"),  # type: ignore[arg-type]
    ("SGD-params-empty", lambda t: optim.SGD([], lr=0.1), ValueError, r"params is empty"),
    ("SGD-params-None", lambda t: optim.SGD(None, lr=0.1), TypeError, r"params .*NoneType"),  # type: ignore[arg-type]
    ("SGD-params-floats", lambda t: optim.SGD([1.0], lr=0.1), TypeError, r"params\[0\] must be a Value"),  # type: ignore[list-item]
    ("Adam-beta2-one", lambda t: optim.Adam(ps(), betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
    ("Adam-beta1-negative", lambda t: optim.Adam(ps(), betas=(-0.1, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\)"),
    ("Adam-betas-float", lambda t: optim.Adam(ps(), betas=0.9), TypeError, r"betas must be a pair"),  # type: ignore[arg-type]
    ("Adam-betas-triple", lambda t: optim.Adam(ps(), betas=(0.9, 0.9, 0.9)), TypeError, r"betas must be a pair"),  # type: ignore[arg-type]
    ("Adam-beta-bool", lambda t: optim.Adam(ps(), betas=(True, 0.9)), TypeError, r"betas\[0\] .*bool"),
    ("Adam-eps-zero", lambda t: optim.Adam(ps(), eps=0.0), ValueError, r"eps must be > 0"),
    ("Adam-lr-negative", lambda t: optim.Adam(ps(), lr=-0.01), ValueError, r"lr must be > 0"),
    ("Adam-weight_decay-inf", lambda t: optim.Adam(ps(), weight_decay=INF), ValueError, r"weight_decay .*inf"),
    ("Optimizer-lr-set-negative", lambda t: setattr(optim.SGD(ps(), lr=0.1), "lr", -0.5), ValueError, r"lr must be >= 0"),
    (
        "Optimizer-load-hyperparameters-list",
        lambda t: optim.Adam(ps()).load_state_dict({"type": "Adam", "hyperparameters": [1, 2]}),
        TypeError,
        r"hyperparameters",
    ),
    (
        "Optimizer-load-state-list",
        lambda t: optim.Adam(ps()).load_state_dict({"type": "Adam", "state": [1]}),
        TypeError,
        r"state",
    ),
    (
        "SGD-load-nesterov-str",
        lambda t: optim.SGD(ps(), lr=0.1).load_state_dict(
            {"type": "SGD", "hyperparameters": {"nesterov": "yes"}}
        ),
        TypeError,
        r"nesterov must be a bool",
    ),
    # ---- schedules ---------------------------------------------------------------------------
    ("LinearDecay-start-zero", lambda t: optim.LinearDecay(0.0, 0.1, 10), ValueError, r"start must be > 0"),
    ("LinearDecay-steps-zero", lambda t: optim.LinearDecay(1.0, 0.1, 0), ValueError, r"steps must be >= 1"),
    ("LinearDecay-steps-float", lambda t: optim.LinearDecay(1.0, 0.1, 10.0), TypeError, r"steps .*float"),  # type: ignore[arg-type]
    ("LinearDecay-call-negative", lambda t: optim.LinearDecay(1.0, 0.1, 10)(-1), ValueError, r"step k must be >= 0"),
    ("LinearDecay-call-bool", lambda t: optim.LinearDecay(1.0, 0.1, 10)(True), TypeError, r"step k .*bool"),
    ("StepDecay-step_size-zero", lambda t: optim.StepDecay(1.0, step_size=0), ValueError, r"step_size must be >= 1"),
    ("StepDecay-gamma-str", lambda t: optim.StepDecay(1.0, 2, gamma="0.5"), TypeError, r"gamma .*str"),  # type: ignore[arg-type]
    ("CosineDecay-end-negative", lambda t: optim.CosineDecay(1.0, -0.1, 10), ValueError, r"end must be >= 0"),
    ("CosineDecay-start-nan", lambda t: optim.CosineDecay(NAN), ValueError, r"start .*nan"),
    # ---- fit ----------------------------------------------------------------------------------
    ("fit-model-None", lambda t: fit_quietly(model=3), TypeError, r"model must be callable"),
    ("fit-X-None", lambda t: fit_quietly(X=None), TypeError, r"X must be a list of samples .*NoneType"),
    ("fit-X-str", lambda t: fit_quietly(X="abcd"), TypeError, r"X must be a list of samples .*str"),
    ("fit-X-dict", lambda t: fit_quietly(X=dict(enumerate(X4))), TypeError, r"\bX\b.*dict"),
    ("fit-X-rows-dicts", lambda t: fit_quietly(X=[{"a": 0.0, "b": 1.0}] * 4), TypeError, r"X\[0\].*dict"),
    ("fit-X-flat", lambda t: fit_quietly(X=[0.0, 1.0, 2.0, 3.0]), TypeError, r"X\[0\] must be a list of numbers"),
    ("fit-X-nan", lambda t: fit_quietly(X=[[0.0, 1.0], [NAN, 0.0], [0.0, 0.0], [1.0, 1.0]]), ValueError, r"X\[1\]\[0\] .*nan"),
    ("fit-X-inf", lambda t: fit_quietly(X=[[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, INF]]), ValueError, r"X\[3\]\[1\] .*inf"),
    ("fit-X-bool", lambda t: fit_quietly(X=[[0.0, True]] * 4), TypeError, r"X\[0\]\[1\] .*bool"),
    ("fit-X-complex", lambda t: fit_quietly(X=[[0.0, 1j]] * 4), TypeError, r"X\[0\]\[1\] .*complex"),
    ("fit-X-huge-int", lambda t: fit_quietly(X=[[0.0, HUGE_INT]] * 4), ValueError, r"X\[0\]\[1\]"),
    ("fit-X-empty", lambda t: fit_quietly(X=[], y=[]), ValueError, r"X is empty"),
    ("fit-X-width", lambda t: fit_quietly(X=[[1.0, 2.0, 3.0]] * 4), ValueError, r"expects 2 inputs, got 3"),
    ("fit-X-ragged", lambda t: fit_quietly(X=[[1.0, 2.0], [1.0], [0.0, 0.0], [1.0, 1.0]]), ValueError, r"X\[1\] has 1 features"),
    ("fit-y-None", lambda t: fit_quietly(y=None), TypeError, r"y must be a list of targets.*NoneType"),
    ("fit-y-dict", lambda t: fit_quietly(y=dict(enumerate(Y4)), loss="mse"), TypeError, r"\by\b.*dict"),
    ("fit-lengths", lambda t: fit_quietly(y=Y4[:3]), ValueError, r"X has 4 samples but y has 3"),
    ("fit-hinge-label-0", lambda t: fit_quietly(y=[1, 0, 1, -1]), ValueError, r"y\[1\] must be -1 or \+1"),
    ("fit-ce-label-range", lambda t: fit_quietly(mlp([3, 2]), y=[0, 1, 2, 0], loss="cross_entropy"), ValueError, r"y\[2\] = 2 is out of range"),
    ("fit-bce-label-2", lambda t: fit_quietly(y=[0, 1, 2, 0], loss="binary_cross_entropy_with_logits"), ValueError, r"y\[2\] must be 0 or 1"),
    ("fit-mse-target-nan", lambda t: fit_quietly(y=[0.0, 1.0, NAN, 0.0], loss="mse"), ValueError, r"y\[2\] .*nan"),
    ("fit-mse-target-bool", lambda t: fit_quietly(y=[0.0, True, 1.0, 0.0], loss="mse"), TypeError, r"y\[1\] .*bool"),
    ("fit-loss-unknown", lambda t: fit_quietly(loss="l1"), ValueError, r"unknown loss 'l1'"),
    ("fit-loss-int", lambda t: fit_quietly(loss=3), TypeError, r"loss must be a loss name"),
    ("fit-optimizer-unknown", lambda t: fit_quietly(optimizer="rmsprop"), TypeError, r"optimizer must be"),
    ("fit-lr-negative", lambda t: fit_quietly(lr=-1.0), ValueError, r"lr must be > 0"),
    ("fit-lr-bool", lambda t: fit_quietly(lr=True), TypeError, r"lr .*bool"),
    ("fit-epochs-zero", lambda t: fit_quietly(epochs=0), ValueError, r"epochs must be >= 1, got 0"),
    ("fit-epochs-bool", lambda t: fit_quietly(epochs=True), TypeError, r"epochs .*bool"),
    ("fit-epochs-float", lambda t: fit_quietly(epochs=2.0), TypeError, r"epochs .*float"),
    ("fit-batch_size-zero", lambda t: fit_quietly(batch_size=0), ValueError, r"batch_size must be >= 1, got 0"),
    ("fit-batch_size-negative", lambda t: fit_quietly(batch_size=-2), ValueError, r"batch_size must be >= 1"),
    ("fit-batch_size-bool", lambda t: fit_quietly(batch_size=True), TypeError, r"batch_size .*bool"),
    ("fit-l2-negative", lambda t: fit_quietly(l2=-0.1), ValueError, r"l2 must be >= 0"),
    ("fit-l2-bool", lambda t: fit_quietly(l2=True), TypeError, r"l2 .*bool"),
    ("fit-seed-str", lambda t: fit_quietly(seed="0"), TypeError, r"seed"),
    ("fit-progress-int", lambda t: fit_quietly(progress_=1), TypeError, r"progress must be a bool"),
    ("fit-callback-int", lambda t: fit_quietly(callback=3), TypeError, r"callback must be a function"),
    ("fit-schedule-float", lambda t: fit_quietly(schedule=0.1), TypeError, r"schedule must be a function"),
    ("fit-schedule-gives-negative-lr", lambda t: fit_quietly(schedule=lambda k: -1.0), ValueError, r"schedule"),
    ("fit-validation-not-pair", lambda t: fit_quietly(validation=[[0.0, 1.0]]), TypeError, r"validation must be a pair"),
    ("fit-validation-empty", lambda t: fit_quietly(validation=([], [])), ValueError, r"X_val is empty"),
    ("fit-validation-lengths", lambda t: fit_quietly(validation=([[0.0, 1.0]], [1, 1])), ValueError, r"X_val has 1 samples but y_val has 2"),
    ("fit-validation-label", lambda t: fit_quietly(validation=([[0.0, 1.0]], [0])), ValueError, r"y_val\[0\] must be -1 or \+1"),
    # ---- evaluate, predict -------------------------------------------------------------------
    ("evaluate-model-None", lambda t: evaluation.evaluate(None, X4, [0.0] * 4), TypeError, r"model"),
    ("evaluate-X-None", lambda t: evaluation.evaluate(mlp(), None, [0.0] * 4), TypeError, r"X must be a list"),  # type: ignore[arg-type]
    ("evaluate-empty", lambda t: evaluation.evaluate(mlp(), [], []), ValueError, r"X is empty"),
    ("evaluate-lengths", lambda t: evaluation.evaluate(mlp(), X4, [0.0]), ValueError, r"X has 4 samples but y has 1"),
    ("evaluate-loss-unknown", lambda t: evaluation.evaluate(mlp(), X4, [0.0] * 4, loss="nope"), ValueError, r"unknown loss 'nope'"),
    ("evaluate-width", lambda t: evaluation.evaluate(mlp(), [[1.0]] * 4, [0.0] * 4), ValueError, r"expects 2 inputs, got 1"),
    ("accuracy-model-None", lambda t: evaluation.accuracy(None, X4, Y4), TypeError, r"model"),
    ("predict-model-None", lambda t: evaluation.predict(None, X4), TypeError, r"model must be callable"),
    ("predict-X-None", lambda t: evaluation.predict(mlp(), None), TypeError, r"X must be a list"),  # type: ignore[arg-type]
    ("predict-X-nan", lambda t: evaluation.predict(mlp(), [[0.0, NAN]]), ValueError, r"X\[0\]\[1\] .*nan"),
    ("predict-X-bool", lambda t: evaluation.predict(mlp(), [[0.0, False]]), TypeError, r"X\[0\]\[1\] .*bool"),
    ("predict-X-flat", lambda t: evaluation.predict(mlp(), [0.0, 1.0]), TypeError, r"X\[0\] must be a list of numbers"),  # type: ignore[list-item]
    ("predict-loss-int", lambda t: evaluation.predict(mlp(), X4, loss=3), TypeError, r"loss must be a loss name"),  # type: ignore[arg-type]
    # ---- save and load -------------------------------------------------------------------------
    ("save-model-None", lambda t: serialize.save(None, t / "m.json"), TypeError, r"save expects an MLP, got NoneType"),  # type: ignore[arg-type]
    ("save-model-Neuron", lambda t: serialize.save(Neuron(2), t / "m.json"), TypeError, r"save expects an MLP, got Neuron"),  # type: ignore[arg-type]
    ("save-path-None", lambda t: serialize.save(mlp(), None), TypeError, r"path .*NoneType"),  # type: ignore[arg-type]
    ("save-path-bytes", lambda t: serialize.save(mlp(), b"m.json"), TypeError, r"path .*bytes"),  # type: ignore[arg-type]
    ("save-path-empty", lambda t: in_directory(t / "cwd", lambda: serialize.save(mlp(), "")), ValueError, r"path"),
    ("save-missing-directory", lambda t: serialize.save(mlp(), t / "no-such-dir" / "m.json"), FileNotFoundError, r"no-such-dir"),
    ("load-path-None", lambda t: serialize.load(None), TypeError, r"path .*NoneType"),  # type: ignore[arg-type]
    ("load-path-list", lambda t: serialize.load(["m.json"]), TypeError, r"path .*list"),  # type: ignore[arg-type]
    ("load-missing-file", lambda t: serialize.load(t / "missing.json"), FileNotFoundError, r"missing\.json"),
    (
        "load-a-list",
        lambda t: serialize.load(write_text(t / "list.json", "[1, 2, 3]")),
        ValueError,
        r"list\.json: not a micrograd_like model file",
    ),
    (
        "load-nan-parameter",
        lambda t: serialize.load(write_text(t / "nan.json", model_json().replace("0.0", "NaN", 1))),
        ValueError,
        r"nan\.json: .*NaN",
    ),
    # ---- datasets --------------------------------------------------------------------------------
    ("make_moons-n-0", lambda t: data.make_moons(0), ValueError, r"n_samples must be >= 1, got 0"),
    ("make_moons-n-str", lambda t: data.make_moons("100"), TypeError, r"n_samples .*str"),  # type: ignore[arg-type]
    ("make_moons-n-bool", lambda t: data.make_moons(True), TypeError, r"n_samples .*bool"),
    ("make_moons-noise-negative", lambda t: data.make_moons(10, noise=-0.1), ValueError, r"noise must be >= 0"),
    ("make_moons-noise-nan", lambda t: data.make_moons(10, noise=NAN), ValueError, r"noise .*nan"),
    ("make_moons-noise-complex", lambda t: data.make_moons(10, noise=0.1j), TypeError, r"noise .*complex"),  # type: ignore[arg-type]
    ("make_moons-seed-float", lambda t: data.make_moons(10, seed=1.5), TypeError, r"seed .*float"),  # type: ignore[arg-type]
    ("make_circles-factor-1", lambda t: data.make_circles(10, factor=1.0), ValueError, r"factor must be between 0 and 1"),
    ("make_xor-n-negative", lambda t: data.make_xor(-5), ValueError, r"n_samples must be >= 1, got -5"),
    ("make_spiral-classes-0", lambda t: data.make_spiral(10, classes=0), ValueError, r"classes must be >= 1"),
    ("make_spiral-fewer-samples-than-classes", lambda t: data.make_spiral(2, classes=3), ValueError, r"n_samples must be >= 3"),
    ("make_blobs-centers-empty", lambda t: data.make_blobs(10, centers=[]), TypeError, r"centers"),
    ("make_blobs-centers-ragged", lambda t: data.make_blobs(10, centers=[[0.0], [1.0, 2.0]]), ValueError, r"centers\[1\] has 2 coordinates"),
    ("make_blobs-cluster_std-negative", lambda t: data.make_blobs(10, cluster_std=-1.0), ValueError, r"cluster_std must be >= 0"),
    ("make_blobs-center_box-reversed", lambda t: data.make_blobs(10, center_box=(1.0, -1.0)), ValueError, r"center_box must have low < high"),
    ("make_line-slope-inf", lambda t: data.make_line(10, slope=INF), ValueError, r"slope .*inf"),
    ("make_line-x_range-str", lambda t: data.make_line(10, x_range="ab"), TypeError, r"x_range must be a pair"),  # type: ignore[arg-type]
    ("train_test_split-lengths", lambda t: data.train_test_split([1, 2, 3], [1, 2]), ValueError, r"X has 3 samples but y has 2"),
    ("train_test_split-empty", lambda t: data.train_test_split([], []), ValueError, r"at least 2 samples, got 0"),
    ("train_test_split-fraction-1", lambda t: data.train_test_split([1, 2, 3], [1, 2, 3], test_size=1.0), ValueError, r"test_size .*\(0, 1\)"),
    ("train_test_split-count-too-big", lambda t: data.train_test_split([1, 2, 3], [1, 2, 3], test_size=3), ValueError, r"test_size as a count"),
    ("train_test_split-bool", lambda t: data.train_test_split([1, 2, 3], [1, 2, 3], test_size=True), TypeError, r"test_size .*bool"),
    ("train_test_split-None", lambda t: data.train_test_split(None, None), TypeError, r"X and y must be sequences"),  # type: ignore[arg-type]
    ("signed_labels-2", lambda t: data.signed_labels([0, 2]), ValueError, r"y\[1\] must be 0 or 1"),
    ("signed_labels-None", lambda t: data.signed_labels(None), TypeError, r"\by\b"),  # type: ignore[arg-type]
    ("one_hot-negative", lambda t: data.one_hot([0, -1]), ValueError, r"y\[1\] must be >= 0"),
    ("one_hot-out-of-range", lambda t: data.one_hot([0, 3], num_classes=2), ValueError, r"y\[1\] = 3 is out of range"),
    # ---- draw_dot, draw_network, save_graph ------------------------------------------------------
    ("draw_dot-root-None", lambda t: viz.draw_dot(None), TypeError, r"draw_dot expects a Value"),  # type: ignore[arg-type]
    ("draw_dot-root-float", lambda t: viz.draw_dot(2.0), TypeError, r"draw_dot expects a Value .*float"),  # type: ignore[arg-type]
    ("draw_dot-rankdir", lambda t: viz.draw_dot(product(), rankdir="RL"), ValueError, r"rankdir .*'RL'"),
    ("draw_dot-max_nodes-zero", lambda t: viz.draw_dot(product(), max_nodes=0), ValueError, r"max_nodes must be >= 1"),
    ("draw_dot-max_nodes-bool", lambda t: viz.draw_dot(product(), max_nodes=True), TypeError, r"max_nodes .*bool"),
    ("draw_dot-precision-zero", lambda t: viz.draw_dot(product(), precision=0), ValueError, r"precision must be between 1 and 17"),
    ("draw_dot-precision-str", lambda t: viz.draw_dot(product(), precision="4"), TypeError, r"precision .*str"),  # type: ignore[arg-type]
    ("draw_dot-collapse", lambda t: viz.draw_dot(product(), collapse="all"), ValueError, r"collapse .*'all'"),
    ("draw_dot-collapse-without-model", lambda t: viz.draw_dot(product(), collapse="neuron"), ValueError, r"collapse='neuron' needs the model"),
    ("draw_dot-model-int", lambda t: viz.draw_dot(product(), model=3), TypeError, r"model must have named_parameters"),
    ("draw_dot-step-int", lambda t: viz.draw_dot(product(), step=3), TypeError, r"step must be a BackwardStep"),  # type: ignore[arg-type]
    ("draw_dot-show_local_grads-str", lambda t: viz.draw_dot(product(), show_local_grads="yes"), TypeError, r"show_local_grads"),  # type: ignore[arg-type]
    ("draw_network-Neuron", lambda t: viz.draw_network(Neuron(2)), TypeError, r"draw_network expects an MLP, got Neuron"),  # type: ignore[arg-type]
    ("draw_network-x-wide", lambda t: viz.draw_network(mlp(), x=[1.0, 2.0, 3.0]), ValueError, r"x has 3 values but the network takes 2"),
    ("draw_network-x-nan", lambda t: viz.draw_network(mlp(), x=[1.0, NAN]), ValueError, r"x\[1\] must be finite"),
    ("draw_network-x-bool", lambda t: viz.draw_network(mlp(), x=[True, 1.0]), TypeError, r"x\[0\] .*bool"),
    ("draw_network-x-str", lambda t: viz.draw_network(mlp(), x="ab"), TypeError, r"x must be a list of 2 numbers"),  # type: ignore[arg-type]
    ("draw_network-precision", lambda t: viz.draw_network(mlp(), precision=18), ValueError, r"precision must be between 1 and 17"),
    ("save_graph-None", lambda t: viz.save_graph(None, t / "g.dot"), TypeError, r"save_graph expects a Value or a graphviz graph"),
    ("save_graph-extension", lambda t: viz.save_graph(product(), t / "g.jpg"), ValueError, r"path must end in .*g\.jpg"),
    ("save_graph-path-int", lambda t: viz.save_graph(product(), 3), TypeError, r"path .*int"),  # type: ignore[arg-type]
    ("save_graph-options-for-a-digraph", lambda t: viz.save_graph(viz.draw_dot(product()), t / "g.dot", rankdir="TB"), TypeError, r"rankdir"),
    ("render-format", lambda t: viz.render(viz.draw_dot(product()), "jpg"), ValueError, r"fmt must be one of"),
    # ---- backward_steps, explain -----------------------------------------------------------------
    ("backward_steps-None", lambda t: viz_steps.backward_steps(None), TypeError, r"backward_steps expects a Value"),  # type: ignore[arg-type]
    ("backward_steps-float", lambda t: viz_steps.backward_steps(1.5), TypeError, r"backward_steps expects a Value .*float"),  # type: ignore[arg-type]
    ("backward_steps-zero_grad-str", lambda t: viz_steps.backward_steps(product(), zero_grad="no"), TypeError, r"zero_grad"),  # type: ignore[arg-type]
    ("explain-precision", lambda t: viz_steps.explain(product(), precision=0), ValueError, r"precision must be between 1 and 17"),
    # ---- check_gradients, numerical_grad ---------------------------------------------------------
    ("check_gradients-f-None", lambda t: gradcheck.check_gradients(None, [1.0]), TypeError, r"function"),  # type: ignore[arg-type]
    ("check_gradients-xs-None", lambda t: gradcheck.check_gradients(lambda x: x, None), TypeError, r"xs"),  # type: ignore[arg-type]
    ("check_gradients-xs-str", lambda t: gradcheck.check_gradients(lambda x: x, ["1"]), TypeError, r"input 0 .*str"),  # type: ignore[list-item]
    ("check_gradients-xs-nan", lambda t: gradcheck.check_gradients(lambda x: x, [NAN]), ValueError, r"input 0 .*nan"),
    ("check_gradients-xs-bool", lambda t: gradcheck.check_gradients(lambda x: x, [True]), TypeError, r"input 0 .*bool"),
    ("check_gradients-eps-zero", lambda t: gradcheck.check_gradients(lambda x: x, [1.0], eps=0.0), ValueError, r"eps must be > 0"),
    ("check_gradients-eps-str", lambda t: gradcheck.check_gradients(lambda x: x, [1.0], eps="a"), TypeError, r"eps"),  # type: ignore[arg-type]
    ("check_gradients-eps-nan", lambda t: gradcheck.check_gradients(lambda x: x * x, [1.0], eps=NAN), ValueError, r"eps"),
    ("check_gradients-eps-bool", lambda t: gradcheck.check_gradients(lambda x: x * x, [1.0], eps=True), TypeError, r"eps"),
    ("check_gradients-rtol-str", lambda t: gradcheck.check_gradients(lambda x: x * x, [1.0], rtol="a"), TypeError, r"rtol"),  # type: ignore[arg-type]
    ("check_gradients-returns-float", lambda t: gradcheck.check_gradients(lambda x: 3.0, [1.0]), TypeError, r"must return a Value, got float"),  # type: ignore[arg-type,return-value]
    ("numerical_grad-eps-zero", lambda t: gradcheck.numerical_grad(lambda x: x, [1.0], eps=0.0), ValueError, r"eps"),
    # ---- grad, hessian ---------------------------------------------------------------------------
    ("grad-f-None", lambda t: higher_order.grad(None), TypeError, r"grad needs a function, got NoneType"),  # type: ignore[arg-type]
    ("grad-argnums-str", lambda t: higher_order.grad(lambda x: x, argnums="0")(1.0), TypeError, r"argnums .*str"),  # type: ignore[arg-type]
    ("grad-argnums-bool", lambda t: higher_order.grad(lambda x: x, argnums=True)(1.0), TypeError, r"argnums .*bool"),
    ("grad-argnums-float", lambda t: higher_order.grad(lambda x: x, argnums=0.0)(1.0), TypeError, r"argnums"),  # type: ignore[arg-type]
    ("grad-argnums-out-of-range", lambda t: higher_order.grad(lambda x: x, argnums=1)(1.0), ValueError, r"argnums 1 is out of range"),
    ("grad-argument-str", lambda t: higher_order.grad(lambda x: x)("1"), TypeError, r"argument 0 .*str"),
    ("grad-argument-nan", lambda t: higher_order.grad(lambda x: x)(NAN), ValueError, r"argument 0 .*nan"),
    ("grad-argument-bool", lambda t: higher_order.grad(lambda x: x)(True), TypeError, r"argument 0 .*bool"),
    ("grad-returns-str", lambda t: higher_order.grad(lambda x: "x")(1.0), TypeError, r"must return a Value or a number, got str"),
    ("hessian-f-None", lambda t: higher_order.hessian(None), TypeError, r"hessian needs a function"),  # type: ignore[arg-type]
    ("hessian-argument-inf", lambda t: higher_order.hessian(lambda x: x * x)(INF), ValueError, r"argument 0 .*inf"),
    ("hessian-argument-complex", lambda t: higher_order.hessian(lambda x: x * x)(1j), TypeError, r"argument 0 .*complex"),
    ("hessian-returns-str", lambda t: higher_order.hessian(lambda x: "x")(1.0), TypeError, r"must return a Value or a number, got str"),
]  # fmt: skip
