"""Output activations and losses on the logits y_t.

Every loss takes the logits ``ys`` (T, B, O) or (T, O) and targets, and returns
``(loss, dys)`` with dys = dL/dy_t, ready for ``bptt``. The total loss is a sum over
time steps (averaged over the sequences of a batch); ``mask`` selects the steps that
carry a loss: None (all), "last" (many-to-one) or an array of weights >= 0 of shape
(T,) or (T, B) (0/1 to select steps).

Targets: real numbers for ``mse``, numbers in [0, 1] for ``sigmoid_bce``; for
``softmax_ce`` either integer class indices (T, B) / (T,) or floating class
probabilities with the shape of ys; the dtype decides which, never the shape. With
mask="last" the targets of the last step alone are accepted too: (B, O) / (O,), class
indices (B,) / a single integer.

The arithmetic stays in the logits' dtype: float32 logits give float32 dys.

The loss of a batch is the mean of its sequences' own losses L_b. With
``per_sequence=True`` a loss returns those instead, an array (B,), and as dys the
gradient of each sequence's own loss (B times that of the mean). (mse's "mean" form with
a weight mask divides every sequence's terms by the N of the whole batch.) A batch of
one-step sequences with one logit each gives a loss as a function of the logit:
``loss_curve``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    as_float_array,
    as_real_array,
    check_choice,
    check_finite,
    check_int,
    check_real,
    describe,
)
from .activations import sigmoid

Mask = None | str | ArrayLike


def _logits(logits: ArrayLike, axis: int) -> tuple[np.ndarray, int]:
    y = as_float_array(logits, "logits")
    if y.ndim == 0:
        raise ValueError(f"logits must have at least one axis (the classes), got {describe(y)}")
    axis = check_int(axis, "axis")
    if not -y.ndim <= axis < y.ndim:
        raise ValueError(
            f"axis must lie in -{y.ndim}..{y.ndim - 1} for logits of shape {y.shape}, got {axis}"
        )
    if y.shape[axis] == 0:
        raise ValueError(f"logits need at least one class along axis {axis}, got shape {y.shape}")
    return y, int(axis)


def softmax(logits: ArrayLike, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax p_i = exp(y_i - max_j y_j) / sum_k exp(y_k - max_j y_j)."""
    y, axis = _logits(logits, axis)
    p = np.exp(y - y.max(axis=axis, keepdims=True))
    p /= p.sum(axis=axis, keepdims=True)
    return p


def log_softmax(logits: ArrayLike, axis: int = -1) -> np.ndarray:
    """log p_i = (y_i - m) - log sum_k exp(y_k - m), m = max_j y_j (no overflow)."""
    y, axis = _logits(logits, axis)
    out = y - y.max(axis=axis, keepdims=True)
    out -= np.log(np.exp(out).sum(axis=axis, keepdims=True))
    return out


class _Batch:
    """Checked logits, targets and weights of the steps that carry a loss.

    y (T', B, O) in a floating dtype; t: (T', B, O) floats in y's dtype, or (T', B)
    class indices; w: None (every step weighs 1) or (T', B) weights in y's dtype; n: the
    number of (step, sequence) pairs with a loss (the sum of the weights). T' = 1 with
    mask="last" (only the last step is computed). ``finish`` turns a (T', B, O) dL/dy
    into the shape of the ys that were given.
    """

    def __init__(self, ys, targets, mask, kind, per_sequence=False):
        if not isinstance(per_sequence, (bool, np.bool_)):
            raise TypeError(f"per_sequence must be True or False, got {describe(per_sequence)}")
        y = as_float_array(ys, "ys")
        if y.ndim not in (2, 3):
            raise ValueError(f"ys must have shape (T, B, O) or (T, O), got shape {y.shape}")
        if 0 in y.shape:
            raise ValueError(f"ys must not be empty (T, B and O all >= 1), got shape {y.shape}")
        self.shape, self.batched = y.shape, y.ndim == 3
        y3 = y if self.batched else y[:, None, :]
        T, B, O = y3.shape
        self.last = isinstance(mask, str)
        if self.last:
            check_choice(mask, "mask", ("last",))
        self.B = B
        self.w = None if self.last or mask is None else self._weights(mask, T, B, y.dtype)
        t = as_real_array(targets, "targets")
        if kind == "classes" and np.issubdtype(t.dtype, np.integer):
            t = self._labels(t, O)
        else:
            t = self._values(t, kind, y.dtype)
        self.y = y3[-1:] if self.last else y3
        self.t = t
        if self.last:
            self.n = float(B)
        elif self.w is None:
            self.n = float(T * B)
        else:
            self.n = float(self.w.sum()) or 1.0  # no step selected: loss 0, dys 0

    @staticmethod
    def _weights(mask, T, B, dtype):
        m = as_float_array(mask, "mask", dtype)
        if m.shape not in ((T,), (T, B)):
            raise ValueError(
                f"mask must be None, 'last', or weights of shape (T,) = ({T},)"
                + (f" or (T, B) = ({T}, {B})" if B > 1 else "")
                + f"; got {describe(mask)}"
            )
        check_finite(m, "mask")
        if np.any(m < 0):
            bad = tuple(np.argwhere(m < 0)[0])
            raise ValueError(
                f"mask weights must be >= 0 (0 drops a step, 1 keeps it), "
                f"got mask[{', '.join(map(str, bad))}] = {m[bad]}"
            )
        return np.broadcast_to(m[:, None], (T, B)) if m.ndim == 1 else m

    def _shapes(self, kind):
        """(full, last step) target shapes: of ys, or without O for class indices."""
        full, step = self.shape, self.shape[1:]
        return (full[:-1], step[:-1]) if kind == "classes" else (full, step)

    def _expected(self, kind):
        full, step = self._shapes(kind)
        return f"{full}" + (f" or {step} with mask='last'" if self.last else "")

    def _bad_class_shape(self, t):
        return ValueError(
            f"targets must have shape {self._expected('classes')} (class indices) or "
            f"{self._expected('values')} (class probabilities), got shape {t.shape} "
            f"of dtype {t.dtype}"
        )

    def _labels(self, t, O):
        full, step = self._shapes("classes")
        if t.shape == full:
            t = t[-1:] if self.last else t
        elif self.last and t.shape == step:
            t = t[None]
        else:
            raise self._bad_class_shape(t)
        if t.size and (t.min() < 0 or t.max() >= O):
            raise ValueError(
                f"class indices must lie in 0..{O - 1} (O = {O} classes), "
                f"got values from {t.min()} to {t.max()}"
            )
        return t if self.batched else t[:, None]

    def _values(self, t, kind, dtype):
        full, step = self._shapes("values")
        label_shapes = self._shapes("classes") if self.last else self._shapes("classes")[:1]
        if kind == "classes" and t.dtype == bool:
            raise TypeError(
                "targets of softmax_ce must be integer class indices or floating class "
                "probabilities, got dtype bool"
            )
        if t.shape == full:
            t = t[-1:] if self.last else t
        elif self.last and t.shape == step:
            t = t[None]
        elif kind == "classes" and t.shape in label_shapes:
            raise TypeError(
                f"class-index targets must be integers, got dtype {t.dtype} (shape "
                f"{t.shape}); floating targets are class probabilities of shape "
                f"{self._expected('values')}. Convert class labels with .astype(int)"
            )
        elif kind == "classes":
            raise self._bad_class_shape(t)
        else:
            raise ValueError(
                f"targets must have shape {self._expected('values')}, got shape {t.shape}"
            )
        eps = max(np.finfo(dtype).eps, np.finfo(t.dtype).eps if t.dtype.kind == "f" else 0.0)
        t = as_float_array(t, "targets", dtype)
        check_finite(t, "targets")
        outside = (t < 0) | (t > 1)
        if kind in ("bits", "classes") and np.any(outside):
            what = "class probabilities" if kind == "classes" else "targets of sigmoid_bce"
            bad = tuple(np.argwhere(outside)[0])
            raise ValueError(f"{what} must lie in [0, 1], got {t[bad]} at step {self._step(bad)}")
        if kind == "classes":
            sums = t.sum(axis=-1)
            off = np.abs(sums - 1) > 16 * t.shape[-1] * eps
            if self.w is not None:
                off &= self.w[:, 0] > 0 if not self.batched else self.w > 0
            if np.any(off):
                bad = tuple(np.argwhere(off)[0])
                raise ValueError(
                    "class probabilities must sum to 1 over the O classes at every step "
                    f"with a loss, got a sum of {sums[bad]:.6g} at step {self._step(bad)}"
                )
        return t if self.batched else t[:, None, :]

    def _step(self, index):
        """The time step t (1..T) of an index into the selected targets."""
        return self.shape[0] if self.last else index[0] + 1

    def weighted(self, a):
        """a (T', B, ...) times the weights w broadcast over the trailing axes."""
        if self.w is None:
            return a
        return a * self.w.reshape(self.w.shape + (1,) * (a.ndim - 2))

    def total(self, terms: np.ndarray, per: float, per_sequence: bool):
        """The loss from its weighted terms (T', B[, O]): sum(terms) / per, a float; with
        per_sequence each sequence's own loss, (B,): B sum_b(terms) / per."""
        if per_sequence:
            return np.sum(terms, axis=(0, *range(2, terms.ndim))) * (self.B / per)
        return float(np.sum(terms) / per)

    def finish(self, d3: np.ndarray, per_sequence: bool = False) -> np.ndarray:
        """dL/dy (T', B, O) in the shape of the ys given; with per_sequence that of each
        sequence's own loss (B times that of the mean)."""
        if per_sequence:
            d3 = d3 * d3.dtype.type(self.B)
        if self.last:  # zero at every step but the last
            full = np.zeros((self.shape[0],) + d3.shape[1:], dtype=d3.dtype)
            full[-1] = d3[0]
            d3 = full
        return d3 if self.batched else d3[:, 0]


def mse(
    ys: ArrayLike,
    targets: ArrayLike,
    mask: Mask = None,
    form: str = "mean",
    *,
    per_sequence: bool = False,
) -> tuple[float | np.ndarray, np.ndarray]:
    """Squared error on identity outputs y_t (regression).

    form="mean":      L = (1/N) sum_t ||y_t - target_t||^2, N = number of (step,
                      sequence) pairs with a loss (T for one sequence; the sum of the
                      weights of a weight mask); dL/dy_t = (2/N)(y_t - target_t).
    form="half_sum":  L = (1/2) sum_t ||y_t - target_t||^2 (per sequence, averaged
                      over the batch); dL/dy_t = (y_t - target_t) / B.
    ys (T, B, O) or (T, O); targets of the same shape. Returns (L, dL/dys); with
    per_sequence (L_b (B,), dL_b/dys), see the module's docstring.
    """
    check_choice(form, "form", ("mean", "half_sum"))
    b = _Batch(ys, targets, mask, "real", per_sequence)
    with np.errstate(over="ignore", invalid="ignore"):  # overflowed logits give inf, not warnings
        r = b.y - b.t  # y_t - target_t
        wr = b.weighted(r)
        if form == "mean":
            return b.total(wr * r, b.n, per_sequence), b.finish(2.0 * wr / b.n, per_sequence)
        return b.total(0.5 * (wr * r), b.B, per_sequence), b.finish(wr / b.B, per_sequence)


def sigmoid_bce(
    ys: ArrayLike, targets: ArrayLike, mask: Mask = None, *, per_sequence: bool = False
) -> tuple[float | np.ndarray, np.ndarray]:
    """Sigmoid output p_t = sigma(y_t) with binary cross-entropy, on the logits.

    L = sum_t [-target log p_t - (1 - target) log(1 - p_t)] (averaged over the batch),
    computed stably as max(y, 0) - y target + log(1 + exp(-|y|)); dL/dy_t = p_t - target.
    ys (T, B, O) or (T, O); targets in [0, 1] of the same shape. Returns (L, dL/dys);
    with per_sequence (L_b (B,), dL_b/dys), see the module's docstring.
    """
    b = _Batch(ys, targets, mask, "bits", per_sequence)
    y, t = b.y, b.t
    with np.errstate(over="ignore", invalid="ignore"):
        per = np.maximum(y, 0) - y * t + np.log1p(np.exp(-np.abs(y)))
        d = b.weighted(sigmoid(y) - t) / b.B
        return b.total(b.weighted(per), b.B, per_sequence), b.finish(d, per_sequence)


def softmax_ce(
    ys: ArrayLike, targets: ArrayLike, mask: Mask = None, *, per_sequence: bool = False
) -> tuple[float | np.ndarray, np.ndarray]:
    """Softmax output p_t = softmax(y_t) with cross-entropy, on the logits.

    targets: integer class indices c_t, (T, B) or (T,); or floating class probabilities
    q_t with the shape of ys (each summing to 1).
    L = -sum_t log p_t[c_t]  (= -sum_t q_t . log p_t)  averaged over the batch;
    dL/dy_t = p_t - onehot(c_t)  (= p_t - q_t), divided by B.
    With class indices no one-hot array is built: the target logit is picked, and 1 is
    subtracted from p_t at the target class. Returns (L, dL/dys) in the logits' dtype;
    with per_sequence (L_b (B,), dL_b/dys), see the module's docstring.
    """
    b = _Batch(ys, targets, mask, "classes", per_sequence)
    Tn, B, O = b.y.shape
    N = Tn * B
    y = b.y.reshape(N, O)
    w = None if b.w is None else b.w.reshape(N)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        m = y.max(axis=1, keepdims=True)
        d = np.subtract(y, m)  # y_t - max_j y_tj: exp cannot overflow
        if b.t.ndim == 2:  # class indices
            rows, c = np.arange(N), b.t.reshape(N)
            nll = -d[rows, c]  # -(y_tc - m)
            np.exp(d, out=d)
            s = d.sum(axis=1)
            nll += np.log(s)  # -log p_t[c_t]
        else:  # class probabilities q_t
            q = b.t.reshape(N, O)
            qd = np.einsum("no,no->n", q, d)  # q_t . (y_t - m)
            np.exp(d, out=d)
            s = d.sum(axis=1)
            nll = np.log(s) * q.sum(axis=1) - qd  # -q_t . log p_t
        scale = (1.0 / B) / s if w is None else w / (B * s)
        d *= scale[:, None]  # p_t (times w_t / B)
        if b.t.ndim == 2:
            d[rows, c] -= 1.0 / B if w is None else w / B  # p_t - onehot(c_t)
        else:
            d -= q * (1.0 / B) if w is None else q * (w / B)[:, None]  # p_t - q_t
        loss = b.total((nll if w is None else nll * w).reshape(Tn, B), B, per_sequence)
    return loss, b.finish(d.reshape(Tn, B, O), per_sequence)


def sigmoid_mse(
    ys: ArrayLike,
    targets: ArrayLike,
    mask: Mask = None,
    form: str = "mean",
    *,
    per_sequence: bool = False,
) -> tuple[float | np.ndarray, np.ndarray]:
    """Sigmoid output p_t = sigma(y_t) with squared error, on the logits.

    The loss is ``mse`` of the predictions p_t (same ``form`` and ``mask``). Unlike the
    pairs sigmoid + BCE and softmax + CE, the output's derivative does not cancel:
    dL/dy_t = dL/dp_t * sigma'(y_t) = dL/dp_t * p_t (1 - p_t), e.g.
    (2/T)(p_t - target_t) p_t (1 - p_t) for the mean form of one sequence.
    ys (T, B, O) or (T, O); targets of the same shape. Returns (L, dL/dys); with
    per_sequence (L_b (B,), dL_b/dys), see the module's docstring.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        p = sigmoid(as_float_array(ys, "ys"))
    loss, dps = mse(p, targets, mask, form, per_sequence=per_sequence)
    return loss, dps * p * (1 - p)


def loss_curve(
    loss: str, logits: ArrayLike, target: float, **options
) -> tuple[np.ndarray, np.ndarray]:
    """L(y) and dL/dy of one step with one output, at every logit y of a 1-D array.

    loss: "mse", "sigmoid_bce" or "sigmoid_mse", with its options (form="half_sum");
    target: the step's target y*. The n logits are a batch of n one-step sequences, each
    with its own loss (per_sequence). Returns two arrays of shape (n,).
    """
    check_choice(loss, "loss", ("mse", "sigmoid_bce", "sigmoid_mse"))
    y = as_float_array(logits, "logits")
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array of logits y, got {describe(y)}")
    target = check_real(target, "target")
    ys = y.reshape(1, -1, 1)  # T = 1, B = n, O = 1
    values, dys = LOSSES[loss](ys, np.full_like(ys, target), per_sequence=True, **options)
    return values, dys.reshape(-1)


LOSSES: dict[str, Callable] = {
    "mse": mse,
    "sigmoid_bce": sigmoid_bce,
    "sigmoid_mse": sigmoid_mse,
    "softmax_ce": softmax_ce,
}
