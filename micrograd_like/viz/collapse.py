"""Collapsed views of a computation graph: one box per neuron (or per layer) of a model.

:func:`~micrograd_like.viz.draw_dot` with ``collapse="neuron"`` or ``"layer"`` finds,
for each call of a neuron of ``model``, the nodes it made (:func:`neuron_boxes`), and
draws them as one box; ``"layer"`` merges the boxes of one layer call
(:func:`layer_boxes`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from micrograd_like.engine import Value
from micrograd_like.viz.names import short_parameter_name


class Box:
    """The nodes one call of a neuron (or of a layer) made, drawn as a single box."""

    def __init__(
        self,
        name: str,
        activation: str,
        outputs: list[Value],
        members: set[Value],
        inputs: list[Value],
    ) -> None:
        self.name, self.activation, self.outputs = name, activation, outputs
        self.members, self.inputs = members, inputs


def model_neurons(model: Any) -> list[tuple[str, Any]]:
    """(dotted name, neuron) for each neuron of an MLP, a Layer or a Neuron, in order."""
    try:
        if hasattr(model, "layers"):
            found = [
                (f"layers.{i}.neurons.{j}", n)
                for i, layer in enumerate(model.layers)
                for j, n in enumerate(layer.neurons)
            ]
        elif hasattr(model, "neurons"):
            found = [(f"neurons.{j}", n) for j, n in enumerate(model.neurons)]
        else:
            found = [("neuron", model)]
        if all(isinstance(n.b, Value) and all(isinstance(w, Value) for w in n.w) for _, n in found):
            return found
    except (AttributeError, TypeError):
        pass
    raise TypeError(
        f"collapse needs an MLP, a Layer or a Neuron as model, got {type(model).__name__}"
    )


def neuron_boxes(nodes: list[Value], model: Any) -> list[Box]:
    """A box per call of each neuron found in the graph.

    A call is anchored at its pre-activation ``z``: the ``affine`` (or, for
    ``neuron(x, step_by_step=True)``, the final ``+``) node that has the bias as an operand. The
    box holds ``z``, the nodes between the neuron's parameters and ``z`` (the ``*`` and
    ``+`` nodes of a fine graph), and the activation node applied to ``z``.
    """
    children: dict[Value, list[Value]] = {}
    for v in nodes:
        for p in v.parents:
            children.setdefault(p, []).append(v)
    boxes = []
    for name, neuron in model_neurons(model):
        params = {*neuron.w, neuron.b}
        anchors = [z for z in children.get(neuron.b, []) if z.op in ("affine", "+")]
        stops = set(anchors)
        reached: set[Value] = set()  # nodes downstream of the parameters, up to a z
        stack = [c for p in params for c in children.get(p, [])]
        while stack:
            u = stack.pop()
            if u not in reached:
                reached.add(u)
                if u not in stops:
                    stack.extend(children.get(u, []))
        for k, z in enumerate(anchors):
            members, stack = {z}, [z]
            while stack:  # upstream from z, through what the parameters feed
                for p in stack.pop().parents:
                    if p in reached and p not in members and p not in stops:
                        members.add(p)
                        stack.append(p)
            out = z
            for c in children.get(z, []):
                if c.op == neuron.activation and c.parents[0] is z:
                    out = c
                    members.add(c)
                    members.update(p for p in c.parents[1:] if not p.parents)  # leaky slope
                    break
            inputs = {
                p: None for m in members for p in m.parents if p not in members and p not in params
            }
            short = short_parameter_name(name)
            label = f"{short} (call {k + 1})" if len(anchors) > 1 else short
            boxes.append(Box(label, neuron.activation, [out], members, list(inputs)))
    return boxes


def layer_boxes(boxes: list[Box]) -> list[Box]:
    """Neuron boxes merged per layer call: same layer, same inputs."""
    merged: dict[tuple[str, frozenset[Value]], Box] = {}
    for box in boxes:
        layer = box.name.split(".N")[0] if ".N" in box.name else "layer"
        m = merged.setdefault(
            (layer, frozenset(box.inputs)), Box(layer, box.activation, [], set(), [])
        )
        m.outputs += box.outputs
        m.members |= box.members
        m.inputs += [p for p in box.inputs if p not in m.inputs]
        if m.activation != box.activation:
            m.activation = "mixed"
    calls = Counter(layer for layer, _ in merged)
    seen: Counter[str] = Counter()
    for (layer, _), m in merged.items():
        if calls[layer] > 1:
            seen[layer] += 1
            m.name = f"{layer} (call {seen[layer]})"
    return list(merged.values())
