"""Optimisers: each ``step(params, grads)`` updates the parameter arrays in place.

For one parameter array theta with gradient g (all operations elementwise), eta = lr:

SGD:       theta <- theta - eta g
Momentum:  m <- beta m + g;                 theta <- theta - eta m
Adagrad:   G <- G + g^2;                    theta <- theta - eta g / (sqrt(G) + eps)
RMSprop:   v <- beta v + (1 - beta) g^2;    theta <- theta - eta g / (sqrt(v) + eps)
Adam:      m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
           theta <- theta - eta m_hat / (sqrt(v_hat) + eps),
           m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t) at the t-th step

Hyperparameters are checked whenever they are set (lr > 0, eps > 0, decay factors
beta, beta1, beta2 in [0, 1)). The running averages m, v, G live in ``state``, one per
parameter, in the parameter's dtype.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping

import numpy as np

from ._validate import as_float_array, check_choice, check_finite, check_real, describe

#: entries of bptt's Gradients that are not parameters (the optimisers skip them)
NOT_PARAMETERS = ("h0", "dxs")


class _Hyper:
    """A hyperparameter validated whenever it is set (in __init__ and later)."""

    def __init__(self, *, high=None, low_open=True):
        self.bounds = dict(low=0.0, high=high, low_open=low_open, high_open=True)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        return self if obj is None else obj.__dict__[self.name]

    def __set__(self, obj, value):
        obj.__dict__[self.name] = check_real(value, self.name, **self.bounds)


def _positive():
    return _Hyper()


def _decay():
    return _Hyper(high=1.0, low_open=False)


class Optimizer:
    """Base class: ``step`` checks the arguments, ``update(name, g)`` returns the step."""

    lr = _positive()

    def __init__(self, lr: float):
        if type(self).update is Optimizer.update:
            raise TypeError(
                f"{type(self).__name__} does not define update(k, g): use SGD, Momentum, "
                "Adagrad, RMSprop or Adam, or a subclass of Optimizer that defines it"
            )
        self.lr = lr
        self.state: dict[tuple[str, str], np.ndarray] = {}

    def step(self, params: Mapping, grads: Mapping) -> Mapping:
        """theta <- theta - update(g) for every parameter that has a gradient, in place.

        params: name -> floating array (updated in place). grads: name -> gradient of
        the same shape, for some or all parameters; bptt's entries that are not
        parameters (h0, dxs) are skipped. Everything is checked before any array
        changes. Returns params.
        """
        for name, value in (("params", params), ("grads", grads)):
            if not isinstance(value, Mapping):
                raise TypeError(
                    f"{name} must be a mapping from parameter names to arrays, "
                    f"got {describe(value)}"
                )
        unknown = [k for k in grads if k not in params and k not in NOT_PARAMETERS]
        if unknown:
            k = unknown[0]
            close = difflib.get_close_matches(str(k), [str(n) for n in params], n=1)
            raise ValueError(
                f"grads has an entry {k!r} that is not a parameter"
                + (f" (did you mean {close[0]!r}?)" if close else "")
                + f"; the parameters are {', '.join(map(repr, params))}"
            )
        if not any(k in params for k in grads):
            raise ValueError(
                f"grads has no gradient for any parameter (it has {', '.join(map(repr, grads))}"
                f"{'' if grads else 'no entries'}); the parameters are "
                f"{', '.join(map(repr, params))}"
            )
        todo = []
        for k, theta in params.items():
            if k not in grads:
                continue
            if not isinstance(theta, np.ndarray) or theta.dtype.kind != "f":
                raise TypeError(
                    f"params[{k!r}] must be a floating-point numpy array (it is updated in "
                    f"place), got {describe(theta)}"
                )
            if not theta.flags.writeable:
                raise ValueError(f"params[{k!r}] is read-only; it must be updated in place")
            g = as_float_array(grads[k], f"grads[{k!r}]", theta.dtype)
            if g.shape != theta.shape:
                raise ValueError(
                    f"grads[{k!r}] must have the shape of params[{k!r}] {theta.shape}, "
                    f"got shape {g.shape}"
                )
            check_finite(g, f"grads[{k!r}]")
            self._check_state(k, theta)
            todo.append((theta, k, g))
        for theta, k, g in todo:
            theta -= self.update(k, g)
        return params

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        """The step for parameter ``k`` given its gradient g (subclasses define it)."""
        raise NotImplementedError

    def _check_state(self, k, theta):
        for (name, key), buf in self.state.items():
            if key == k and buf.shape != theta.shape:
                raise ValueError(
                    f"this {type(self).__name__} keeps a running {name} of shape {buf.shape} "
                    f"for params[{k!r}] from earlier steps, but params[{k!r}] has shape "
                    f"{theta.shape}: use a new optimiser for a model of another size"
                )

    def _buf(self, name, k, like):
        key = (name, k)
        if key not in self.state:
            self.state[key] = np.zeros_like(like)
        return self.state[key]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    """theta <- theta - lr g."""

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        return self.lr * g


class Momentum(Optimizer):
    """m <- beta m + g; theta <- theta - lr m (heavy ball; beta in [0, 1))."""

    beta = _decay()

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = beta

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        m = self._buf("m", k, g)
        m *= self.beta
        m += g
        return self.lr * m


class Adagrad(Optimizer):
    """G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps).

    min-char-rnn writes ``dparam / np.sqrt(mem + 1e-8)``: eps inside the square root,
    g / sqrt(G + 1e-8), where rnnlib (like PyTorch) divides by sqrt(G) + eps. The two
    steps agree to about 1e-8 / G relative when G >> 1e-8 (gradients much larger than
    1e-4); for an entry whose gradients have stayed below about 1e-4, min-char-rnn's
    step is smaller (its denominator is at least 1e-4, rnnlib's only eps), e.g. a first
    gradient of 1e-6 moves min-char-rnn's weight by about lr * 0.01 and rnnlib's by lr.
    """

    eps = _positive()

    def __init__(self, lr: float, eps: float = 1e-8):
        super().__init__(lr)
        self.eps = eps

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        G = self._buf("G", k, g)
        G += g * g
        return self.lr * g / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """v <- beta v + (1 - beta) g^2; theta <- theta - lr g / (sqrt(v) + eps)."""

    beta = _decay()
    eps = _positive()

    def __init__(self, lr: float, beta: float = 0.9, eps: float = 1e-8):
        super().__init__(lr)
        self.beta, self.eps = beta, eps

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        v = self._buf("v", k, g)
        v *= self.beta
        v += (1 - self.beta) * g * g
        return self.lr * g / (np.sqrt(v) + self.eps)


class Adam(Optimizer):
    """Running averages m of g and v of g^2, bias-corrected (see the module docstring)."""

    beta1 = _decay()
    beta2 = _decay()
    eps = _positive()

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t: dict[str, int] = {}

    def update(self, k: str, g: np.ndarray) -> np.ndarray:
        m, v = self._buf("m", k, g), self._buf("v", k, g)
        self.t[k] = t = self.t.get(k, 0) + 1
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**t)
        v_hat = v / (1 - self.beta2**t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def check_optimizer(optimizer: object) -> Optimizer:
    """An rnnlib optimizer object (not its name: make_optimizer turns a name into one)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "optimizer must be an rnnlib optimizer such as rnnlib.SGD(0.1), got "
            + describe(optimizer)
        )
    return optimizer


def make_optimizer(name: str, lr: float, **kwargs: float) -> Optimizer:
    """make_optimizer("adam", 1e-2) -> Adam(lr=0.01); keyword arguments go to the class."""
    check_choice(name, "name", tuple(OPTIMIZERS))
    cls = OPTIMIZERS[name]
    accepted = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    unknown = [k for k in kwargs if k not in accepted]
    if unknown:
        raise TypeError(
            f"make_optimizer({name!r}, ...) got the unknown argument {unknown[0]!r}; "
            f"{cls.__name__} takes {', '.join(accepted)}"
        )
    return cls(lr, **kwargs)
