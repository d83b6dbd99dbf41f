"""The "cliff" of a one-unit recurrent network (Pascanu, Mikolov & Bengio 2013).

    z_0 = 0.5,   z_t = w sigma(z_{t-1}) + b   (t = 1..T, T = 50),
    L(w, b) = (sigma(z_T) - 0.7)^2

In the course's notation: W_hh = w, b_h = b, no input, h_{t-1} = sigma(z_{t-1}), and the
pre-activation z_t is the state that is carried.

Two scalars w, b; every function works elementwise on arrays of (w, b), so a whole grid
of the loss surface is one call. The exact gradient is backpropagation through the T
steps:

    dL/dz_T     = 2 (sigma(z_T) - 0.7) sigma'(z_T)
    dL/dz_{t-1} = dL/dz_t * w sigma'(z_{t-1})
    dL/dw = sum_t dL/dz_t sigma(z_{t-1}),   dL/db = sum_t dL/dz_t

For some (w, b) the state z_T jumps between two fixed points of the map when (w, b)
moves slightly: the loss has a wall, and its gradient there is huge.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_finite, check_positive_int, check_real
from .activations import sigmoid

T_CLIFF = 50
Z0 = 0.5
TARGET = 0.7
#: the window of (w, b) shown in Pascanu et al.'s figure
W_RANGE = (3.0, 7.0)
B_RANGE = (-4.5, -1.0)

#: one value or an array of values (every function works elementwise)
Scalar = float | np.ndarray


def _as_inputs(w, b):
    """Plain floats for one (w, b) (fast scalar loop), else broadcast float arrays;
    every value a finite real number."""
    w, b = as_float_array(w, "w", np.float64), as_float_array(b, "b", np.float64)
    check_finite(w, "w")
    check_finite(b, "b")
    if w.ndim == 0 and b.ndim == 0:
        return float(w), float(b)
    try:
        return np.broadcast_arrays(w, b)
    except ValueError:
        raise ValueError(
            f"w and b must be numbers or arrays of shapes that broadcast together, got shapes "
            f"{w.shape} and {b.shape}"
        ) from None


def cliff_states(w: Scalar, b: Scalar, T: int = T_CLIFF, z0: float = Z0) -> list[Scalar]:
    """[z_0, ..., z_T] for w, b (floats or arrays broadcast together): a list of T + 1."""
    T = check_positive_int(T, "T")
    z0 = check_real(z0, "z0")
    return _states(*_as_inputs(w, b), T, z0)


def _states(w, b, T, z0):
    zs = [z0 + 0.0 * w]
    for _ in range(T):
        zs.append(w * sigmoid(zs[-1]) + b)  # z_t = w sigma(z_{t-1}) + b
    return zs


def cliff_loss(
    w: Scalar, b: Scalar, T: int = T_CLIFF, z0: float = Z0, target: float = TARGET
) -> Scalar:
    """L = (sigma(z_T) - target)^2, elementwise over w, b."""
    target = check_real(target, "target")
    return (sigmoid(cliff_states(w, b, T, z0)[-1]) - target) ** 2


def cliff_loss_and_grad(
    w: Scalar, b: Scalar, T: int = T_CLIFF, z0: float = Z0, target: float = TARGET
) -> tuple[Scalar, Scalar, Scalar]:
    """(L, dL/dw, dL/db) by backpropagation through the T steps, elementwise."""
    T = check_positive_int(T, "T")
    z0, target = check_real(z0, "z0"), check_real(target, "target")
    return _loss_and_grad(*_as_inputs(w, b), T, z0, target)


def _loss_and_grad(w, b, T, z0, target):
    zs = _states(w, b, T, z0)
    s = [sigmoid(z) for z in zs]  # h_t = sigma(z_t), t = 0..T
    loss = (s[T] - target) ** 2
    dz = 2 * (s[T] - target) * s[T] * (1 - s[T])  # dL/dz_T
    dw = db = 0.0 * dz
    for t in range(T, 0, -1):
        dw = dw + dz * s[t - 1]  # z_t = w sigma(z_{t-1}) + b
        db = db + dz
        dz = dz * w * s[t - 1] * (1 - s[t - 1])  # dL/dz_{t-1} = dL/dz_t w sigma'(z_{t-1})
    return loss, dw, db


def cliff_grid(n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W, B, L), each (n, n): an n x n grid of (w, b) over W_RANGE x B_RANGE and the loss
    L(w, b) at every point, in one vectorised call of cliff_loss."""
    n = check_positive_int(n, "n")
    W, B = np.meshgrid(np.linspace(*W_RANGE, n), np.linspace(*B_RANGE, n))
    return W, B, cliff_loss(W, B)


def descend(
    w0: float, b0: float, lr: float, steps: int, clip: float | None = None, T: int = T_CLIFF
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent on L(w, b) from (w0, b0); clip: None or a norm threshold
    (if ||g|| > clip: g <- clip g / ||g||). Returns (path (steps+1, 2), grad norms (steps,))."""
    w0, b0 = check_real(w0, "w0"), check_real(b0, "b0")
    lr = check_real(lr, "lr", low=0, low_open=True)
    steps = check_positive_int(steps, "steps")
    T = check_positive_int(T, "T")
    if clip is not None:
        clip = check_real(clip, "clip (None or a norm threshold)", low=0, low_open=True)
    path = np.empty((steps + 1, 2))
    path[0] = w0, b0
    norms = np.empty(steps)
    for i in range(steps):
        _, dw, db = _loss_and_grad(float(path[i, 0]), float(path[i, 1]), T, Z0, TARGET)
        g = np.array([dw, db])
        norms[i] = np.linalg.norm(g)
        if clip is not None and norms[i] > clip:
            g = clip * g / norms[i]
        path[i + 1] = path[i] - lr * g
    return path, norms
