# Reconstruction (not a copy) in the style of QingZhou-YangHY/Micrograd, engine.py
# (commit 2cee67d0f5a5b8ca1d521125b9d7501ae9381324, MIT licence): the class as the
# lecture has it just before the "+=" fix, with a docstring on the topological sort.
# Its mistakes: `=` for `+=` in __add__, __mul__ and tanh, and + and * do not wrap
# plain numbers. Expected: fails naming __add__, __mul__ and tanh only.
import math


class Value:

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = 1.0 * out.grad
            other.grad = 1.0 * out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward

        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1) / (math.exp(2*x) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad = (1 - t**2) * out.grad
        out._backward = _backward

        return out

    def backward(self):
        """Backpropagation is a topological sort: each node's _backward runs after
        every node that uses it has passed its gradient on."""
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
