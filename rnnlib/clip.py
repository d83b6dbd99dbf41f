"""Gradient clipping.

By norm (Pascanu, Mikolov & Bengio 2013): if ||g|| > threshold, g <- threshold g / ||g||;
the direction is kept, only the length shrinks. By value (min-char-rnn's +-5): every
component is clipped to [-limit, limit]; the direction generally changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ._validate import PARAM_NAMES, as_float_array, check_real, describe


def _arrays(grads, keys) -> dict[str, np.ndarray]:
    """The gradients that count, checked: {key: float array}."""
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a mapping from names to arrays, got {describe(grads)}")
    if not grads:
        raise ValueError(
            f"grads is empty; expected gradient arrays such as {', '.join(PARAM_NAMES)}"
        )
    if keys is None:
        keys = [k for k in PARAM_NAMES if k in grads] or list(grads)
    elif isinstance(keys, str) or not isinstance(keys, Iterable):
        raise TypeError(f"keys must be a list of names of entries of grads, got {describe(keys)}")
    keys = list(keys)
    if not keys:
        raise ValueError("keys is empty; name at least one entry of grads (or give None)")
    missing = [k for k in keys if k not in grads]
    if missing:
        raise ValueError(f"grads has no entries {missing}; it has {list(grads)}")
    return {k: as_float_array(grads[k], f"grads[{k!r}]") for k in keys}


def _norm_parts(arrays):
    """(m, s) with ||g|| = m * s and m = max |entry|: scaling by m first keeps the norm
    of a huge but finite gradient (entries of 1e200) from overflowing, and of a tiny one
    (1e-200) from underflowing."""
    with np.errstate(over="ignore", invalid="ignore"):
        m = float(max(np.max(np.abs(a), initial=0.0) for a in arrays.values()))
        if not np.isfinite(m) or m == 0.0:
            return m, 1.0
        return m, float(np.sqrt(sum(np.sum(np.square(a / m)) for a in arrays.values())))


def global_norm(grads: Mapping, keys: Iterable[str] | None = None) -> float:
    """||g|| = sqrt(sum over the parameters of the squared entries of their gradients).

    keys: which entries count; by default the five parameters present in grads (all
    entries if none of them is).
    """
    m, s = _norm_parts(_arrays(grads, keys))
    with np.errstate(over="ignore"):
        return float(m * s)


def gradient_vector(grads: Mapping, keys: Iterable[str] = PARAM_NAMES) -> np.ndarray:
    """g: the gradients grads[key] for the given keys (by default the five parameters
    W_xh, W_hh, b_h, W_hy, b_y, all required), flattened and concatenated in that order
    into one float64 vector; ||g|| = global_norm(grads, keys)."""
    return np.concatenate([a.ravel() for a in _arrays(grads, keys).values()], dtype=np.float64)


def _scaled(arrays, threshold, m, s):
    """g * threshold / ||g||, with ||g|| = m s.

    Normally g * (threshold / m / s). When the result is below the smallest normal float
    of the gradients' dtype, the products round (up, or to zero): then the entries are
    counted in units of the smallest positive float and rounded towards zero, the
    largest entry is kept if all would vanish, and the norm is checked to be <= the
    threshold.
    """
    dtype = np.result_type(*arrays.values())
    info = np.finfo(dtype)
    c = threshold / s  # the largest entry's new magnitude
    scale = threshold / m / s
    if c >= info.tiny:
        if scale >= info.tiny:
            return {k: a * scale for k, a in arrays.items()}
        return {k: (a / m) * c for k, a in arrays.items()}  # scale itself would underflow
    unit = float(info.smallest_subnormal)
    if threshold < unit:
        raise ValueError(
            f"threshold must be at least the smallest positive {dtype} ({unit:.5g}) "
            f"for gradients of that dtype, got {threshold:g}"
        )
    e = int(np.log2(unit))  # unit = 2**e
    c_units = np.ldexp(threshold, -e) / s  # c in units, a normal number
    out = {
        k: np.ldexp(np.sign(a) * np.floor(np.abs(a / m) * c_units), e).astype(dtype)
        for k, a in arrays.items()
    }
    if all(not np.any(v) for v in out.values()):  # every entry below one unit
        k = max(arrays, key=lambda k: np.max(np.abs(arrays[k]), initial=0.0))
        i = np.unravel_index(np.argmax(np.abs(arrays[k])), arrays[k].shape)
        out[k][i] = np.sign(arrays[k][i]) * unit
    for _ in range(64):  # the floor's products may still round up by a unit: step down
        m2, s2 = _norm_parts(out)
        if m2 == 0 or (s2 <= threshold / m2 and m2 * s2 <= threshold):  # as global_norm
            break
        out = {k: np.nextafter(v, np.zeros((), v.dtype)) for k, v in out.items()}
    return out


def clip_by_norm(
    grads: Mapping, threshold: float, keys: Iterable[str] | None = None
) -> tuple[dict[str, np.ndarray], float]:
    """Return (clipped copy of grads, norm before clipping).

    If the global norm ||g|| exceeds ``threshold`` (tau), every gradient is multiplied
    by tau / ||g||, so that the clipped norm is tau (never above it). A non-finite norm
    is returned unchanged with the gradients (nothing sensible can be rescaled); the
    caller decides to skip the step. Entries not in ``keys`` (h0) are copied unchanged.
    """
    threshold = check_real(threshold, "threshold", low=0, low_open=True)
    arrays = _arrays(grads, keys)
    m, s = _norm_parts(arrays)
    with np.errstate(over="ignore"):
        norm = float(m * s)
    out = {k: np.array(v, copy=True) for k, v in grads.items()}
    if np.isfinite(m) and m > 0 and s > threshold / m:  # ||g|| > tau, without overflow
        out.update(_scaled(arrays, threshold, m, s))
    return out, norm


def clip_by_value(
    grads: Mapping, limit: float = 5.0, keys: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Return a copy of grads with every component clipped to [-limit, limit].

    As in min-char-rnn, an overflowed entry (+-inf) becomes +-limit; NaN stays NaN.
    """
    limit = check_real(limit, "limit", low=0, low_open=True)
    arrays = _arrays(grads, keys)
    out = {k: np.array(v, copy=True) for k, v in grads.items()}
    for k, a in arrays.items():
        out[k] = np.clip(a, -limit, limit)
    return out
