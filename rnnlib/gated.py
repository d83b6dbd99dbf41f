"""A minimal gated recurrent cell: the vanilla RNN plus one update gate (numpy only).

Column vectors, one sequence (the batch code uses rows, as in ``rnnlib.rnn``):

    u_t = sigmoid(W_xu x_t + W_hu h_{t-1} + b_u)        update gate, in (0, 1)^H
    c_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)           candidate: the vanilla RNN's h_t
    h_t = (1 - u_t) * h_{t-1} + u_t * c_t               (elementwise) leaky update
    y_t = W_hy h_t + b_y

Where u_t is near 0 the unit keeps its value: h_t ~ h_{t-1}. Its Jacobian

    dh_t/dh_{t-1} = diag(1 - u_t) + diag(u_t * (1 - c_t^2)) W_hh
                    + diag((c_t - h_{t-1}) * u_t * (1 - u_t)) W_hu

has the additive term diag(1 - u_t): close to the identity when the gate is shut,
whatever W_hh does. That is the idea GRU and LSTM cells build on (an additive path
for the state), reduced to one gate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    as_float_array,
    check_finite,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
    describe,
)
from .activations import _sigmoid
from .clip import clip_by_norm, global_norm
from .engine import check_xs
from .jacobians import product_norms
from .losses import mse
from .optim import Optimizer, check_optimizer
from .training import check_callback, check_data

#: parameter names of the gated cell
GATED_NAMES = ("W_xh", "W_hh", "b_h", "W_xu", "W_hu", "b_u", "W_hy", "b_y")


def init_gated_params(
    n_in: int, n_hidden: int, n_out: int, *, seed: int = 0, gate_bias: float = -2.0
) -> dict[str, np.ndarray]:
    """Xavier-style weights N(0, 1/fan_in); b_u = gate_bias (negative: the gate starts
    mostly shut, u_t ~ sigmoid(gate_bias), so the state starts by remembering);
    other biases zero. Returns a dict with the keys GATED_NAMES."""
    D = check_positive_int(n_in, "n_in")
    H = check_positive_int(n_hidden, "n_hidden")
    O = check_positive_int(n_out, "n_out")
    gate_bias = check_real(gate_bias, "gate_bias")
    rng = np.random.default_rng(check_seed(seed))
    return {
        "W_xh": rng.normal(0.0, 1.0 / np.sqrt(D), (H, D)),
        "W_hh": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),
        "b_h": np.zeros(H),
        "W_xu": rng.normal(0.0, 1.0 / np.sqrt(D), (H, D)),
        "W_hu": rng.normal(0.0, 1.0 / np.sqrt(H), (H, H)),
        "b_u": np.full(H, gate_bias),
        "W_hy": rng.normal(0.0, 1.0 / np.sqrt(H), (O, H)),
        "b_y": np.zeros(O),
    }


def _check_gated(params):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of the gated cell's arrays, got {describe(params)}")
    missing = [k for k in GATED_NAMES if k not in params]
    if missing:
        raise ValueError(
            f"params is missing {missing}; the gated cell needs {list(GATED_NAMES)} "
            "(make them with init_gated_params)"
        )
    p = {k: np.asarray(params[k], dtype=float) for k in GATED_NAMES}
    H, D = p["W_xh"].shape
    shapes = {
        "W_hh": (H, H),
        "b_h": (H,),
        "W_xu": (H, D),
        "W_hu": (H, H),
        "b_u": (H,),
        "W_hy": (p["W_hy"].shape[0], H),
        "b_y": (p["W_hy"].shape[0],),
    }
    for k, s in shapes.items():
        if p[k].shape != s:
            raise ValueError(
                f"params[{k!r}] must have shape {s} (H = {H}, D = {D}), got {p[k].shape}"
            )
    return p


def gated_step_forward(
    x: ArrayLike, h_prev: ArrayLike, params: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One step of the gated cell. x (D,) or (B, D); h_prev (H,) or (B, H).

    u_t = sigmoid(W_xu x_t + W_hu h_{t-1} + b_u), c_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),
    h_t = (1 - u_t) * h_{t-1} + u_t * c_t. Returns (h_t, cache), the cache a dict with
    x, h_prev, u, c, W_hh, W_hu (what gated_step_backward needs).
    """
    p = _check_gated(params)
    H, D = p["W_xh"].shape
    x = as_float_array(x, "x")
    h_prev = as_float_array(h_prev, "h_prev")
    if x.shape[-1:] != (D,) or x.ndim > 2:
        raise ValueError(f"x must have shape (D,) or (B, D) with D = {D}, got {x.shape}")
    if h_prev.shape[-1:] != (H,) or h_prev.ndim > 2:
        raise ValueError(f"h_prev must have shape (H,) or (B, H) with H = {H}, got {h_prev.shape}")
    u = _sigmoid(x @ p["W_xu"].T + h_prev @ p["W_hu"].T + p["b_u"])  # u_t
    c = np.tanh(x @ p["W_xh"].T + h_prev @ p["W_hh"].T + p["b_h"])  # c_t
    h = (1.0 - u) * h_prev + u * c  # h_t
    cache = {"x": x, "h_prev": h_prev, "u": u, "c": c, "W_hh": p["W_hh"], "W_hu": p["W_hu"]}
    return h, cache


def _step_back(dh, h_prev, u, c, W_hh, W_hu):
    """(da_c, da_u, dL/dh_{t-1}) of one step, given dh = dL/dh_t (rows: (B, H) or (H,))."""
    da_c = dh * u * (1.0 - c**2)  # into tanh's argument: dh * u_t * (1 - c_t^2)
    da_u = dh * (c - h_prev) * u * (1.0 - u)  # into sigmoid's argument
    dh_prev = dh * (1.0 - u) + da_c @ W_hh + da_u @ W_hu  # (1-u) dh + W_hh^T da_c + W_hu^T da_u
    return da_c, da_u, dh_prev


def gated_step_backward(dh: ArrayLike, cache: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Backward through one step of the gated cell, given dh = dL/dh_t (total).

    da_c = dh * u_t * (1 - c_t^2)                  (a_c = W_xh x_t + W_hh h_{t-1} + b_h)
    da_u = dh * (c_t - h_{t-1}) * u_t * (1 - u_t)   (a_u = W_xu x_t + W_hu h_{t-1} + b_u)
    dW_xh = da_c x_t^T, dW_hh = da_c h_{t-1}^T, db_h = da_c (and the same with da_u
    for W_xu, W_hu, b_u); dL/dh_{t-1} = (1 - u_t) * dh + W_hh^T da_c + W_hu^T da_u.
    Returns a dict with da_c, da_u, W_xh, W_hh, b_h, W_xu, W_hu, b_u, dh_prev (batch
    rows summed in the weight gradients).
    """
    if not isinstance(cache, Mapping) or not {"x", "h_prev", "u", "c", "W_hh", "W_hu"} <= set(
        cache
    ):
        raise TypeError(f"cache must be the dict of gated_step_forward, got {describe(cache)}")
    h_prev, u, c = cache["h_prev"], cache["u"], cache["c"]
    dh = as_float_array(dh, "dh")
    if dh.shape != u.shape:
        raise ValueError(f"dh must have the shape of h_t {u.shape}, got {dh.shape}")
    da_c, da_u, dh_prev = _step_back(dh, h_prev, u, c, cache["W_hh"], cache["W_hu"])
    dc2, du2 = np.atleast_2d(da_c), np.atleast_2d(da_u)
    x2, hp2 = np.atleast_2d(cache["x"]), np.atleast_2d(h_prev)
    return {
        "da_c": da_c,
        "da_u": da_u,
        "W_xh": dc2.T @ x2,  # da_c x_t^T
        "W_hh": dc2.T @ hp2,  # da_c h_{t-1}^T
        "b_h": dc2.sum(axis=0),
        "W_xu": du2.T @ x2,  # da_u x_t^T
        "W_hu": du2.T @ hp2,  # da_u h_{t-1}^T
        "b_u": du2.sum(axis=0),
        "dh_prev": dh_prev,
    }


@dataclass
class GatedTrace:
    """Stored forward pass: xs (T, B, D), hs (T+1, B, H) with hs[0] = h_0, us and cs
    (T, B, H) for u_t and c_t (index t - 1), ys (T, B, O)."""

    xs: np.ndarray
    hs: np.ndarray
    us: np.ndarray
    cs: np.ndarray
    ys: np.ndarray

    @property
    def T(self) -> int:
        return self.xs.shape[0]


def gated_forward(
    params: Mapping[str, np.ndarray], xs: ArrayLike, h0: ArrayLike | None = None
) -> GatedTrace:
    """Run the gated cell over xs (T, B, D) or (T, D); h0 (B, H) / (H,) or zeros.
    Always returns batched arrays (B = 1 for a single sequence)."""
    p = _check_gated(params)
    H, D = p["W_xh"].shape
    xs3, _ = check_xs(xs, D, np.float64)
    T, B, _ = xs3.shape
    hs = np.empty((T + 1, B, H))
    if h0 is None:
        hs[0] = 0.0
    else:
        h = as_float_array(h0, "h0")
        if h.shape not in ((H,), (B, H)):
            raise ValueError(f"h0 must have shape ({H},) or ({B}, {H}), got {h.shape}")
        check_finite(h, "h0")
        hs[0] = h
    us = np.empty((T, B, H))
    cs = np.empty((T, B, H))
    flat = xs3.reshape(T * B, D)
    xu = (flat @ p["W_xu"].T + p["b_u"]).reshape(T, B, H)  # W_xu x_t + b_u, every t at once
    xc = (flat @ p["W_xh"].T + p["b_h"]).reshape(T, B, H)  # W_xh x_t + b_h
    for t in range(1, T + 1):
        h_prev = hs[t - 1]
        us[t - 1] = _sigmoid(xu[t - 1] + h_prev @ p["W_hu"].T)  # u_t
        cs[t - 1] = np.tanh(xc[t - 1] + h_prev @ p["W_hh"].T)  # c_t
        hs[t] = (1.0 - us[t - 1]) * h_prev + us[t - 1] * cs[t - 1]  # h_t
    ys = hs[1:] @ p["W_hy"].T + p["b_y"]  # y_t = W_hy h_t + b_y
    return GatedTrace(xs3, hs, us, cs, ys)


def _check_trace(trace, p) -> None:
    """trace is a GatedTrace of a cell with the sizes of the parameters p."""
    if not isinstance(trace, GatedTrace):
        raise TypeError(f"trace must be the GatedTrace of gated_forward, got {describe(trace)}")
    H, D = p["W_xh"].shape
    if trace.hs.shape[2] != H or trace.xs.shape[2] != D:
        raise ValueError(
            f"trace was made by a cell of other sizes (H={trace.hs.shape[2]}, "
            f"D={trace.xs.shape[2]}) than params (H={H}, D={D})"
        )


def gated_backward(
    params: Mapping[str, np.ndarray], trace: GatedTrace, dys: ArrayLike
) -> dict[str, np.ndarray]:
    """Exact BPTT through the gated cell. dys (T, B, O) = dL/dy_t.

    dL/dh_t = W_hy^T dy_t + (dL/dh_{t+1} through step t+1); per step, with g = dL/dh_t:
    da_c = g * u_t * (1 - c_t^2)                     (into tanh's argument)
    da_u = g * (c_t - h_{t-1}) * u_t * (1 - u_t)      (into sigmoid's argument)
    dL/dh_{t-1} (via step t) = g * (1 - u_t) + W_hh^T da_c + W_hu^T da_u.
    Returns a dict of gradients for GATED_NAMES plus "h0".
    """
    p = _check_gated(params)
    _check_trace(trace, p)
    dys = as_float_array(dys, "dys")
    if dys.shape != trace.ys.shape:
        raise ValueError(f"dys must have the shape of trace.ys {trace.ys.shape}, got {dys.shape}")
    T, B, O = dys.shape
    H = trace.hs.shape[2]
    dh_out = dys @ p["W_hy"]  # W_hy^T dL/dy_t for every t
    da_cs = np.empty((T, B, H))
    da_us = np.empty((T, B, H))
    carry = np.zeros_like(trace.hs[0])
    for t in range(T, 0, -1):
        h_prev, u, c = trace.hs[t - 1], trace.us[t - 1], trace.cs[t - 1]
        dh = dh_out[t - 1] + carry  # dL/dh_t
        da_cs[t - 1], da_us[t - 1], carry = _step_back(dh, h_prev, u, c, p["W_hh"], p["W_hu"])
    xs2 = trace.xs.reshape(T * B, -1)
    hp2 = trace.hs[:-1].reshape(T * B, H)  # h_{t-1} for t = 1..T
    dc2, du2 = da_cs.reshape(T * B, H), da_us.reshape(T * B, H)
    g = {
        "W_xh": dc2.T @ xs2,  # sum_t da_c x_t^T
        "W_hh": dc2.T @ hp2,  # sum_t da_c h_{t-1}^T
        "b_h": dc2.sum(axis=0),
        "W_xu": du2.T @ xs2,  # sum_t da_u x_t^T
        "W_hu": du2.T @ hp2,  # sum_t da_u h_{t-1}^T
        "b_u": du2.sum(axis=0),
        "W_hy": dys.reshape(T * B, O).T @ trace.hs[1:].reshape(T * B, H),  # sum_t dy_t h_t^T
        "b_y": dys.sum(axis=(0, 1)),
    }
    g["h0"] = carry
    return g


def gated_jacobians(params: Mapping[str, np.ndarray], trace: GatedTrace, b: int = 0) -> np.ndarray:
    """J[t-1] = dh_t/dh_{t-1} for t = 1..T of sequence b of the batch; shape (T, H, H)."""
    p = _check_gated(params)
    _check_trace(trace, p)
    B = trace.hs.shape[1]
    b = check_int(b, "b", "the index of a sequence of the batch")
    if not 0 <= b < B:
        raise ValueError(f"b must index a sequence of the batch, 0..{B - 1}, got {b}")
    us, cs, hs = trace.us[:, b], trace.cs[:, b], trace.hs[:-1, b]
    H = hs.shape[1]
    leak = (1.0 - us)[:, :, None] * np.eye(H)  # diag(1 - u_t)
    cand = (us * (1.0 - cs**2))[:, :, None] * p["W_hh"]  # diag(u_t (1 - c_t^2)) W_hh
    gate = ((cs - hs) * us * (1.0 - us))[:, :, None] * p["W_hu"]  # diag(...) W_hu
    return leak + cand + gate


def gated_jacobian_norms(
    params: Mapping[str, np.ndarray], trace: GatedTrace, t: int | None = None, b: int = 0
) -> np.ndarray:
    """||dh_t/dh_k||_2 for k = 0..t (sequence b), like rnnlib.jacobian_norms."""
    return product_norms(gated_jacobians(params, trace, b), t)


def train_gated(
    params: dict[str, np.ndarray],
    data: tuple[np.ndarray, np.ndarray] | Callable[[int], tuple[np.ndarray, np.ndarray]],
    optimizer: Optimizer,
    steps: int,
    *,
    mask: str | ArrayLike | None = "last",
    clip_norm: float | None = None,
    callback: Callable[[int, float, dict[str, np.ndarray]], None] | None = None,
) -> dict[str, list[float]]:
    """Adam/SGD/... on the MSE loss (form "mean") with exact gated BPTT; params in place.

    data: (xs, targets) or a function step -> (xs, targets); callback(step, loss, params)
    after each update, as in rnnlib.train. Returns {"loss", "grad_norm"}.
    """
    _check_gated(params)
    check_data(data)
    check_optimizer(optimizer)
    steps = check_positive_int(steps, "steps")
    if clip_norm is not None:
        clip_norm = check_real(clip_norm, "clip_norm", low=0, low_open=True)
    check_callback(callback)
    history = {"loss": [], "grad_norm": []}
    for step in range(steps):
        xs, targets = data(step) if callable(data) else data
        trace = gated_forward(params, xs)
        value, dys = mse(trace.ys, targets, mask)
        grads = gated_backward(params, trace, dys)
        norm = global_norm(grads, keys=GATED_NAMES)
        if clip_norm is not None:
            grads, _ = clip_by_norm(grads, clip_norm, keys=GATED_NAMES)
        optimizer.step(params, {k: grads[k] for k in GATED_NAMES})
        history["loss"].append(value)
        history["grad_norm"].append(norm)
        if callback is not None:
            callback(step, value, params)
    return history
