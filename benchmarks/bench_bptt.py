"""Speed of rnnlib's forward + BPTT against PyTorch (CPU, autograd), float64.

    python benchmarks/bench_bptt.py [--repeats N]

For each shape (T, B, D, H, O) it times one forward pass plus one full BPTT backward
pass (gradients of all parameters and of h0, for a given dL/dy), in the same process,
side by side; PyTorch (torch.nn.RNN + nn.Linear, autograd) runs with whichever of 1 or
all threads is faster for it. It prints the times, the ratio rnnlib / torch, and the
fraction of this machine's numpy GEMM peak that rnnlib reaches (useful FLOPs of the
matrix products divided by time). PyTorch is optional: without it only rnnlib is timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import rnnlib

SHAPES = {  # name: (T, B, D, H, O), targets: ratio vs torch, fraction of GEMM peak
    "A": ((100, 32, 32, 128, 8), 0.7, 0.60),
    "B": ((1000, 1, 8, 32, 1), 0.25, None),
    "C": ((50, 64, 64, 256, 16), 0.7, None),
}


def best_time(fn, repeats):
    """Median of ``repeats`` timings after two warm-up calls (seconds)."""
    fn()
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def gemm_peak(n=1024, repeats=5):
    """float64 GEMM throughput of numpy on this machine (FLOP/s), n x n matrices."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    t = best_time(lambda: a @ b, repeats)
    return 2 * n**3 / t


def useful_flops(T, B, D, H, O):
    """FLOPs of the matrix products in forward + BPTT (elementwise work not counted).

    forward: W_xh x, W_hh h, W_hy h; backward: W_hy^T dy, W_hh^T dz, dW_xh, dW_hh, dW_hy.
    """
    return 2 * T * B * (2 * D * H + 3 * H * H + 3 * H * O)


def gemm_floor_case(T, B, D, H, O):
    """Only the matrix products forward + BPTT must do, with numpy, at the same shapes:
    a floor for any numpy implementation (what is left above it is elementwise work
    and Python overhead)."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(T * B, D)), rng.normal(size=(T * B, O))
    Z = rng.normal(size=(T * B, H))
    W_xh, W_hh, W_hy = rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=(O, H))
    W_hh_T = np.ascontiguousarray(W_hh.T)
    h, out = rng.normal(size=(B, H)), np.empty((B, H))

    def run():
        X @ W_xh.T, Z @ W_hy.T, Y @ W_hy  # input and output projections, W_hy^T dy
        for _ in range(T):
            np.dot(h, W_hh_T, out=out)  # forward recurrence
            np.dot(h, W_hh, out=out)  # backward recurrence
        Z.T @ X, Z.T @ Z, Y.T @ Z  # dW_xh, dW_hh, dW_hy

    return run


def rnnlib_case(T, B, D, H, O):
    rng = np.random.default_rng(0)
    params = rnnlib.init_params(D, H, O, seed=0, scheme="xavier")
    xs = rng.normal(size=(T, B, D))
    dys = rng.normal(size=(T, B, O))

    def run():
        trace = rnnlib.forward(params, xs)
        return rnnlib.bptt(params, trace, dys)

    return run


def torch_case(torch, T, B, D, H, O):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh").double()
    lin = torch.nn.Linear(H, O).double()
    xs = torch.randn(T, B, D, dtype=torch.float64)
    h0 = torch.zeros(1, B, H, dtype=torch.float64, requires_grad=True)
    dys = torch.randn(T, B, O, dtype=torch.float64)
    params = list(rnn.parameters()) + list(lin.parameters())

    def run():
        for p in params:
            p.grad = None
        h0.grad = None
        hs, _ = rnn(xs, h0)
        ys = lin(hs)
        ys.backward(dys)

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    peak = gemm_peak()
    print(
        f"numpy {np.__version__}; float64 GEMM peak {peak / 1e9:.1f} GFLOP/s "
        f"({os.cpu_count()} cores)"
    )
    if torch is None:
        print("PyTorch not installed: timing rnnlib only (pip install torch==2.13.0 to compare)")
    else:
        print(f"torch {torch.__version__}")
    header = (
        f"{'shape':<6}{'(T, B, D, H, O)':<24}{'rnnlib ms':>10}{'GEMMs ms':>9}{'torch ms':>10}"
        f"{'threads':>8}{'ratio':>8}{'target':>8}{'% peak':>8}  verdict"
    )
    print(header)
    failures = 0
    for name, (shape, target_ratio, target_peak) in SHAPES.items():
        t_r = best_time(rnnlib_case(*shape), args.repeats)
        t_g = best_time(gemm_floor_case(*shape), args.repeats)
        frac = useful_flops(*shape) / t_r / peak
        verdict = []
        ratio = float("nan")
        threads = "-"
        t_t = float("nan")
        if torch is not None:
            default_threads = torch.get_num_threads()
            timings = {}
            for n in sorted({1, default_threads}):
                torch.set_num_threads(n)
                timings[n] = best_time(torch_case(torch, *shape), args.repeats)
            torch.set_num_threads(default_threads)
            threads = min(timings, key=timings.get)
            t_t = timings[threads]
            ratio = t_r / t_t
            verdict.append("ratio ok" if ratio <= target_ratio else "ratio MISSED")
        if target_peak is not None:
            verdict.append("peak ok" if frac >= target_peak else "peak MISSED")
        failures += sum("MISSED" in v for v in verdict)
        print(
            f"{name:<6}{str(shape):<24}{t_r * 1e3:>10.2f}{t_g * 1e3:>9.2f}{t_t * 1e3:>10.2f}"
            f"{threads!s:>8}"
            f"{ratio:>8.2f}{'<=' + str(target_ratio):>8}{100 * frac:>7.1f}%  {', '.join(verdict)}"
        )
    print("GEMMs ms: the matrix products alone (numpy, same shapes), a floor for rnnlib")
    print("all targets met" if failures == 0 else f"{failures} target(s) missed")


if __name__ == "__main__":
    main()
