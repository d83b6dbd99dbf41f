"""Hidden-layer activations f and their derivatives f'.

Each derivative is written in terms of z (the pre-activation) *and* h = f(z), so
that backward passes reuse the stored h_t as the lecture notes do for tanh:
f'(z) = 1 - h^2.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float_array, check_choice


def sigmoid(z: ArrayLike) -> np.ndarray | float:
    """Logistic function sigma(z) = 1 / (1 + exp(-z)), elementwise, without overflow.

    With e = exp(-|z|), never above 1: sigma(z) = 1 / (1 + e) for z >= 0 and
    e / (1 + e) for z < 0. Floating arrays keep their dtype, integers give float64;
    a Python float gives a float (through ``math``: fast in scalar loops).
    """
    return _sigmoid(z if isinstance(z, float) else as_float_array(z, "z"))


def _tanh(z, out=None):
    return np.tanh(z, out=out)


def _relu(z, out=None):
    return np.maximum(z, 0, out=out)


def _sigmoid(z, out=None):
    """sigma(z) of a float or a floating array, unchecked: the form of ``sigmoid``,
    n / (1 + e) with e = exp(-|z|), n = 1 where z >= 0 and n = e where z < 0."""
    if isinstance(z, float):
        e = math.exp(-abs(z))
        return (1.0 if z >= 0 else e) / (1.0 + e)
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0, 1.0, e), 1.0 + e, out=out)


def _linear(z, out=None):
    if out is None:
        return np.array(z, copy=True)
    out[...] = z
    return out


# f'(z) expressed with z and h = f(z); ``out`` (optional) receives the result in place
def _dtanh(z, h, out=None):
    out = np.multiply(h, h, out=out)  # h^2
    return np.subtract(1.0, out, out=out)  # 1 - h^2


def _drelu(z, h, out=None):
    if out is None:
        out = np.empty_like(h)
    out[...] = z > 0
    return out


def _dsigmoid(z, h, out=None):
    out = np.subtract(1.0, h, out=out)  # 1 - h
    return np.multiply(out, h, out=out)  # h (1 - h)


def _dlinear(z, h, out=None):
    if out is None:
        out = np.empty_like(h)
    out.fill(1.0)
    return out


ACTIVATIONS = {
    "tanh": (_tanh, _dtanh),
    "relu": (_relu, _drelu),
    "sigmoid": (_sigmoid, _dsigmoid),
    "linear": (_linear, _dlinear),
}

#: max_z |f'(z)|: the gamma of the vanishing-gradient bound (Pascanu et al. 2013)
GAMMA = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "linear": 1.0}


def get_activation(name: str) -> tuple[Callable, Callable]:
    """Return (f, f') for an activation name; raise a clear error otherwise."""
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a string, one of {', '.join(map(repr, ACTIVATIONS))}; got {name!r}"
        )
    check_choice(name, "activation", tuple(ACTIVATIONS))
    return ACTIVATIONS[name]


def activate(z: ArrayLike, activation: str = "tanh") -> np.ndarray:
    """h = f(z) for a named activation, elementwise, with the shape of z (a number gives a
    0-d array); floating dtypes kept."""
    f, _ = get_activation(activation)
    z = as_float_array(z, "z")
    return f(np.atleast_1d(z)).reshape(z.shape)


def activation_derivative(z: ArrayLike, activation: str = "tanh") -> np.ndarray:
    """f'(z) for a named activation, elementwise, with the shape of z (a number gives a
    0-d array); floating dtypes kept."""
    f, df = get_activation(activation)
    z = as_float_array(z, "z")
    z1 = np.atleast_1d(z)  # the derivatives work in place on arrays
    return df(z1, f(z1)).reshape(z.shape)
