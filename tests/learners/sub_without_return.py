# Reconstruction (not a copy) in the style of a learner's value.py written ahead of the
# lecture: every op declared, most still `pass`, and a __sub__ with its own _backward
# (other.grad -= ...) that forgets `return output`. Expected: fails naming __sub__
# only; the `pass` stubs are missing, not failed.

class Value:
    '''
    Scalar value with its gradient.
    '''

    def __init__(self, data, _children=(), _op=None):
        self.data = data
        self.grad = 0
        # _prev: the nodes that are inputs to this node
        self._prev = set(_children)
        # _backward: passes the gradient on to the inputs
        self._backward = lambda: None
        self._op = _op

    def __add__(self, other):
        # plain numbers become Values
        other = other if isinstance(other, Value) else Value(other)
        output = Value(self.data + other.data, _children=(self, other), _op='+')

        def _backward():
            self.grad += output.grad
            other.grad += output.grad

        output._backward = _backward
        return output

    def __radd__(self, other):
        return other + self

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        output = Value(self.data - other.data, _children=(self, other), _op='-')

        def _backward():
            self.grad += output.grad
            other.grad -= output.grad
        output._backward = _backward

    def __rsub__(self, other):
        return other + (-self)

    def __mul__(self, other):
        pass

    def __rmul__(self, other):
        pass

    def __pow__(self, other):
        pass

    def __neg__(self):
        pass

    def __truediv__(self, other):
        pass

    def __rtruediv__(self, other):
        pass

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad}))"

    def relu(self):
        pass

    def tanh(self):
        pass

    def backward(self):
        # every node reachable from self, inputs first
        def topo(node, visited, order):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    topo(child, visited, order)
                order.append(node)
            return order

        self.grad = 1
        for node in reversed(topo(self, set(), [])):
            node._backward()
