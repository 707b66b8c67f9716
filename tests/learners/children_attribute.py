# Reconstruction (not a copy) in the style of a learner's engine that names the operand
# set `children` (from a constructor argument `_prev=[]`), keeps a half-written __gt__
# that would crash if called, and spells out every op of the lecture.
# Expected: passes, every op present.
import math

class Value():

    def __init__(self, data, _prev=[], _op='', label=''):
        self.data = data
        self.children = set(_prev)
        self._op = _op
        self.label = label
        self._backward = lambda: None
        self.grad = 0.0

    def __repr__(self):
        return f'Value({self.data}, grad= {self.grad})'

    def __gt__(self, other):
        out = self.data > other.data
        def _backward():
            self.grad += out.grad
        out._backward = _backward  # a bool has no attributes: never used by the lecture
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, _prev=[self, other], _op='+')
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return self * (-1)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, _prev=[self, other], _op='*')
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**(-1)

    def __pow__(self, other):
        assert isinstance(other, (int, float)), 'only int/float powers'
        out = Value(self.data**other, (self,), f'**{other}')
        def _backward():
            # d(x**n)/dx = n * x**(n-1)
            self.grad += (other * self.data**(other - 1)) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), 'tanh')
        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), 'exp')
        def _backward():
            self.grad += out.data * out.grad  # e**x is its own derivative
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, _prev=(self,), _op='ReLU')
        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v.children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
