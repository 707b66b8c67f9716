# Reconstruction (not a copy) in the style of a learner's engine that builds a label
# for every node ("a+b", "exp(...)") and sits next to its own draw_dot. Its mistakes
# are both in exp: `self.grad = x * out.grad` (= for +=) and no `return out`.
# Expected: fails naming exp only.
import math


class Value:
  def __init__(self, data, _children=(), _op='', label=''):
    self.data = data
    self._prev = set(_children)
    self._op = _op
    self.grad = 0
    self._backward = lambda: None
    self.label = label

  def __repr__(self):
    return f"Value({self.label or self.data})"

  def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other, label=str(other))
    lab = self.label + "+" + other.label
    out = Value(self.data + other.data, (self, other), '+', lab)

    def _backward():
      self.grad += out.grad
      other.grad += out.grad

    out._backward = _backward
    return out

  def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other, label=str(other))
    lab = self.label + "*" + other.label
    out = Value(self.data * other.data, (self, other), '*', lab)

    def _backward():
      self.grad += other.data * out.grad
      other.grad += self.data * out.grad
    out._backward = _backward
    return out

  def exp(self):
    x = math.exp(self.data)
    out = Value(x, (self,), 'exp', f'exp({self})')

    def _backward():
      self.grad = x * out.grad

    out._backward = _backward

  def __pow__(self, other):
    assert isinstance(other, (int, float)), "only ints and floats are allowed for power"
    out = Value(self.data**other, (self,), f'**{other}', f'{self.label}**{other}')

    def _backward():
      self.grad += other * (self.data**(other - 1)) * out.grad
    out._backward = _backward
    return out

  def tanh(self):
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = Value(t, (self,), 'tanh', "tanh(" + self.label + ")")

    def _backward():
      self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out

  def relu(self):
    out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

    def _backward():
      self.grad += (out.data > 0) * out.grad
    out._backward = _backward
    return out

  def __radd__(self, other):
    return self + other

  def __rmul__(self, other):
    return self * other

  def __truediv__(self, other):
    out = self * other**-1
    out.label = self.label + "/" + (other.label if isinstance(other, Value) else str(other))
    return out

  def __neg__(self):
    return self * -1

  def __sub__(self, other):
    out = self + (-other)
    out.label = self.label + '-' + (other.label if isinstance(other, Value) else str(other))
    return out

  def __rsub__(self, other):
    return other + (-self)

  def backward(self):
    topo = []
    vis = set()

    def build_topo(v):
      if v not in vis:
        vis.add(v)
        for child in v._prev:
          build_topo(child)
        topo.append(v)
    build_topo(self)
    self.grad = 1
    for node in reversed(topo):
      node._backward()
