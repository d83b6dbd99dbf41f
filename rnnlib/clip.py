"""Gradient clipping.

By norm (Pascanu, Mikolov & Bengio 2013): if ||g|| > threshold, g <- threshold g / ||g||;
the direction is kept, only the length shrinks. By value (min-char-rnn's +-5): every
component is clipped to [-limit, limit]; the direction generally changes.
"""

from __future__ import annotations

import numpy as np

from ._validate import PARAM_NAMES, describe


def _keys(grads, keys):
    if keys is None:
        keys = [k for k in PARAM_NAMES if k in grads] or list(grads)
    missing = [k for k in keys if k not in grads]
    if missing:
        raise ValueError(f"grads has no entries {missing}; it has {list(grads)}")
    return keys


def _check_threshold(value, name):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.number))
        or not (np.isfinite(value) and value > 0)
    ):
        raise ValueError(f"{name} must be a positive finite number, got {describe(value)}")


def _norm_parts(grads, keys):
    """(m, s) with ||g|| = m * s and m = max |entry|: scaling by m first keeps the norm
    of a huge but finite gradient (entries of 1e200) from overflowing."""
    with np.errstate(over="ignore", invalid="ignore"):
        m = float(np.max([np.max(np.abs(grads[k]), initial=0.0) for k in keys]))
        if not np.isfinite(m) or m == 0.0:
            return m, 1.0
        return m, float(np.sqrt(sum(np.sum(np.square(np.asarray(grads[k]) / m)) for k in keys)))


def global_norm(grads, keys=None) -> float:
    """||g|| = sqrt(sum over the parameters of the squared entries of their gradients).

    keys: which entries count; by default the five parameters present in grads.
    """
    m, s = _norm_parts(grads, _keys(grads, keys))
    with np.errstate(over="ignore"):
        return float(m * s)


def clip_by_norm(grads, threshold, keys=None):
    """Return (clipped copy of grads, norm before clipping).

    If the global norm exceeds ``threshold``, every gradient is multiplied by
    threshold / norm. A non-finite norm is returned unchanged with the gradients
    (nothing sensible can be rescaled); the caller decides to skip the step.
    """
    _check_threshold(threshold, "threshold")
    keys = _keys(grads, keys)
    m, s = _norm_parts(grads, keys)
    with np.errstate(over="ignore"):
        norm = float(m * s)
    scale = threshold / m / s if np.isfinite(m) and norm > threshold else 1.0
    out = {k: np.array(v, copy=True) for k, v in grads.items()}
    for k in keys:
        out[k] = out[k] * scale
    return out, norm


def clip_by_value(grads, limit=5.0, keys=None):
    """Return a copy of grads with every component clipped to [-limit, limit]."""
    _check_threshold(limit, "limit")
    keys = _keys(grads, keys)
    out = {k: np.array(v, copy=True) for k, v in grads.items()}
    for k in keys:
        out[k] = np.clip(out[k], -limit, limit)
    return out
