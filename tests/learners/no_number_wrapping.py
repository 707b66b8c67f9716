# Reconstruction (not a copy) in the style of saagark/micrograd, micrograd-py/engine.py
# (commit 3060d198dbee98830508ad50160c6d3f771bd384, MIT licence): only + and *, the
# operand set named _children, an integer seed, and no wrapping of plain numbers.
# Expected: fails naming __add__ and __mul__ only (a + 2 and a * 4 raise
# AttributeError: 'int' object has no attribute 'data'); backward passes.

class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        self._children = set(_children)
        self._op = _op
        self._backward = lambda: None  # autograd function

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), '+')
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), '*')
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for node in reversed(topo):
            node._backward()

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
