"""The time-to-quality benchmark runs its rnnlib side and scores it like PyTorch's: the
smoke test here only checks that the pieces fit (the timings are the benchmark's)."""

import importlib.util
from pathlib import Path

import numpy as np

spec = importlib.util.spec_from_file_location(
    "bench_charlm", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_charlm.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_the_rnnlib_run_trains_the_stated_model():
    V, inputs, targets, val_ids = bench._data()
    assert V == 100 and inputs.shape[1:] == (bench.K, bench.B) == (32, 32)
    params = bench._initial_params(V)
    assert params["W_hh"].shape == (bench.H, bench.H) and params["W_hh"].dtype == np.float32
    steps, seconds, cpu, bpc = bench.run_rnnlib(0.3)
    assert steps >= 1 and 0 < seconds < 30 and 0 < cpu < 30
    assert 0 < bpc < np.log2(V) + 0.5  # scored on the validation text in bits
