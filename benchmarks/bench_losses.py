"""Speed of softmax cross-entropy with class-index targets, and its share of a training step.

    python benchmarks/bench_losses.py [--repeats N]

The character model of notebook 10: T = 32 steps, B = 32 streams, O = 80 classes,
one-hot inputs (D = O), H = 128, float32 (and float64 for comparison). Side by side in
one run:

* ``one-hot``: the textbook form, log-softmax in float64 and a float64 one-hot array of
  the targets built per call, L = -sum(onehot * log p) / B, dL/dy = (p - onehot) / B;
* ``rnnlib``: ``rnnlib.softmax_ce`` as it is now.

For each it prints the time of one loss call on its own, the time of one training step
(forward, loss, BPTT, clipping by global norm, Adam) and the loss's share of the step:
1 - (time of the same step with a fixed dL/dy, no loss computed) / (time of the step).
All variants are timed in turn in one run. The gradients of the two losses agree
(checked before timing). On a shared machine OPENBLAS_NUM_THREADS=1 gives steadier
times (threads then do not compete).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import rnnlib

T, B, O, H = 32, 32, 80, 128


def one_hot_ce(ys, labels):
    """Cross-entropy with a float64 one-hot array built per call (the textbook form)."""
    y = np.asarray(ys, dtype=float)
    logp = y - y.max(axis=-1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(axis=-1, keepdims=True))
    onehot = np.eye(y.shape[-1])[labels]
    return float(-np.sum(onehot * logp) / y.shape[1]), (np.exp(logp) - onehot) / y.shape[1]


def interleaved_medians(fns, repeats):
    """Median time (seconds) of each function, timed in turn (A, B, A, B, ...) so that a
    change in the machine's load during the run affects all of them alike."""
    for fn in fns:
        fn()
        fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]


def problem(dtype):
    rng = np.random.default_rng(0)
    idx = rng.integers(0, O, (T + 1, B))
    xs = np.eye(O, dtype=dtype)[idx[:-1]]  # one-hot characters
    labels = idx[1:]  # the next character
    params = rnnlib.init_params(O, H, O, seed=0, scheme="xavier", dtype=dtype)
    ys = rnnlib.forward(params, xs).ys
    return params, xs, labels, ys


def training_step(params, xs, labels, loss, optimizer):
    def step():
        trace = rnnlib.forward(params, xs)
        _, dys = loss(trace.ys, labels)
        grads = rnnlib.bptt(params, trace, dys)
        grads, _ = rnnlib.clip_by_norm(grads, 5.0)
        optimizer.step(params, grads)

    return step


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    print(f"numpy {np.__version__}; T = {T}, B = {B}, O = D = {O}, H = {H}")
    print(
        f"{'dtype':<9}{'loss':<10}{'loss ms':>9}{'step ms':>9}{'loss share':>12}{'dys dtype':>11}"
    )
    losses = {"one-hot": one_hot_ce, "rnnlib": rnnlib.softmax_ce}
    for dtype in (np.float32, np.float64):
        params, xs, labels, ys = problem(dtype)
        ref_loss, ref_d = one_hot_ce(ys, labels)
        new_loss, new_d = rnnlib.softmax_ce(ys, labels)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        assert abs(ref_loss - new_loss) <= tol * abs(ref_loss), (ref_loss, new_loss)
        np.testing.assert_allclose(new_d, ref_d, rtol=tol, atol=tol / B)
        t_loss = interleaved_medians(
            [lambda fn=fn, y=ys, c=labels: fn(y, c) for fn in losses.values()], args.repeats
        )
        fixed = lambda y, c, d=new_d: (0.0, d)  # noqa: E731  (the step without a loss)
        steps = [
            training_step(rnnlib.copy_params(params), xs, labels, fn, rnnlib.Adam(1e-3))
            for fn in [*losses.values(), fixed]
        ]
        *t_step, t_none = interleaved_medians(steps, max(args.repeats // 2, 5))
        for (name, fn), tl, ts in zip(losses.items(), t_loss, t_step, strict=True):
            print(
                f"{np.dtype(dtype).name:<9}{name:<10}{tl * 1e3:>9.3f}{ts * 1e3:>9.2f}"
                f"{100 * (1 - t_none / ts):>11.1f}%{str(fn(ys, labels)[1].dtype):>11}"
            )
        print(
            f"{'':<9}one-hot / rnnlib: loss {t_loss[0] / t_loss[1]:.2f}x the time, "
            f"training step {t_step[0] / t_step[1]:.2f}x the time "
            f"(step without a loss: {t_none * 1e3:.2f} ms)"
        )


if __name__ == "__main__":
    main()
