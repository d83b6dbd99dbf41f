"""Time to quality: the character model of notebook 10 trained for the same wall-clock
time with rnnlib and with PyTorch (CPU), side by side.

    python benchmarks/bench_charlm.py [--seconds 20] [--repeats 2]

The model and the training are the same for both: one-hot inputs (V = 100 characters of
Python's help texts), a tanh RNN with H = 128 (``torch.nn.RNN`` + ``torch.nn.Linear``),
softmax cross-entropy per character, batches of B = 32 streams in chunks of k = 32 steps
with the hidden state carried, Adam (learning rate 0.01), clipping by global norm 5,
float32, the same initial weights and the same chunks in the same order. rnnlib reads
the character ids (``rnnlib.charlm.train``: ``forward(..., one_hot=True)`` looks up the
columns of W_xh); ``torch.nn.RNN`` multiplies one-hot vectors, as it has no such input
(the same numbers: W_xh onehot(i) is column i of W_xh). Each library
runs in its own process, at the thread count (1 or 2) that a short calibration finds
faster for it. After the time budget both networks are scored by the same code
(``rnnlib.charlm.bits_per_character``) on the same validation text. Printed: updates per
second (of wall-clock time, as the budget is, and of processor time, which a busy
machine disturbs less) and validation bits per character for each, and their ratios.
PyTorch is optional: without it only rnnlib is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

H, B, K, LR, CLIP, SEED = 128, 32, 32, 0.01, 5.0, 0
#: goals: rnnlib makes at least this many times PyTorch's updates per second, and its
#: validation bits per character are no worse than PyTorch's
SPEED_GOAL = 1.5


def _data():
    from rnnlib.text import Vocabulary, batches, python_docs, split

    corpus = python_docs()
    vocab = Vocabulary.from_text(corpus, min_count=10)
    train_ids, val_ids = split(vocab.encode(corpus), validation=0.1)
    inputs, targets = batches(train_ids, B, K)
    return vocab.V, inputs, targets, val_ids


def _initial_params(V):
    import numpy as np

    import rnnlib

    return rnnlib.init_params(V, H, V, seed=SEED, scheme="xavier", dtype=np.float32)


def run_rnnlib(seconds):
    """(updates, wall seconds, processor seconds, validation bits per character)."""
    import time

    import rnnlib
    from rnnlib import charlm

    V, inputs, targets, val_ids = _data()
    params = _initial_params(V)
    cpu = time.process_time()
    history = charlm.train(
        params, inputs, targets, rnnlib.Adam(LR), seconds=seconds, clip_norm=CLIP
    )
    cpu = time.process_time() - cpu
    bpc = charlm.bits_per_character(params, val_ids)
    return history["steps"], history["seconds"], cpu, bpc


def run_torch(seconds, threads):
    """(updates, wall seconds, processor seconds, validation bits per character)."""
    import time

    import numpy as np
    import torch

    from rnnlib import charlm

    torch.set_num_threads(threads)
    V, inputs, targets, val_ids = _data()
    init = _initial_params(V)
    torch.manual_seed(SEED)
    rnn = torch.nn.RNN(V, H, nonlinearity="tanh")
    lin = torch.nn.Linear(H, V)
    with torch.no_grad():  # the same initial weights as rnnlib
        rnn.weight_ih_l0.copy_(torch.from_numpy(init["W_xh"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(init["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(init["b_h"]))
        rnn.bias_hh_l0.zero_()
        lin.weight.copy_(torch.from_numpy(init["W_hy"]))
        lin.bias.copy_(torch.from_numpy(init["b_y"]))
    params = [*rnn.parameters(), *lin.parameters()]
    optimizer = torch.optim.Adam(params, lr=LR)
    eye = torch.eye(V)
    xs_all, ys_all = torch.from_numpy(inputs), torch.from_numpy(targets)
    n_chunks = inputs.shape[0]
    h = None
    step, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        j = step % n_chunks
        if j == 0:
            h = torch.zeros(1, B, H)  # a new pass: every stream starts again
        out, h_last = rnn(eye[xs_all[j]], h)
        loss = torch.nn.functional.cross_entropy(lin(out).reshape(-1, V), ys_all[j].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        optimizer.step()
        h = h_last.detach()
        step += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    with torch.no_grad():
        trained = {
            "W_xh": rnn.weight_ih_l0.numpy(),
            "W_hh": rnn.weight_hh_l0.numpy(),
            "b_h": (rnn.bias_ih_l0 + rnn.bias_hh_l0).numpy(),
            "W_hy": lin.weight.numpy(),
            "b_y": lin.bias.numpy(),
        }
    trained = {name: np.array(v, dtype=np.float32) for name, v in trained.items()}
    return step, elapsed, cpu, charlm.bits_per_character(trained, val_ids)


def worker(library, threads, seconds):
    """Run in a fresh process: one timed training, printed as JSON."""
    if library == "rnnlib":
        steps, elapsed, cpu, bpc = run_rnnlib(seconds)
    else:
        steps, elapsed, cpu, bpc = run_torch(seconds, threads)
    print(json.dumps({"steps": steps, "seconds": elapsed, "cpu": cpu, "bpc": bpc}))


def launch(library, threads, seconds):
    """A training run in a fresh process with ``threads`` BLAS / intra-op threads."""
    env = dict(os.environ)
    if library == "rnnlib":
        env["OPENBLAS_NUM_THREADS"] = str(threads)  # numpy's BLAS, read at import
    out = subprocess.run(
        [sys.executable, __file__, "--worker", library, str(threads), str(seconds)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["updates/s"] = result["steps"] / result["seconds"]
    result["updates/cpu s"] = result["steps"] / result["cpu"]
    return result


def faster_threads(library, seconds):
    """The thread count (1 or 2) with more updates per second in a short run each."""
    rates = {n: launch(library, n, seconds)["updates/s"] for n in (1, 2)}
    return max(rates, key=rates.get), rates


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="training time of each run")
    ap.add_argument("--repeats", type=int, default=2, help="timed runs per library")
    ap.add_argument("--calibrate", type=float, default=3.0, help="seconds per thread trial")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        library, threads, seconds = args.worker
        worker(library, int(threads), float(seconds))
        return 0
    try:
        import torch
    except ImportError:
        torch = None
    libraries = ["rnnlib"] + (["torch"] if torch is not None else [])
    print(
        f"character model: V = 100, H = {H}, B = {B}, chunks of k = {K}, Adam({LR}), "
        f"clipping by global norm {CLIP}, float32; {args.seconds:g} s of training per run"
    )
    if torch is None:
        print("PyTorch not installed: timing rnnlib only (pip install torch==2.13.0 to compare)")
    else:
        print(f"torch {torch.__version__} (CPU), {os.cpu_count()} cores")
    threads = {}
    for library in libraries:
        threads[library], rates = faster_threads(library, args.calibrate)
        print(
            f"calibration {library}: "
            + ", ".join(f"{n} thread(s) {r:.0f} updates/s" for n, r in rates.items())
            + f" -> {threads[library]}"
        )
    runs = {library: [] for library in libraries}
    for _ in range(args.repeats):  # interleaved, so that both see the same machine load
        for library in libraries:
            runs[library].append(launch(library, threads[library], args.seconds))
    print(
        f"{'library':<8}{'threads':>8}{'run':>5}{'updates':>9}{'updates/s':>11}"
        f"{'per CPU s':>11}{'val bpc':>9}"
    )
    for library in libraries:
        for i, r in enumerate(runs[library], start=1):
            print(
                f"{library:<8}{threads[library]:>8}{i:>5}{r['steps']:>9}"
                f"{r['updates/s']:>11.1f}{r['updates/cpu s']:>11.1f}{r['bpc']:>9.3f}"
            )
    rate = {lib: statistics.median(r["updates/s"] for r in runs[lib]) for lib in libraries}
    cpu_rate = {lib: statistics.median(r["updates/cpu s"] for r in runs[lib]) for lib in libraries}
    bpc = {lib: statistics.median(r["bpc"] for r in runs[lib]) for lib in libraries}
    if torch is None:
        print(f"rnnlib: {rate['rnnlib']:.1f} updates/s, validation {bpc['rnnlib']:.3f} bpc")
        return 0
    ratio = rate["rnnlib"] / rate["torch"]
    speed_ok, quality_ok = ratio >= SPEED_GOAL, bpc["rnnlib"] <= bpc["torch"]
    print(
        f"medians: rnnlib {rate['rnnlib']:.1f} updates/s, torch {rate['torch']:.1f} updates/s: "
        f"ratio {ratio:.2f} (goal >= {SPEED_GOAL}) {'ok' if speed_ok else 'MISSED'}"
    )
    print(
        f"per second of processor time (steadier on a busy machine): rnnlib "
        f"{cpu_rate['rnnlib']:.1f}, torch {cpu_rate['torch']:.1f}: "
        f"ratio {cpu_rate['rnnlib'] / cpu_rate['torch']:.2f}"
    )
    print(
        f"validation bits per character at equal time: rnnlib {bpc['rnnlib']:.3f}, "
        f"torch {bpc['torch']:.3f} (goal: rnnlib <= torch) {'ok' if quality_ok else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
