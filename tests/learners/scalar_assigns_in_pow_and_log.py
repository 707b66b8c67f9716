# Reconstruction (not a copy) in the style of a learner's class named Scalar, with a
# separate topological_sort() method, constants labelled 'Constant', and log added.
# Its mistake: `self.grad = ...` instead of `+=` in __pow__ and in log.
# Expected: fails naming __pow__ and log only (/ uses ** and is not judged).
import math


class Scalar:

    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data  # the number
        self.grad = 0.0  # d(output)/d(this)
        self._backward = lambda: None  # chains the output's grad into the inputs'
        self._prev = set(_children)  # the scalars this one was computed from
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Scalar({self.label} = {self.data} | Grad = {self.grad})"

    def __gt__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other, label='Constant')
        return True if self.data > other.data else False

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other, label='Constant')
        out = Scalar(self.data + other.data, (self, other), '+', 'sum')

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return self * (-1)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other, label='Constant')
        out = Scalar(self.data * other.data, (self, other), '*', 'product')

        def _backward():
            self.grad += (other.data) * out.grad
            other.grad += (self.data) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "Only int/float powers for now"
        out = Scalar(self.data**other, (self, ), f'**{other}')

        def _backward():
            self.grad = other * self.data**(other-1) * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        return self * other**-1

    def exp(self):
        x = self.data
        out = Scalar(math.exp(x), (self, ), 'exp', 'exp')

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        x = self.data
        out = Scalar(math.log(x), (self, ), 'log', 'log')

        def _backward():
            self.grad = (1/x) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = Scalar(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def topological_sort(self):
        topo = []
        visited = set()

        def build_topo(self):
            if self not in visited:
                visited.add(self)
                for child in self._prev:
                    build_topo(child)
                topo.append(self)

        build_topo(self)
        return topo

    def backward(self):
        self.grad = 1
        topo = self.topological_sort()
        for node in reversed(topo):
            node._backward()
