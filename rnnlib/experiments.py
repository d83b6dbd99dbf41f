"""Experiments the notebooks report: the adding-problem training runs, and the cost
(time and memory) of a computation.

``run_adding`` trains one model (a tanh RNN, an IRNN, or the gated cell of
rnnlib.gated) on fresh batches of the adding problem and measures its test MSE
(y_T - y*)^2 at the last step; ``gradient_flow`` measures ||dh_T/dh_k||_2 for it.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .data import adding_problem
from .gated import gated_forward, gated_jacobian_norms, init_gated_params, train_gated
from .jacobians import jacobian_norms
from .optim import Adam
from .params import init_params
from .rnn import forward
from .training import train

#: the models run_adding knows: name -> (hidden activation, init scheme); "gated": the gated cell
ADDING_MODELS: dict[str, tuple[str, str] | None] = {
    "tanh": ("tanh", "xavier"),
    "irnn": ("relu", "identity"),
    "gated": None,
}


def _check_model(model: str) -> str:
    if model not in ADDING_MODELS:
        raise ValueError(f"model must be one of {list(ADDING_MODELS)}, got {model!r}")
    return model


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
) -> dict[str, Any]:
    """Train ``model`` on the adding problem of length T with Adam(lr) for ``steps`` steps,
    each on a fresh batch of ``batch`` sequences, the loss the MSE of y_T (mask="last").

    Returns dict(params, history, model, T, test_mse), test_mse measured on n_test
    sequences that training never saw (``adding_test_mse``).
    """
    _check_model(model)
    data = lambda step: adding_problem(T, batch, seed=10_000 + step)  # noqa: E731
    if model == "gated":
        params = init_gated_params(2, n_hidden, 1, seed=seed)
        history = train_gated(params, data, Adam(lr), steps, clip_norm=clip_norm)
    else:
        activation, scheme = ADDING_MODELS[model]
        params = init_params(2, n_hidden, 1, seed=seed, scheme=scheme, scale=0.1)
        history = train(
            params,
            data,
            "mse",
            Adam(lr),
            steps,
            activation=activation,
            mask="last",
            clip_norm=clip_norm,
        )
    xs, targets = adding_problem(T, n_test, seed=1)
    return {
        "params": params,
        "history": history,
        "model": model,
        "T": T,
        "test_mse": adding_test_mse(params, model, xs, targets),
    }


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
    with np.errstate(all="ignore"):
        y = adding_predict(params, model, xs)
        value = float(np.mean((y - targets) ** 2))
    return value if np.isfinite(value) else float("nan")


def gradient_flow(params: Mapping[str, np.ndarray], model: str, xs: np.ndarray) -> np.ndarray:
    """||dh_T/dh_k||_2 for k = 0..T (shape (T + 1,)) on one adding sequence xs (T, 2)."""
    if _check_model(model) == "gated":
        return gated_jacobian_norms(params, gated_forward(params, xs))
    return jacobian_norms(params, forward(params, xs, activation=ADDING_MODELS[model][0]))


def measure_cost(fn: Callable, *args, repeat: int = 3, **kwargs) -> tuple[float, int]:
    """(seconds, peak bytes): the best wall-clock time of ``repeat`` calls fn(*args,
    **kwargs), and the peak memory that one call allocates (Python's tracemalloc)."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return best, peak
