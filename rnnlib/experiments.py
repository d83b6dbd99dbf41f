"""Experiments the notebooks report: the adding-problem training runs, a delayed echo
learned with truncated BPTT, and the cost (time and memory) of computations.

``run_adding`` trains one model (a tanh RNN, an IRNN, or the gated cell of
rnnlib.gated) on fresh batches of the adding problem and measures its test MSE
(y_T - y*)^2 at the last step; ``adding_coefficients`` regresses its prediction on the
two marked values; ``gradient_flow`` measures ||dh_T/dh_k||_2 for it. ``run_echo``
trains a tanh RNN on ``rnnlib.delayed_echo`` with the hidden state detached every k
steps. ``measure_cost`` times several computations in turns (processor time) and records
their peak memory.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ._validate import (
    as_float_array,
    check_callable,
    check_choice,
    check_positive_int,
    check_positive_ints,
    describe,
)
from .data import adding_marked_values, adding_problem, delayed_echo
from .engine import forward
from .gated import gated_forward, gated_jacobian_norms, init_gated_params, train_gated
from .jacobians import jacobian_norms
from .optim import Adam
from .params import init_params
from .training import train, train_tbptt

#: the models run_adding knows: name -> (hidden activation, init_params options); "gated":
#: the gated cell
ADDING_MODELS: dict[str, tuple[str, dict[str, Any]] | None] = {
    "tanh": ("tanh", {"scheme": "xavier"}),  # every matrix N(0, 1/fan_in)
    "irnn": ("relu", {"scheme": "identity", "scale": 0.1}),  # W_hh = I, W_xh and W_hy N(0, 0.01)
    "gated": None,
}


def _check_model(model: str) -> str:
    return check_choice(model, "model", tuple(ADDING_MODELS))


def run_adding(
    T: int,
    model: str = "tanh",
    *,
    steps: int = 300,
    n_hidden: int = 16,
    batch: int = 64,
    lr: float = 1e-2,
    clip_norm: float | None = None,
    seed: int = 0,
    n_test: int = 1000,
    checkpoints: Iterable[int] = (),
) -> dict[str, Any]:
    """Train ``model`` on the adding problem of length T with Adam(lr) for ``steps`` steps,
    each on a fresh batch of ``batch`` sequences, the loss the MSE of y_T (mask="last").

    Returns dict(params, history, model, T, test_mse, checkpoints), test_mse measured on
    the n_test sequences of ``adding_test_set`` (``adding_test_mse``); checkpoints maps each
    step count n of ``checkpoints`` to a copy of the parameters after n updates (the run
    up to n is the whole run of a call with steps=n).
    """
    _check_model(model)
    steps = check_positive_int(steps, "steps")
    batch = check_positive_int(batch, "batch")
    n_test = check_positive_int(n_test, "n_test")
    keep = set(check_positive_ints(checkpoints, "checkpoints"))
    if keep and max(keep) > steps:
        raise ValueError(f"checkpoints must be at most steps = {steps}, got {sorted(keep)}")
    saved: dict[int, dict[str, np.ndarray]] = {}

    def callback(step: int, value: float, params: dict[str, np.ndarray]) -> None:
        if step + 1 in keep:
            saved[step + 1] = {k: np.array(v, copy=True) for k, v in params.items()}

    data = lambda step: adding_problem(T, batch, seed=10_000 + step)  # noqa: E731
    if model == "gated":
        params = init_gated_params(2, n_hidden, 1, seed=seed)
        history = train_gated(params, data, Adam(lr), steps, clip_norm=clip_norm, callback=callback)
    else:
        activation, init = ADDING_MODELS[model]
        params = init_params(2, n_hidden, 1, seed=seed, **init)
        history = train(
            params,
            data,
            "mse",
            Adam(lr),
            steps,
            activation=activation,
            mask="last",
            clip_norm=clip_norm,
            callback=callback,
        )
    xs, targets = adding_test_set(T, n_test)
    return {
        "params": params,
        "history": history,
        "model": model,
        "T": T,
        "test_mse": adding_test_mse(params, model, xs, targets),
        "checkpoints": saved,
    }


def adding_test_set(T: int, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The held-out sequences run_adding measures on: adding_problem(T, n, seed=1), a
    seed that no training batch uses (those are 10_000 + step)."""
    return adding_problem(T, n, seed=1)


def adding_predict(params: Mapping[str, np.ndarray], model: str, xs: np.ndarray) -> np.ndarray:
    """The prediction y_T (B, 1) of ``model`` for a batch xs (T, B, 2) of adding-problem inputs."""
    if _check_model(model) == "gated":
        return gated_forward(params, xs).ys[-1]
    return forward(params, xs, activation=ADDING_MODELS[model][0]).ys[-1]


def adding_test_mse(
    params: Mapping[str, np.ndarray], model: str, xs: np.ndarray, targets: np.ndarray
) -> float:
    """mean over the batch of (y_T - y*)^2, xs (T, B, 2), targets (B, 1); nan if the
    network overflowed."""
    targets = as_float_array(targets, "targets")
    with np.errstate(all="ignore"):
        y = adding_predict(params, model, xs)
        if targets.shape != y.shape:
            raise ValueError(f"targets must have shape (B, 1) = {y.shape}, got {targets.shape}")
        value = float(np.mean((y - targets) ** 2))
    return value if np.isfinite(value) else float("nan")


def adding_coefficients(
    params: Mapping[str, np.ndarray], model: str, xs: np.ndarray
) -> dict[str, float]:
    """What the model learned: the least-squares fit y_T ~ a x_(t1,1) + b x_(t2,1) + c of
    its predictions on a batch xs (T, B, 2), x_(t1,1) and x_(t2,1) being the two marked
    values (rnnlib.adding_marked_values). A model that solved the task has a = b = 1,
    c = 0; one that answers the mean has a = b = 0, c = 1. Returns dict(first=a,
    second=b, intercept=c, r2), r2 the fraction of the predictions' variance the fit
    explains.
    """
    first, second = adding_marked_values(xs)
    y = adding_predict(params, model, xs)[:, 0]
    A = np.column_stack([first, second, np.ones_like(first)])
    (a, b, c), *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ np.array([a, b, c])
    spread = np.sum((y - y.mean()) ** 2)
    r2 = 1.0 - np.sum(resid**2) / spread if spread > 0 else 0.0
    return {"first": float(a), "second": float(b), "intercept": float(c), "r2": float(r2)}


def gradient_flow(params: Mapping[str, np.ndarray], model: str, xs: np.ndarray) -> np.ndarray:
    """||dh_T/dh_k||_2 for k = 0..T (shape (T + 1,)) on one adding sequence xs (T, 2)."""
    if _check_model(model) == "gated":
        return gated_jacobian_norms(params, gated_forward(params, xs))
    return jacobian_norms(params, forward(params, xs, activation=ADDING_MODELS[model][0]))


def run_echo(
    delay: int,
    k: int,
    *,
    T: int = 400,
    batch: int = 32,
    epochs: int = 3,
    n_hidden: int = 16,
    lr: float = 1e-2,
    seed: int = 0,
    T_test: int = 1000,
    n_test: int = 64,
) -> dict[str, Any]:
    """Train a tanh RNN on rnnlib.delayed_echo(T, batch, delay) (output at step t the bit
    read at t - delay) with truncated BPTT that detaches the hidden state every k steps
    (rnnlib.train_tbptt, k1 = k2 = k, Adam(lr), ``epochs`` passes over the sequences).

    Returns dict(params, history, test_mse, chance): test_mse is the MSE over the steps
    t > delay of n_test fresh sequences of length T_test, run forward in one piece;
    chance is the variance of those targets, the MSE of the best prediction that does
    not know the bit (the constant 1/2, whose MSE is 1/4 in expectation).
    """
    delay = check_positive_int(delay, "delay")
    k = check_positive_int(k, "k")
    batch = check_positive_int(batch, "batch")
    T_test = check_positive_int(T_test, "T_test")
    n_test = check_positive_int(n_test, "n_test")
    xs, targets = delayed_echo(T, batch, delay, seed=seed)
    params = init_params(1, n_hidden, 1, seed=seed, scheme="xavier")
    history = train_tbptt(params, xs, targets, "mse", Adam(lr), k1=k, k2=k, epochs=epochs)
    xs_test, targets_test = delayed_echo(T_test, n_test, delay, seed=seed + 1000)
    ys = forward(params, xs_test).ys
    return {
        "params": params,
        "history": history,
        "test_mse": float(np.mean((ys[delay:] - targets_test[delay:]) ** 2)),
        "chance": float(np.var(targets_test[delay:])),
    }


def measure_cost(calls: Mapping[str, Callable[[], Any]], repeat: int = 5) -> dict[str, tuple]:
    """{label: (seconds, peak bytes)} for each computation calls[label]().

    seconds is the best of ``repeat`` calls in processor time (time.process_time: the
    time this process computed, which other programs running on the machine hardly
    change, unlike wall-clock time); the calls take turns, one of each per round. peak
    is the largest memory that one call allocates at a time (Python's tracemalloc).
    """
    repeat = check_positive_int(repeat, "repeat")
    if not isinstance(calls, Mapping):
        raise TypeError(f"calls must be a dict {{label: function}}, got {describe(calls)}")
    for label, fn in calls.items():
        check_callable(fn, f"calls[{label!r}]", "a function of no arguments")
    best = dict.fromkeys(calls, np.inf)
    for _ in range(repeat):
        for label, fn in calls.items():
            t0 = time.process_time()
            fn()
            best[label] = min(best[label], time.process_time() - t0)
    peaks = {}
    for label, fn in calls.items():
        tracemalloc.start()
        try:
            fn()
            peaks[label] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return {label: (best[label], peaks[label]) for label in calls}
