"""Shared test set-up: a deterministic hypothesis profile and plain-numpy references.

The references below are written directly from the course equations (column vectors,
one column per sequence) and deliberately share no code with rnnlib:

    z_t = W_xh x_t + W_hh h_{t-1} + b_h,   h_t = f(z_t),   y_t = W_hy h_t + b_y
"""

import numpy as np
from hypothesis import HealthCheck, settings

# Deterministic in CI: the same examples on every run; no per-example time limit.
settings.register_profile(
    "course",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("course")

PARAMS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
ACTIVATION_NAMES = ("tanh", "relu", "sigmoid", "linear")
LOSS_KINDS = ("mse_mean", "mse_half_sum", "sigmoid_bce", "softmax_ce_index", "softmax_ce_prob")

F = {
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}
DF = {
    "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(float),
    "sigmoid": lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2,
    "linear": lambda z: np.ones_like(z),
}


def as3(a):
    """(T, D) -> (T, 1, D); (T, B, D) unchanged."""
    a = np.asarray(a)
    return a[:, None, :] if a.ndim == 2 else a


def ref_run(params, xs3, h_start, activation, t0=0, t1=None):
    """Run the recurrence over steps t0+1..t1 from the hidden state h_start (B, H).

    Column-vector form: each sequence of the batch is one column. Returns
    (hs (t1-t0+1, B, H) with hs[0] = h_start, zs (t1-t0, B, H), ys (t1-t0, B, O)).
    """
    f = F[activation]
    t1 = xs3.shape[0] if t1 is None else t1
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    W_hy, b_y = params["W_hy"], params["b_y"]
    h = np.asarray(h_start, dtype=float).T  # (H, B)
    hs, zs, ys = [h.T], [], []
    for t in range(t0, t1):
        x = xs3[t].T  # (D, B): x_{t+1}, one column per sequence
        z = W_xh @ x + W_hh @ h + b_h[:, None]
        h = f(z)
        y = W_hy @ h + b_y[:, None]
        hs.append(h.T)
        zs.append(z.T)
        ys.append(y.T)
    B, H, O = h.shape[1], W_hh.shape[0], W_hy.shape[0]
    return (
        np.array(hs),
        np.array(zs).reshape(len(zs), B, H),
        np.array(ys).reshape(len(ys), B, O),
    )


def fd_grad(fun, x, eps=1e-3):
    """Central differences of the scalar fun() w.r.t. the array x (perturbed in place).

    Fourth-order central stencil (f(x-2e) - 8 f(x-e) + 8 f(x+e) - f(x+2e)) / (12 e):
    truncation error O(e^4) ~ 1e-12 and round-off ~ 1e-13, so that even gradients of
    order 1e-4 (long products of small Jacobians) are resolved to a relative 1e-7.
    """
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        vals = []
        for step in (-2, -1, 1, 2):
            x[i] = old + step * eps
            vals.append(fun())
        x[i] = old
        g[i] = (vals[0] - 8 * vals[1] + 8 * vals[2] - vals[3]) / (12 * eps)
    return g


def rel_err(a, b):
    """||a - b|| / (||a|| + ||b||), written out here so that tests do not trust rnnlib's."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (a.shape, b.shape)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def assert_grad_close(got, ref, label, tol=1e-7, floor=1e-4):
    """rel_err(got, ref) < tol.

    The finite differences carry an absolute round-off of 1e-13 to 1e-12, so a reference
    whose norm is below ``floor`` (a gradient that a long product of small Jacobians or
    a dead ReLU has made tiny or zero) is compared absolutely, to tol * floor = 1e-11.
    """
    got, ref = np.asarray(got, float), np.asarray(ref, float)
    assert got.shape == ref.shape, (label, got.shape, ref.shape)
    if np.linalg.norm(ref) < floor:
        assert np.max(np.abs(got - ref)) < tol * floor, (label, got, ref)
    else:
        err = rel_err(got, ref)
        assert err < tol, f"{label}: relative error {err:.2e}"


def random_params(D, H, O, seed, gain=0.9):
    """Weights of order one (so every gradient is well above finite-difference noise)."""
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.normal(0, gain / np.sqrt(D), (H, D)),
        "W_hh": rng.normal(0, gain / np.sqrt(H), (H, H)),
        "b_h": rng.normal(0, 0.3, H),
        "W_hy": rng.normal(0, 1.0 / np.sqrt(H), (O, H)),
        "b_y": rng.normal(0, 0.3, O),
    }


def make_problem(T, B, D, H, O, activation, seed, min_abs_z=0.1):
    """Random params, xs, h0 (single sequence when B is None).

    The sigmoid gets larger weights (its f' is at most 1/4), so that gradients reaching
    h0 are not buried in finite-difference round-off. For ReLU (and to keep every kink
    away from a finite-difference step) the draw is repeated until every |z_t| >= min_abs_z.
    """
    for attempt in range(200):
        s = seed * 1000 + attempt
        rng = np.random.default_rng(s + 7)
        p = random_params(D, H, O, s, gain=3.0 if activation == "sigmoid" else 0.9)
        shape = (T, D) if B is None else (T, B, D)
        xs = rng.normal(0, 1, shape)
        h0 = rng.normal(0, 0.5, (H,) if B is None else (B, H))
        _, zs, _ = ref_run(p, as3(xs), np.atleast_2d(h0), activation)
        if np.min(np.abs(zs)) >= min_abs_z:
            return p, xs, h0
    raise AssertionError("could not draw a problem without kinks")  # pragma: no cover


def make_loss(kind, ys_shape, last_only, seed):
    """A loss closure ys -> (loss, dys) with fixed random targets.

    kind: one of LOSS_KINDS; last_only: many-to-one (mask="last", targets of the last
    step only) instead of many-to-many.
    """
    import rnnlib

    rng = np.random.default_rng(seed + 99)
    step = ys_shape[1:]  # (B, O) or (O,)
    tshape = step if last_only else ys_shape
    mask = "last" if last_only else None
    if kind in ("mse_mean", "mse_half_sum"):
        tg = rng.normal(0, 1, tshape)
        form = kind.split("_", 1)[1]
        return lambda ys: rnnlib.mse(ys, tg, mask=mask, form=form)
    if kind == "sigmoid_bce":
        tg = rng.uniform(0, 1, tshape)
        return lambda ys: rnnlib.sigmoid_bce(ys, tg, mask=mask)
    if kind == "softmax_ce_index":
        tg = rng.integers(0, ys_shape[-1], tshape[:-1])
        return lambda ys: rnnlib.softmax_ce(ys, tg, mask=mask)
    if kind == "softmax_ce_prob":
        tg = rng.dirichlet(np.ones(ys_shape[-1]), tshape[:-1])
        return lambda ys: rnnlib.softmax_ce(ys, tg, mask=mask)
    raise ValueError(kind)


def truncation_ends(T, k1):
    """Block ends k1, 2 k1, ..., and T."""
    ends = list(range(k1, T + 1, k1))
    if not ends or ends[-1] != T:
        ends.append(T)
    return ends


def window_start(t_prev, k1, k2, T):
    """Where the pass that carries the losses of steps t_prev+1.. stops: they are
    backpropagated through themselves and the k2 - k1 steps before them; nothing is cut
    when k2 >= T."""
    return 0 if k2 >= T else max(t_prev - (k2 - k1), 0)


def fd_truncated_gradient(params, xs, h0, activation, loss_fn, k1, k2, eps=1e-3):
    """Truncated BPTT built directly from its definition, with finite differences.

    For each block end t (k1, 2k1, ..., T) with previous end t_prev and window start
    w = window_start(t_prev, k1, k2, T): h_w from the full forward pass is a constant;
    the recurrence is re-run from h_w over steps w+1..t with the parameters and inputs;
    the block objective is the loss of steps t_prev+1..t. Its central differences
    w.r.t. every parameter, every input x_s (key "xs"; only those inside the window
    matter) and h0 (when w = 0) are summed over the blocks. k1 = k2 = T gives full BPTT.

    The loss is a sum over steps, so "the loss of steps t_prev+1..t" is evaluated as
    loss(ys with those steps replaced by the recomputed outputs); the other steps
    contribute a constant.
    """
    xs3 = np.array(as3(xs), dtype=float)
    T = xs3.shape[0]
    h0_2 = np.array(np.atleast_2d(h0), dtype=float)
    single = np.ndim(xs) == 2
    hs_full, _, ys_full = ref_run(params, xs3, h0_2, activation)
    p = {k: np.array(v, dtype=float) for k, v in params.items()}
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    grads["h0"] = np.zeros_like(h0_2)
    grads["xs"] = np.zeros_like(xs3)
    t_prev = 0
    for t in truncation_ends(T, k1):
        w = window_start(t_prev, k1, k2, T)
        h_w = h0_2 if w == 0 else hs_full[w].copy()

        def block_loss(t=t, w=w, t_prev=t_prev, h_w=h_w):
            _, _, ys_w = ref_run(p, xs3, h_w, activation, w, t)
            ys = ys_full.copy()
            ys[t_prev:t] = ys_w[t_prev - w :]
            return loss_fn(ys[:, 0] if single else ys)[0]

        for k in PARAMS:
            grads[k] += fd_grad(block_loss, p[k], eps)
        grads["xs"] += fd_grad(block_loss, xs3, eps)
        if w == 0:
            grads["h0"] += fd_grad(block_loss, h_w, eps)
        t_prev = t
    if single:
        grads["h0"] = grads["h0"][0]
        grads["xs"] = grads["xs"][:, 0]
    return grads
