"""Training loops: gradient descent with BPTT, and truncated BPTT over a long sequence.

One update is: forward -> loss and dL/dy_t -> bptt -> (clip) -> optimizer step.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_params, check_positive_int, describe
from .clip import clip_by_norm, clip_by_value, global_norm
from .losses import LOSSES
from .optim import Optimizer
from .rnn import bptt, forward, parse_truncate, truncation_blocks


def _loss_fn(loss):
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"loss must be a callable or one of {', '.join(LOSSES)}; got {loss!r}")
    return LOSSES[loss]


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "optimizer must be an rnnlib optimizer such as rnnlib.SGD(0.1), got "
            + describe(optimizer)
        )


def _params_finite(params):
    return all(np.all(np.isfinite(params[k])) for k in params)


def update(params, grads, optimizer, clip_norm=None, clip_value=None):
    """Clip (optionally) and apply one optimizer step; return the norm before clipping."""
    norm = global_norm(grads)
    if clip_norm is not None:
        grads, _ = clip_by_norm(grads, clip_norm)
    if clip_value is not None:
        grads = clip_by_value(grads, clip_value)
    optimizer.step(params, grads)
    return norm


def train(
    params,
    data,
    loss,
    optimizer,
    steps,
    *,
    activation="tanh",
    mask=None,
    truncate=None,
    clip_norm=None,
    clip_value=None,
    callback=None,
):
    """Gradient descent with (possibly truncated) BPTT.

    data: (xs, targets), or a function step -> (xs, targets) for fresh batches.
    loss: "mse", "sigmoid_bce", "softmax_ce" or a function (ys, targets, mask) ->
    (loss, dys). params is updated in place. Returns a history dict with lists
    "loss" and "grad_norm" (before clipping) and "diverged" (True if the loss, the
    gradients or the updated parameters stopped being finite, which ends training early).
    """
    params_checked = check_params(params)
    for k in params_checked:  # ensure float arrays in place (ints would not update)
        if params[k] is not params_checked[k]:
            params[k] = np.array(params_checked[k], dtype=np.float64)
    steps = check_positive_int(steps, "steps")
    _check_optimizer(optimizer)
    fn = _loss_fn(loss)
    parse_truncate(truncate)
    if not callable(data) and not (isinstance(data, tuple) and len(data) == 2):
        raise TypeError(
            f"data must be (xs, targets) or a function of the step, got {describe(data)}"
        )
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
    params,
    xs,
    targets,
    loss,
    optimizer,
    *,
    k1,
    k2=None,
    epochs=1,
    activation="tanh",
    clip_norm=None,
):
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
    _check_optimizer(optimizer)
    fn = _loss_fn(loss)
    p = check_params(params)
    xs3 = np.asarray(xs, dtype=float)
    T = xs3.shape[0]
    tg = np.asarray(targets)
    if tg.shape[0] != T:
        raise ValueError(f"targets must have T = {T} steps like xs, got shape {tg.shape}")
    H = p["W_hh"].shape[0]
    history = {"loss": [], "grad_norm": [], "diverged": False}
    for _ in range(epochs):
        hs = np.zeros((T + 1,) + xs3.shape[1:-1] + (H,))  # h_t carried across chunks
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
