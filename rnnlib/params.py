"""Parameter initialisation: the five arrays of a simple RNN.

Shapes (column-vector convention): W_xh (H, D), W_hh (H, H), b_h (H,),
W_hy (O, H), b_y (O,).
"""

from __future__ import annotations

import numpy as np

from ._validate import PARAM_NAMES, check_choice, check_positive_int, describe

SCHEMES = ("small", "xavier", "orthogonal", "identity")


def spectral_radius(W) -> float:
    """rho(W) = max |eigenvalue of W|."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=float)))))


def sigma_max(W) -> float:
    """Largest singular value of W (its spectral norm ||W||_2)."""
    return float(np.linalg.norm(np.asarray(W, dtype=float), 2))


def init_params(
    n_in,
    n_hidden,
    n_out,
    *,
    seed=0,
    scheme="small",
    scale=0.01,
    radius=None,
    singular=None,
    dtype=np.float64,
) -> dict:
    """Create RNN parameters.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        D (input size), H (hidden size), O (output size).
    seed : int
        Seed of the random generator (results are reproducible).
    scheme : {"small", "xavier", "orthogonal", "identity"}
        How W_hh is drawn. "small": every weight N(0, scale^2) (min-char-rnn's
        0.01). "xavier": N(0, 1/fan_in) for all three matrices. "orthogonal": W_hh
        a random orthogonal matrix (all singular values 1). "identity": W_hh = I
        (Le, Jaitly & Hinton's IRNN, used with ReLU).
    scale : float
        Standard deviation of W_xh and W_hy (and of W_hh for "small").
    radius : float, optional
        Rescale W_hh so that its spectral radius rho(W_hh) equals ``radius``.
    singular : float, optional
        Rescale W_hh so that its largest singular value equals ``singular``.
    dtype : numpy dtype
        float64 by default (gradient checks need it); float32 on request.

    Biases start at zero. Returns a plain dict of arrays.
    """
    D = check_positive_int(n_in, "n_in")
    H = check_positive_int(n_hidden, "n_hidden")
    O = check_positive_int(n_out, "n_out")
    check_choice(scheme, "scheme", SCHEMES)
    if radius is not None and singular is not None:
        raise ValueError("give at most one of radius and singular, got both")
    for name, val in (("scale", scale), ("radius", radius), ("singular", singular)):
        if val is not None and (
            not isinstance(val, (int, float, np.floating, np.integer))
            or isinstance(val, bool)
            or not np.isfinite(val)
            or val < 0
        ):
            raise ValueError(f"{name} must be a finite number >= 0, got {describe(val)}")
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
    if radius is not None:
        rho = spectral_radius(W_hh)
        W_hh = W_hh * (radius / rho) if rho > 0 else W_hh
    if singular is not None:
        s = sigma_max(W_hh)
        W_hh = W_hh * (singular / s) if s > 0 else W_hh
    params = {
        "W_xh": W_xh,
        "W_hh": W_hh,
        "b_h": np.zeros(H),
        "W_hy": W_hy,
        "b_y": np.zeros(O),
    }
    return {k: np.asarray(params[k], dtype=dtype) for k in PARAM_NAMES}


def copy_params(params) -> dict:
    """A deep copy of a parameter mapping (a plain dict of new arrays)."""
    return {k: np.array(params[k], copy=True) for k in PARAM_NAMES}


def zeros_like_params(params) -> dict:
    return {k: np.zeros_like(np.asarray(params[k], dtype=float)) for k in PARAM_NAMES}
