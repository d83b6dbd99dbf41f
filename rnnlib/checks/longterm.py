"""Checker for notebook 09 (long-term dependencies): the one-step Jacobian of the gated cell.

The student writes dh_t/dh_{t-1} from u_t, c_t, h_{t-1}, W_hh and W_hu. The verdict names
the first wrong entry (row i = unit of h_t, column j = unit of h_{t-1}) and recognises the
usual slips: a transposed matrix (row- vs column-vector convention), a missing leak term
diag(1 - u_t), a missing gate term.
"""

from __future__ import annotations

import numpy as np

from .framework import CheckResult, run_student


def _parts(u, c, h_prev, W_hh, W_hu):
    leak = np.diag(1.0 - u)
    cand = (u * (1.0 - c**2))[:, None] * W_hh
    gate = ((c - h_prev) * u * (1.0 - u))[:, None] * W_hu
    return leak, cand, gate


def reference_jacobian(u, c, h_prev, W_hh, W_hu):
    """dh_t/dh_{t-1} = diag(1 - u_t) + diag(u_t (1 - c_t^2)) W_hh
    + diag((c_t - h_{t-1}) u_t (1 - u_t)) W_hu."""
    leak, cand, gate = _parts(u, c, h_prev, W_hh, W_hu)
    return leak + cand + gate


def _cases():
    cases = []
    for seed, H in [(0, 3), (1, 4), (2, 5)]:
        rng = np.random.default_rng(seed)
        u = rng.uniform(0.1, 0.9, H)
        c = np.tanh(rng.normal(size=H))
        h_prev = rng.normal(0, 0.5, H)
        W_hh = rng.normal(0, 1 / np.sqrt(H), (H, H))
        W_hu = rng.normal(0, 1 / np.sqrt(H), (H, H))
        cases.append((u, c, h_prev, W_hh, W_hu))
    return cases


def check_gated_jacobian(student_fn, quiet=False) -> CheckResult:
    """student_fn(u, c, h_prev, W_hh, W_hu) -> (H, H) array dh_t/dh_{t-1}."""
    result = CheckResult("Jacobian dh_t/dh_{t-1} of the gated cell", True)
    for n, args in enumerate(_cases(), start=1):
        H = args[0].shape[0]
        ok, got = run_student(result, n, student_fn, *(np.array(a, copy=True) for a in args))
        if not ok:
            break
        expected = reference_jacobian(*args)
        g = np.asarray(got, dtype=float) if got is not None else None
        if g is None or g.shape != (H, H):
            result.fail(
                [f"case {n}: expected an ({H}, {H}) array, got {None if g is None else g.shape}"]
            )
            break
        if np.allclose(g, expected, rtol=1e-6, atol=1e-9):
            continue
        i, j = np.unravel_index(np.argmax(np.abs(g - expected)), g.shape)
        result.fail(
            [
                f"case {n}: entry [{i}, {j}] (d h_t[{i}] / d h_(t-1)[{j}]) is {g[i, j]:.6g}, "
                f"expected {expected[i, j]:.6g}"
            ]
        )
        leak, cand, gate = _parts(*args)
        hints = [
            (
                expected.T,
                "your matrix is the transpose: row i must be the unit i of h_t "
                "(column-vector convention, dh_t/dh_{t-1}[i, j] = d h_t[i] / d h_(t-1)[j])",
            ),
            (
                cand + gate,
                "the leak term diag(1 - u_t) is missing: h_t contains (1 - u_t) * h_{t-1}",
            ),
            (
                leak + cand,
                "the gate term diag((c_t - h_{t-1}) u_t (1 - u_t)) W_hu is missing: "
                "u_t depends on h_{t-1} too",
            ),
            (leak + gate, "the candidate term diag(u_t (1 - c_t^2)) W_hh is missing"),
        ]
        for other, hint in hints:
            if np.allclose(g, other, rtol=1e-6, atol=1e-9):
                result.messages.append(hint)
        break
    return result.report(quiet)
