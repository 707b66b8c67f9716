"""The small model and its saved JSON document, shared by the persistence tests."""

from __future__ import annotations

from typing import Any

from micrograd_like.nn import MLP


def small_model(seed: int = 0) -> MLP:
    return MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=seed)


def document(model: MLP | None = None) -> dict[str, Any]:
    """The JSON document save() writes for ``model`` (default: a small model), spelled
    out: the format name and version are the documented ones, not read from the code."""
    m = model or small_model()
    return {
        "format": "micrograd_like.mlp",
        "version": 1,
        "architecture": {
            "nin": m.nin,
            "nouts": m.nouts,
            "activation": m.activation,
            "output_activation": m.output_activation,
        },
        "parameters": m.state_dict(),
    }
