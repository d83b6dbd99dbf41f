"""Speed of rnnlib's forward + BPTT against PyTorch (CPU, autograd), side by side.

    python benchmarks/bench_bptt.py [--rounds N] [--only A,C]

For each shape (T, B, D, H, O) it times one forward pass plus one full BPTT backward
pass (gradients of all parameters and of h0, for a given dL/dy) with rnnlib and with
PyTorch (torch.nn.RNN + nn.Linear, autograd) in the same process. PyTorch runs at the
faster of its two thread settings (one thread or all), chosen by a shorter race first.
Then the calls are interleaved, round after round (rnnlib, the matrix products alone,
torch), so that a busy machine slows all of them alike; each time printed is the fastest
of its rounds. Printed: the times, the ratio rnnlib / torch against its target, the same
ratio of median CPU times (a second opinion on a busy machine), the matrix products
alone with numpy at the same shapes (a floor for any numpy implementation) and the
machine's load.

"char" is the character-level language model of notebook 10 (float32, chunks of 32
steps, batch 32, H = 128, a vocabulary of 80 one-hot characters): rnnlib reads the
inputs as class indices (``forward(..., one_hot=True)``), PyTorch as one-hot vectors.
"char step" is a whole training update there: forward, softmax cross-entropy, BPTT,
clipping by global norm at 5 and an Adam step, for both libraries.
PyTorch is optional: without it only rnnlib is timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import rnnlib
from rnnlib._blas import one_blas_thread

V = 80  # vocabulary of the character model
SHAPES = {  # name: ((T, B, D, H, O), dtype, target ratio rnnlib / torch, what is timed)
    "A": ((100, 32, 32, 128, 8), np.float64, 0.7, "forward+bptt"),
    "B": ((1000, 1, 8, 32, 1), np.float64, 0.25, "forward+bptt"),
    "C": ((50, 64, 64, 256, 16), np.float64, 0.7, "forward+bptt"),
    "char": ((32, 32, V, 128, V), np.float32, 1 / 1.5, "forward+bptt"),
    "char step": ((32, 32, V, 128, V), np.float32, 1 / 1.5, "update"),
}


def problem(T, B, D, H, O, dtype, seed=0):
    """Inputs, class indices and dL/dy (or targets) shared by both libraries."""
    rng = np.random.default_rng(seed)
    index = rng.integers(0, D, (T, B))
    return {
        "xs": rng.normal(size=(T, B, D)).astype(dtype),
        "index": index,
        "one_hot": np.eye(D, dtype=dtype)[index],
        "dys": rng.normal(size=(T, B, O)).astype(dtype),
        "targets": rng.integers(0, O, (T, B)),
    }


def rnnlib_case(shape, dtype, what):
    T, B, D, H, O = shape
    data = problem(*shape, dtype)
    params = rnnlib.init_params(D, H, O, seed=0, scheme="xavier", dtype=dtype)
    char = D == V and O == V
    xs, one_hot = (data["index"], True) if char else (data["xs"], False)
    if what == "update":
        optimizer, targets = rnnlib.Adam(1e-3), data["targets"]

        def run():
            trace = rnnlib.forward(params, xs, one_hot=one_hot)
            _, dys = rnnlib.softmax_ce(trace.ys, targets)
            grads = rnnlib.bptt(params, trace, dys)
            rnnlib.update(params, grads, optimizer, clip_norm=5.0)

        return run
    dys = data["dys"]

    def run():
        trace = rnnlib.forward(params, xs, one_hot=one_hot)
        return rnnlib.bptt(params, trace, dys)

    return run


def torch_case(torch, shape, dtype, what):
    T, B, D, H, O = shape
    data = problem(*shape, dtype)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh").to(tdtype)
    lin = torch.nn.Linear(H, O).to(tdtype)
    xs = torch.from_numpy(data["one_hot"] if D == V and O == V else data["xs"])
    h0 = torch.zeros(1, B, H, dtype=tdtype, requires_grad=True)
    params = list(rnn.parameters()) + list(lin.parameters())
    if what == "update":
        optimizer = torch.optim.Adam(params, lr=1e-3)
        targets = torch.from_numpy(data["targets"]).reshape(-1)

        def run():
            optimizer.zero_grad()
            hs, _ = rnn(xs, h0)
            loss = torch.nn.functional.cross_entropy(lin(hs).reshape(T * B, O), targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            optimizer.step()

        return run
    dys = torch.from_numpy(data["dys"])

    def run():
        for p in params:
            p.grad = None
        h0.grad = None
        hs, _ = rnn(xs, h0)
        lin(hs).backward(dys)

    return run


def gemm_floor_case(shape, dtype, what):
    """Only the matrix products forward + BPTT must do, with numpy, at the same shapes:
    a floor for any numpy implementation (what is left above it is elementwise work
    and Python overhead). One-hot inputs need no input product."""
    T, B, D, H, O = shape
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(T * B, D)).astype(dtype), rng.normal(size=(T * B, O)).astype(dtype)
    Z = rng.normal(size=(T * B, H)).astype(dtype)
    W_xh, W_hh = rng.normal(size=(H, D)).astype(dtype), rng.normal(size=(H, H)).astype(dtype)
    W_hy = rng.normal(size=(O, H)).astype(dtype)
    h, out = rng.normal(size=(B, H)).astype(dtype), np.empty((B, H), dtype=dtype)
    one_hot = D == V and O == V

    def run():
        with one_blas_thread(B * H * H):  # as rnnlib runs them
            if not one_hot:
                X @ W_xh.T  # input projection
            Z @ W_hy.T, Y @ W_hy  # output projection, W_hy^T dy
            for _ in range(T):
                np.dot(h, W_hh.T, out=out)  # forward recurrence
                np.dot(h, W_hh, out=out)  # backward recurrence
            Z.T @ X, Z.T @ Z, Y.T @ Z  # dW_xh, dW_hh, dW_hy

    return run


def race(cases, rounds):
    """Interleaved rounds (after a warm-up): {name: fastest wall time in s} and
    {name: median CPU time of this process in s} per call."""
    for fn in cases.values():
        fn()
        fn()
    wall = {name: [] for name in cases}
    cpu = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return {n: min(v) for n, v in wall.items()}, {n: statistics.median(v) for n, v in cpu.items()}


def faster_threads(torch, run, threads, rounds):
    """PyTorch's faster thread count for ``run``, which is then left set. Its idle
    threads get a moment to stop spinning, so that they do not slow the next calls."""

    def on(n):
        def call():
            torch.set_num_threads(n)
            run()

        return call

    best, _ = race({n: on(n) for n in threads}, max(3, rounds // 3))
    n = min(threads, key=best.get)
    torch.set_num_threads(n)
    time.sleep(0.5)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--only", default=",".join(SHAPES), help="comma-separated shape names")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"numpy {np.__version__}; {os.cpu_count()} cores; load average {load:.1f}")
    if torch is None:
        print("PyTorch not installed: timing rnnlib only (pip install torch==2.13.0 to compare)")
        threads = []
    else:
        threads = sorted({1, torch.get_num_threads()})
        print(f"torch {torch.__version__} on {' or '.join(map(str, threads))} threads")
    print(
        f"{'shape':<10}{'(T, B, D, H, O)':<24}{'dtype':<9}{'timed':<14}{'rnnlib ms':>10}"
        f"{'GEMMs ms':>9}{'torch ms':>10}{'threads':>8}{'ratio':>7}{'target':>8}{'cpu ratio':>10}"
        "  verdict"
    )
    missed = 0
    for name in args.only.split(","):
        shape, dtype, target, what = SHAPES[name]
        cases = {"rnnlib": rnnlib_case(shape, dtype, what)}
        if what != "update":
            cases["gemms"] = gemm_floor_case(shape, dtype, what)
        n = "-"
        if threads:  # PyTorch's faster thread setting first, then the race at that setting
            n = faster_threads(torch, torch_case(torch, shape, dtype, what), threads, args.rounds)
            cases["torch"] = torch_case(torch, shape, dtype, what)
        best, cpu = race(cases, args.rounds)
        t_gemm, t_torch = best.get("gemms", float("nan")), best.get("torch", float("nan"))
        ratio = best["rnnlib"] / t_torch
        cpu_ratio = cpu["rnnlib"] / cpu["torch"] if threads else float("nan")
        verdict = "" if not threads else "ok" if ratio <= target else "MISSED"
        missed += verdict == "MISSED"
        print(
            f"{name:<10}{str(shape):<24}{np.dtype(dtype).name:<9}{what:<14}"
            f"{best['rnnlib'] * 1e3:>10.2f}{t_gemm * 1e3:>9.2f}{t_torch * 1e3:>10.2f}{n!s:>8}"
            f"{ratio:>7.2f}{'<=' + format(target, '.2f'):>8}{cpu_ratio:>10.2f}  {verdict}"
        )
    print(
        "ms: fastest of the rounds; GEMMs: the matrix products alone (numpy, same shapes), "
        "a floor for rnnlib;\nratio: rnnlib / torch (fastest times, the verdict); cpu ratio: "
        "the same with the median CPU time of a call"
    )
    if threads:
        print("all targets met" if missed == 0 else f"{missed} target(s) missed")


if __name__ == "__main__":
    main()
