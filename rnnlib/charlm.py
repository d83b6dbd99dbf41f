"""A character-level language model: the course's RNN trained on text (notebook 10).

The model reads one-hot characters x_t = onehot(chi_t) (D = V) and outputs V logits at
every step:

    z_t = W_xh x_t + W_hh h_{t-1} + b_h,   h_t = tanh(z_t),   y_t = W_hy h_t + b_y
    p_t = softmax(y_t),   L = -(1 / (k1 B)) sum_t sum_b log p_t[y*_t]   (nats per character)

W_xh onehot(i) is column i of W_xh, so the functions here pass the character ids
themselves to ``forward(..., one_hot=True)``, which looks the columns up instead of
multiplying by one-hot arrays: the same numbers, without building (k1, B, V) arrays of
zeros.

One update on a chunk of k1 steps: forward from the carried state h_0, the loss per
character and dL/dy_t = (p_t - onehot(y*_t)) / (k1 B), BPTT inside the chunk (h_0 is a
constant: the gradient path to earlier chunks is cut), clipping by global norm, and an
optimizer step. Loss in bits per character = loss in nats / ln 2.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from ._validate import check_callable, check_params, check_positive_int, check_real, describe
from .clip import clip_by_norm
from .engine import bptt, forward
from .losses import log_softmax, softmax_ce
from .optim import Optimizer, check_optimizer
from .text import _check_ids

LN2 = float(np.log(2.0))


def _check_chunks(inputs, targets, V: int) -> tuple[np.ndarray, np.ndarray]:
    """inputs and targets of shape (n_chunks, k1, B), integer ids in 0..V-1."""
    arrays = []
    for name, a in (("inputs", inputs), ("targets", targets)):
        arr = np.asarray(a)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must be integer character ids, got {describe(a)}")
        if arr.ndim != 3 or 0 in arr.shape:
            raise ValueError(
                f"{name} must have shape (n_chunks, k1, B) as made by rnnlib.text.batches, "
                f"got shape {arr.shape}"
            )
        if arr.min() < 0 or arr.max() >= V:
            raise ValueError(f"{name} must lie in 0..{V - 1} (V = {V} from the parameters)")
        arrays.append(arr)
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(
            f"inputs {arrays[0].shape} and targets {arrays[1].shape} must have the same shape"
        )
    return arrays[0], arrays[1]


def train_step(
    params: dict,
    optimizer: Optimizer,
    inputs: np.ndarray,
    targets: np.ndarray,
    h0: np.ndarray | None = None,
    clip_norm: float | None = None,
    truncate=None,
) -> tuple[float, np.ndarray, dict]:
    """One update on one chunk; returns (loss per character in nats, h_k1, grads).

    inputs (k1, B) the ids of the characters read (x_t = onehot(inputs[t-1])); targets
    (k1, B) the ids of the next characters; h0 (B, H) the state carried from the previous
    chunk (zeros when None). h_k1 (B, H) is the last hidden state, to carry into the next
    chunk. grads are the gradients given to the optimizer (after clipping by global norm
    when clip_norm is set). truncate: BPTT inside the chunk (None: through all k1 steps;
    an int: detach every that many steps). params is updated in place.
    """
    check_optimizer(optimizer)
    if clip_norm is not None:
        clip_norm = check_real(clip_norm, "clip_norm", low=0, low_open=True)
    ids = np.asarray(inputs)
    expected = (
        "the chunk's character ids, an integer array of shape (k1, B) as in rnnlib.text.batches"
    )
    if ids.dtype == object or not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"inputs must be {expected} (not one-hot vectors), got {describe(inputs)}")
    if ids.ndim != 2:
        raise ValueError(f"inputs must be {expected}, got shape {ids.shape}")
    trace = forward(params, ids, h0=h0, one_hot=True)  # z_t, h_t, y_t from the carried h_0
    loss, dys = softmax_ce(trace.ys, targets)  # sum over the k1 steps, mean over B
    k1 = trace.T
    dys /= k1  # per character: L / k1
    grads = bptt(params, trace, dys, truncate=truncate)
    if clip_norm is not None:
        grads, _ = clip_by_norm(grads, clip_norm)  # one global norm over all parameters
    optimizer.step(params, grads)
    return loss / k1, trace.hs[-1], grads


def train(
    params: dict,
    inputs,
    targets,
    optimizer: Optimizer,
    steps: int | None = None,
    *,
    seconds: float | None = None,
    clip_norm: float | None = 5.0,
    truncate=None,
    callback: Callable[[int, dict], None] | None = None,
) -> dict:
    """Train on the chunks of ``rnnlib.text.batches(..., partition="sequential")``.

    inputs, targets (n_chunks, k1, B). Update s uses chunk s mod n_chunks and starts from
    the hidden state the previous chunk ended with (detached), except at chunk 0, where
    every stream starts again from h_0 = 0. Stops after ``steps`` updates or ``seconds``
    of wall-clock time, whichever comes first (at least one must be given).
    ``callback(step, params)`` runs after every update (step = number of updates done).
    Returns a history with "loss" (nats per character, one per update), "clipped"
    (whether clipping changed the gradient), "steps" and "seconds".
    """
    p = check_params(params)
    V = p["W_xh"].shape[1]
    inputs, targets = _check_chunks(inputs, targets, V)
    if steps is None and seconds is None:
        raise ValueError("give steps (number of updates) or seconds (a time budget), or both")
    if steps is not None:
        steps = check_positive_int(steps, "steps")
    if seconds is not None:
        seconds = check_real(seconds, "seconds", low=0, low_open=True)
    check_optimizer(optimizer)
    if clip_norm is not None:
        clip_norm = check_real(clip_norm, "clip_norm", low=0, low_open=True)
    if callback is not None:
        check_callable(callback, "callback", "None or a function callback(step, params)")
    history = {"loss": [], "clipped": []}
    h = None
    start = time.perf_counter()
    step = 0
    while (steps is None or step < steps) and (
        seconds is None or time.perf_counter() - start < seconds
    ):
        j = step % inputs.shape[0]
        if j == 0:
            h = None  # a new pass over the text: every stream starts again
        loss, h, grads = train_step(
            params, optimizer, inputs[j], targets[j], h, clip_norm, truncate
        )
        step += 1
        history["loss"].append(loss)
        if clip_norm is not None:
            norm = np.sqrt(sum(np.vdot(grads[n], grads[n]) for n in p))
            history["clipped"].append(bool(norm > clip_norm * (1 - 1e-6)))
        if callback is not None:
            callback(step, params)
    history["steps"] = step
    history["seconds"] = time.perf_counter() - start
    return history


def bits_per_character(
    params: Mapping[str, np.ndarray],
    ids,
    B: int = 32,
    k: int = 64,
    max_steps: int | None = None,
) -> float:
    """Cross-entropy of the model on a text, in bits per character:
    -(1/N) sum_t log2 p_t[chi_{t+1}], reading the text as B streams from h_0 = 0, k steps
    at a time with the state carried (the arrays stay small: the sum is the same).
    max_steps: read only the first max_steps characters of each stream (a cheaper
    estimate that still samples the whole text)."""
    p = check_params(params)
    V = p["W_xh"].shape[1]
    B = check_positive_int(B, "B")
    arr = _check_ids(ids, V, min_length=2)
    if arr.size < B + 1:
        raise ValueError(
            f"B = {B} streams need a text of at least B + 1 = {B + 1} characters; "
            f"ids has {arr.size}"
        )
    k = check_positive_int(k, "k")
    L = (arr.size - 1) // B
    if max_steps is not None:
        L = min(L, check_positive_int(max_steps, "max_steps"))
    stride = (arr.size - 1) // B
    P = np.arange(L)[:, None] + stride * np.arange(B)[None, :]  # (L, B): stream b at b stride
    inputs, targets = arr[P], arr[P + 1]
    h, nll = None, 0.0
    for s in range(0, L, k):
        trace = forward(p, inputs[s : s + k], h0=h, one_hot=True)
        logp = log_softmax(trace.ys)
        nll -= np.take_along_axis(logp, targets[s : s + k, :, None], axis=-1).sum(dtype=np.float64)
        h = trace.hs[-1]
    return float(nll / (L * B) / LN2)


def input_gradient_norms(params: Mapping[str, np.ndarray], ids) -> np.ndarray:
    """M (T, T) with M[t-1, s-1] = ||dL_t/dx_s|| for s <= t (0 above the diagonal).

    L_t = -log p_t[chi_{t+1}] is the loss of the prediction at step t of the text
    ids = chi_1 .. chi_{T+1} (T inputs and their targets); x_s the one-hot input at step s.
    Full BPTT, no truncation: how strongly the prediction at t depends on each earlier
    character. Computed in one batched pass: row b of the batch carries the loss L_{b+1}
    only.
    """
    p = check_params(params)
    V = p["W_xh"].shape[1]
    arr = _check_ids(ids, V, min_length=2)
    T = arr.size - 1
    inputs = np.broadcast_to(arr[:-1, None], (T, T))  # row b reads the same text
    targets = np.broadcast_to(arr[1:, None], (T, T))
    trace = forward(p, inputs, one_hot=True)
    _, dys = softmax_ce(trace.ys, targets, mask=np.eye(T))  # row b: the loss at step b + 1
    dys *= T  # softmax_ce averages over the batch; each row is its own loss
    dxs = bptt(p, trace, dys).dxs  # dL/dx_s = W_xh^T dz_s, (T, T, V): [s-1, b]
    return np.linalg.norm(dxs, axis=-1).T.astype(np.float64)


__all__ = ["LN2", "train_step", "train", "bits_per_character", "input_gradient_norms"]
