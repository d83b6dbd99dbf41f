"""Training loops: gradient descent with BPTT, and truncated BPTT over a long sequence.

One update is: forward -> loss and dL/dy_t -> bptt -> (clip) -> optimizer step.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import numpy as np
from numpy.typing import ArrayLike

from ._validate import check_callable, check_params, check_positive_int, check_real, describe
from .clip import clip_by_norm, clip_by_value, global_norm
from .engine import bptt, check_xs, forward
from .losses import LOSSES
from .optim import Optimizer, check_optimizer
from .rnn import Truncation, parse_truncate, truncation_blocks

#: a loss: "mse", "sigmoid_bce", "softmax_ce" or a function (ys, targets, mask) -> (loss, dys)
Loss = str | Callable
#: what a training loop returns: lists "loss" and "grad_norm", and "diverged"
History = dict[str, list | bool]


def _loss_fn(loss):
    if callable(loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:  # a list is not looked up in a dict
        raise ValueError(f"loss must be a callable or one of {', '.join(LOSSES)}; got {loss!r}")
    return LOSSES[loss]


def check_data(data: object) -> tuple | Callable:
    """(xs, targets), or a function step -> (xs, targets)."""
    if not callable(data) and not (isinstance(data, tuple) and len(data) == 2):
        raise TypeError(
            f"data must be (xs, targets) or a function of the step, got {describe(data)}"
        )
    return data


def check_callback(callback: object) -> Callable | None:
    """None or a function callback(step, loss, params)."""
    if callback is not None:
        check_callable(callback, "callback", "None or a function callback(step, loss, params)")
    return callback


def _params_finite(params):
    return all(np.all(np.isfinite(params[k])) for k in params)


def _float_params_in_place(params) -> dict:
    """Check params and store back every entry that had to be converted (integers, mixed
    dtypes) as the float array used, so that optimizer steps update it in place."""
    checked = check_params(params)
    for k, v in checked.items():
        if params[k] is not v:
            params[k] = v
    return checked


def update(
    params: MutableMapping[str, np.ndarray],
    grads: dict,
    optimizer: Optimizer,
    clip_norm: float | None = None,
    clip_value: float | None = None,
) -> float:
    """Clip (optionally) and apply one optimizer step; return the norm before clipping."""
    check_optimizer(optimizer)
    for value, name in ((clip_norm, "clip_norm"), (clip_value, "clip_value")):
        if value is not None:
            check_real(value, name, low=0, low_open=True)
    norm = global_norm(grads)
    if clip_norm is not None:
        grads, _ = clip_by_norm(grads, clip_norm)
    if clip_value is not None:
        grads = clip_by_value(grads, clip_value)
    optimizer.step(params, grads)
    return norm


def train(
    params: MutableMapping[str, np.ndarray],
    data: tuple | Callable,
    loss: Loss,
    optimizer: Optimizer,
    steps: int,
    *,
    activation: str = "tanh",
    mask: ArrayLike | str | None = None,
    truncate: Truncation = None,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    callback: Callable | None = None,
) -> History:
    """Gradient descent with (possibly truncated) BPTT.

    data: (xs, targets), or a function step -> (xs, targets) for fresh batches.
    loss: "mse", "sigmoid_bce", "softmax_ce" or a function (ys, targets, mask) ->
    (loss, dys). params is updated in place. Returns a history dict with lists
    "loss" and "grad_norm" (before clipping) and "diverged" (True if the loss, the
    gradients or the updated parameters stopped being finite, which ends training early).
    """
    _float_params_in_place(params)
    steps = check_positive_int(steps, "steps")
    check_optimizer(optimizer)
    fn = _loss_fn(loss)
    parse_truncate(truncate)
    check_data(data)
    check_callback(callback)
    history = {"loss": [], "grad_norm": [], "diverged": False}
    for step in range(steps):
        xs, targets = data(step) if callable(data) else data
        trace = forward(params, xs, activation=activation)
        with np.errstate(all="ignore"):
            value, dys = fn(trace.ys, targets, mask)
        if not np.isfinite(value) or trace.overflow:
            history["diverged"] = True
            history["loss"].append(float("inf"))
            break
        grads = bptt(params, trace, dys, truncate=truncate)
        history["loss"].append(value)
        if not grads.finite:  # e.g. inf * 0 in the backward pass of a blown-up network
            history["diverged"] = True
            break
        with np.errstate(over="ignore", invalid="ignore"):
            history["grad_norm"].append(update(params, grads, optimizer, clip_norm, clip_value))
        if not _params_finite(params):  # the step itself overflowed
            history["diverged"] = True
            break
        if callback is not None:
            callback(step, value, params)
    return history


def train_tbptt(
    params: MutableMapping[str, np.ndarray],
    xs: ArrayLike,
    targets: ArrayLike,
    loss: Loss,
    optimizer: Optimizer,
    *,
    k1: int,
    k2: int | None = None,
    epochs: int = 1,
    activation: str = "tanh",
    clip_norm: float | None = None,
) -> History:
    """Truncated BPTT over one long sequence (or a batch of them), Williams & Peng style.

    The sequence is processed k1 steps at a time; the hidden state is carried from
    chunk to chunk as a constant ("detached"). At the end of each chunk (and at T) the
    losses of its new steps are backpropagated through themselves and the k2 - k1 steps
    before them (the passes of ``truncation_blocks(T, (k1, k2))``; k2 = k1, the default,
    detaches every k1 steps) and the parameters are updated. Returns a history with the
    mean per-chunk "loss" and "grad_norm".
    """
    k1, k2 = parse_truncate((k1, k1 if k2 is None else k2))
    epochs = check_positive_int(epochs, "epochs")
    check_optimizer(optimizer)
    fn = _loss_fn(loss)
    p = _float_params_in_place(params)
    H, D = p["W_xh"].shape
    xs3, batched = check_xs(xs, D, p["W_hh"].dtype)  # the checks of forward
    xs3 = xs3 if batched else xs3[:, 0]
    T = xs3.shape[0]
    tg = np.asarray(targets)
    if tg.ndim == 0 or tg.shape[0] != T:
        raise ValueError(f"targets must have T = {T} steps like xs, got shape {tg.shape}")
    history = {"loss": [], "grad_norm": [], "diverged": False}
    for _ in range(epochs):
        hs = np.zeros((T + 1, *xs3.shape[1:-1], H), dtype=xs3.dtype)  # h_t, carried
        for t, prev, w in truncation_blocks(T, (k1, k2)):
            trace = forward(params, xs3[w:t], h0=hs[w], activation=activation)
            m = np.zeros(t - w)
            m[prev - w :] = 1.0  # only the new steps carry a loss
            with np.errstate(all="ignore"):
                value, dys = fn(trace.ys, tg[w:t], m)
            if not np.isfinite(value) or trace.overflow:
                history["diverged"] = True
                return history
            grads = bptt(params, trace, dys)
            hs[w + 1 : t + 1] = trace.hs[1:]
            history["loss"].append(value)
            if not grads.finite:
                history["diverged"] = True
                return history
            with np.errstate(over="ignore", invalid="ignore"):
                history["grad_norm"].append(update(params, grads, optimizer, clip_norm))
            if not _params_finite(params):
                history["diverged"] = True
                return history
    return history
