"""Parameter initialisation: the five arrays of a simple RNN.

Shapes (column-vector convention): W_xh (H, D), W_hh (H, H), b_h (H,),
W_hy (O, H), b_y (O,).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ._validate import (
    PARAM_NAMES,
    as_float_array,
    check_choice,
    check_finite,
    check_float_dtype,
    check_params,
    check_positive_int,
    check_real,
    check_seed,
)

SCHEMES = ("small", "xavier", "orthogonal", "identity")


def _matrix(W: ArrayLike, name: str, square: bool) -> np.ndarray:
    """W as a finite 2-D float array (square if asked)."""
    a = as_float_array(W, name)
    if a.ndim != 2 or a.size == 0 or (square and a.shape[0] != a.shape[1]):
        raise ValueError(
            f"{name} must be a non-empty {'square ' if square else ''}matrix "
            f"({'(H, H)' if square else '2-D'}), got shape {a.shape}"
        )
    check_finite(a, name)
    return a.astype(np.promote_types(a.dtype, np.float32), copy=False)  # linalg: no float16


def spectral_radius(W: ArrayLike) -> float:
    """rho(W) = max |lambda| over the eigenvalues lambda of the square matrix W."""
    return float(np.max(np.abs(np.linalg.eigvals(_matrix(W, "W", square=True)))))


def sigma_max(W: ArrayLike) -> float:
    """Largest singular value of the matrix W (its spectral norm ||W||_2)."""
    return float(np.linalg.norm(_matrix(W, "W", square=False), 2))


def init_params(
    n_in: int,
    n_hidden: int,
    n_out: int,
    *,
    seed: int = 0,
    scheme: str = "small",
    scale: float | None = None,
    radius: float | None = None,
    singular: float | None = None,
    dtype: DTypeLike = np.float64,
) -> dict[str, np.ndarray]:
    """Create RNN parameters.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        D (input size), H (hidden size), O (output size).
    seed : int >= 0
        Seed of the random generator (results are reproducible).
    scheme : {"small", "xavier", "orthogonal", "identity"}
        How W_hh is drawn. "small": every weight N(0, scale^2) (min-char-rnn's
        0.01). "xavier": N(0, 1/fan_in) for all three matrices (no scale).
        "orthogonal": W_hh a random orthogonal matrix (all singular values 1).
        "identity": W_hh = I (Le, Jaitly & Hinton's IRNN, used with ReLU).
    scale : float >= 0, optional
        Standard deviation of W_xh and W_hy (and of W_hh for "small"); 0.01 if not
        given. "xavier" has no scale: giving one is an error, not silently ignored.
    radius : float >= 0, optional
        Rescale W_hh so that its spectral radius rho(W_hh) equals ``radius``.
    singular : float >= 0, optional
        Rescale W_hh so that its largest singular value equals ``singular``.
    dtype : a floating numpy dtype
        float64 by default (gradient checks need it); float32 on request.

    Biases start at zero. Returns a plain dict of arrays W_xh (H, D), W_hh (H, H),
    b_h (H,), W_hy (O, H), b_y (O,).
    """
    D = check_positive_int(n_in, "n_in")
    H = check_positive_int(n_hidden, "n_hidden")
    O = check_positive_int(n_out, "n_out")
    check_choice(scheme, "scheme", SCHEMES)
    seed = check_seed(seed)
    dtype = check_float_dtype(dtype)
    if radius is not None and singular is not None:
        raise ValueError("give at most one of radius and singular, got both")
    if scheme == "xavier" and scale is not None:
        raise ValueError(
            f"scale is not used by scheme='xavier' (every matrix is drawn N(0, 1/fan_in)); "
            f"leave scale out, or draw N(0, scale^2) with scheme='small'; got scale={scale!r}"
        )
    scale = 0.01 if scale is None else check_real(scale, "scale", low=0)
    for name, val in (("radius", radius), ("singular", singular)):
        if val is not None:
            check_real(val, name, low=0)
    rng = np.random.default_rng(seed)
    if scheme == "xavier":
        W_xh = rng.normal(0.0, 1.0 / np.sqrt(D), (H, D))
        W_hh = rng.normal(0.0, 1.0 / np.sqrt(H), (H, H))
        W_hy = rng.normal(0.0, 1.0 / np.sqrt(H), (O, H))
    else:
        W_xh = rng.normal(0.0, scale, (H, D))
        W_hy = rng.normal(0.0, scale, (O, H))
        if scheme == "small":
            W_hh = rng.normal(0.0, scale, (H, H))
        elif scheme == "orthogonal":
            q, r = np.linalg.qr(rng.normal(size=(H, H)))
            W_hh = q * np.sign(np.diag(r))
        else:  # identity
            W_hh = np.eye(H)
    for what, target, measure in (
        ("radius", radius, spectral_radius),
        ("singular", singular, sigma_max),
    ):
        if target is None:
            continue
        now = measure(W_hh)
        factor = target / now if now > 0 else np.inf
        if target > 0 and not np.isfinite(factor):
            raise ValueError(
                f"{what}={target:g} cannot be reached: W_hh drawn with scheme={scheme!r} and "
                f"scale={scale:g} has {measure.__name__.replace('_', ' ')} {now:g}; give scale > 0 "
                "or another scheme"
            )
        W_hh = W_hh * factor if target > 0 else np.zeros_like(W_hh)
    params = {
        "W_xh": W_xh,
        "W_hh": W_hh,
        "b_h": np.zeros(H),
        "W_hy": W_hy,
        "b_y": np.zeros(O),
    }
    return {k: np.asarray(params[k], dtype=dtype) for k in PARAM_NAMES}


def copy_params(params: Mapping) -> dict[str, np.ndarray]:
    """A deep copy of a parameter mapping (a plain dict of new arrays, dtypes kept).

    The mapping must hold W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,);
    non-finite entries (a diverged model) are copied as they are.
    """
    check_params(params, finite=False)
    return {k: np.array(params[k], copy=True) for k in PARAM_NAMES}


def n_parameters(D: int, H: int, O: int) -> int:
    """The number of trainable numbers, H D + H H + H + O H + O (W_xh, W_hh, b_h, W_hy,
    b_y): the same for every sequence length T (the weights are shared over time)."""
    D, H, O = (check_positive_int(v, n) for v, n in ((D, "D"), (H, "H"), (O, "O")))
    return H * D + H * H + H + O * H + O


def zeros_like_params(params: Mapping) -> dict[str, np.ndarray]:
    return {k: np.zeros_like(np.asarray(params[k], dtype=float)) for k in PARAM_NAMES}
