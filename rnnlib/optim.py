"""Optimisers: each ``step(params, grads)`` updates the parameter arrays in place.

SGD:       theta <- theta - lr g
Momentum:  v <- beta v + g;             theta <- theta - lr v
Adagrad:   s <- s + g^2;                theta <- theta - lr g / (sqrt(s) + eps)
RMSprop:   s <- rho s + (1 - rho) g^2;  theta <- theta - lr g / (sqrt(s) + eps)
Adam:      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
           theta <- theta - lr m_hat / (sqrt(v_hat) + eps), with bias-corrected m_hat, v_hat
"""

from __future__ import annotations

import numpy as np

from ._validate import check_choice, describe


class Optimizer:
    def __init__(self, lr):
        if (
            isinstance(lr, bool)
            or not isinstance(lr, (int, float, np.number))
            or not (np.isfinite(lr) and lr > 0)
        ):
            raise ValueError(f"lr must be a positive finite number, got {describe(lr)}")
        self.lr = float(lr)
        self.state = {}

    def step(self, params, grads):
        for k in params:
            if k in grads:
                params[k] -= self.update(k, np.asarray(grads[k], dtype=params[k].dtype))
        return params

    def _buf(self, name, k, like):
        key = (name, k)
        if key not in self.state:
            self.state[key] = np.zeros_like(like)
        return self.state[key]

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


class SGD(Optimizer):
    def update(self, k, g):
        return self.lr * g


class Momentum(Optimizer):
    def __init__(self, lr, beta=0.9):
        super().__init__(lr)
        self.beta = beta

    def update(self, k, g):
        v = self._buf("v", k, g)
        v *= self.beta
        v += g
        return self.lr * v


class Adagrad(Optimizer):
    def __init__(self, lr, eps=1e-8):
        super().__init__(lr)
        self.eps = eps

    def update(self, k, g):
        s = self._buf("s", k, g)
        s += g * g
        return self.lr * g / (np.sqrt(s) + self.eps)


class RMSprop(Optimizer):
    def __init__(self, lr, rho=0.9, eps=1e-8):
        super().__init__(lr)
        self.rho, self.eps = rho, eps

    def update(self, k, g):
        s = self._buf("s", k, g)
        s *= self.rho
        s += (1 - self.rho) * g * g
        return self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = {}

    def update(self, k, g):
        m, v = self._buf("m", k, g), self._buf("v", k, g)
        self.t[k] = t = self.t.get(k, 0) + 1
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**t)
        v_hat = v / (1 - self.beta2**t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def make_optimizer(name, lr, **kwargs) -> Optimizer:
    """make_optimizer("adam", 1e-2) -> Adam(lr=0.01)."""
    check_choice(name, "name", tuple(OPTIMIZERS))
    return OPTIMIZERS[name](lr, **kwargs)
