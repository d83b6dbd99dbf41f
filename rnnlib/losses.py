"""Output activations and losses on the logits y_t.

Every loss takes the logits ``ys`` (T, B, O) or (T, O) and targets, and returns
``(loss, dys)`` with dys = dL/dy_t, ready for ``bptt``. The total loss is a sum over
time steps (averaged over the sequences of a batch); ``mask`` selects the steps that
carry a loss: None (all), "last" (many-to-one) or an array of 0/1 weights of shape
(T,) or (T, B).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_choice, check_finite, describe
from .activations import sigmoid


def softmax(logits, axis=-1):
    """Numerically stable softmax p_i = exp(y_i) / sum_j exp(y_j)."""
    y = np.asarray(logits, dtype=float)
    e = np.exp(y - y.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(logits, axis=-1):
    y = np.asarray(logits, dtype=float)
    m = y.max(axis=axis, keepdims=True)
    return y - m - np.log(np.exp(y - m).sum(axis=axis, keepdims=True))


def _prepare(ys, targets, mask, *, labels=False):
    """Return (ys3, targets3, weights (T, B, 1), B, unbatch) after checking shapes."""
    y = as_float_array(ys, "ys")
    if y.ndim not in (2, 3):
        raise ValueError(f"ys must have shape (T, B, O) or (T, O), got shape {y.shape}")
    batched = y.ndim == 3
    y3 = y if batched else y[:, None, :]
    T, B, O = y3.shape
    last = isinstance(mask, str)
    if last:
        check_choice(mask, "mask", ("last",))
    tgt = np.asarray(targets)
    full_shape = y.shape[:-1] if labels else y.shape
    step_shape = full_shape[1:]
    if last and tgt.shape == step_shape:
        t3 = np.zeros(full_shape, dtype=tgt.dtype)
        t3[-1] = tgt
        tgt = t3
    elif last and labels and tgt.shape == y.shape[1:]:  # last step's class probabilities
        t3 = np.zeros(y.shape)
        t3[-1] = as_float_array(tgt, "targets")
        tgt = t3
    if labels and tgt.shape == y.shape:
        labels = False  # probabilities / one-hot targets
    expected = f"{full_shape}" + (f" or {step_shape} with mask='last'" if last else "")
    if tgt.shape != full_shape and not (labels is False and tgt.shape == y.shape):
        if labels:  # class indices, or class probabilities with the shape of ys
            expected = f"{expected} (class indices) or {y.shape} (class probabilities)"
        raise ValueError(f"targets must have shape {expected}, got shape {tgt.shape}")
    if labels:
        if not np.issubdtype(tgt.dtype, np.integer):
            raise TypeError(f"class-index targets must be integers, got dtype {tgt.dtype}")
        if tgt.size and (tgt.min() < 0 or tgt.max() >= O):
            raise ValueError(
                f"class indices must lie in 0..{O - 1} (O = {O} classes), "
                f"got values from {tgt.min()} to {tgt.max()}"
            )
        t3 = tgt if batched else tgt[:, None]
    else:
        t3 = as_float_array(tgt, "targets")
        check_finite(t3, "targets")
        t3 = t3 if batched else t3[:, None, :]
    if last:
        w = np.zeros((T, B))
        w[-1] = 1.0
    elif mask is None:
        w = np.ones((T, B))
    else:
        m = as_float_array(mask, "mask")
        if m.shape == (T,):
            m = np.broadcast_to(m[:, None], (T, B))
        if m.shape != (T, B):
            raise ValueError(
                f"mask must be None, 'last', or weights of shape (T,) = ({T},)"
                + (f" or (T, B) = ({T}, {B})" if batched else "")
                + f"; got {describe(mask)}"
            )
        w = m
    return y3, t3, w[:, :, None], B, (lambda a: a if batched else a[:, 0])


def mse(ys, targets, mask=None, form="mean"):
    """Squared error on identity outputs y_t (regression).

    form="mean":      L = (1/N) sum_t ||y_t - target_t||^2, N = number of (step,
                      sequence) pairs with a loss (T for one sequence);
                      dL/dy_t = (2/N)(y_t - target_t).
    form="half_sum":  L = (1/2) sum_t ||y_t - target_t||^2 (per sequence, averaged
                      over the batch); dL/dy_t = (y_t - target_t) / B.
    """
    check_choice(form, "form", ("mean", "half_sum"))
    y3, t3, w, B, out = _prepare(ys, targets, mask)
    with np.errstate(over="ignore", invalid="ignore"):  # overflowed logits give inf, not warnings
        err = (y3 - t3) * w
        if form == "mean":
            n = max(w.sum(), 1.0)
            return float(np.sum(err * (y3 - t3)) / n), out(2.0 * err / n)
        return float(0.5 * np.sum(err * (y3 - t3)) / B), out(err / B)


def sigmoid_bce(ys, targets, mask=None):
    """Sigmoid output p_t = sigma(y_t) with binary cross-entropy, on the logits.

    L = sum_t [-target log p_t - (1 - target) log(1 - p_t)] (averaged over the batch),
    computed stably as max(y, 0) - y target + log(1 + exp(-|y|)); dL/dy_t = p_t - target.
    """
    y3, t3, w, B, out = _prepare(ys, targets, mask)
    with np.errstate(over="ignore", invalid="ignore"):
        per = np.maximum(y3, 0) - y3 * t3 + np.log1p(np.exp(-np.abs(y3)))
        return float(np.sum(per * w) / B), out((sigmoid(y3) - t3) * w / B)


def softmax_ce(ys, targets, mask=None):
    """Softmax output with cross-entropy, on the logits.

    targets: class indices (T, B) / (T,) or probability vectors with the shape of ys.
    L = -sum_t log p_t[target_t] (averaged over the batch); dL/dy_t = p_t - onehot(target_t).
    """
    y3, t3, w, B, out = _prepare(ys, targets, mask, labels=True)
    if t3.shape != y3.shape:  # class indices -> one-hot
        t3 = np.eye(y3.shape[2])[t3]
    with np.errstate(over="ignore", invalid="ignore"):
        logp = log_softmax(y3)
        loss = -np.sum(t3 * logp * w) / B
        return float(loss), out((np.exp(logp) - t3) * w / B)


LOSSES = {"mse": mse, "sigmoid_bce": sigmoid_bce, "softmax_ce": softmax_ce}
