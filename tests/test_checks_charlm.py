"""The training-step checker accepts a right answer and names each planted mistake."""

import numpy as np
import pytest

import rnnlib
import rnnlib.text
from rnnlib.checks.charlm import check_train_step, check_unigram_entropy


def step(params, optimizer, xs, targets, h0, tau, *, clip="norm", order="clip first",
         start=None, returned="last", scale=1.0, in_place=True):  # fmt: skip
    """The training step, with one switch per mistake a student can make."""
    trace = rnnlib.forward(params, xs, h0=h0 if start is None else start)
    loss, dys = rnnlib.softmax_ce(trace.ys, targets)
    k = xs.shape[0]
    grads = rnnlib.bptt(params, trace, dys * scale / k)
    grads = {n: grads[n] for n in rnnlib.PARAM_NAMES}
    if clip == "norm":
        clipped, _ = rnnlib.clip_by_norm(grads, tau)
    elif clip == "per parameter":
        clipped = {n: rnnlib.clip_by_norm({n: g}, tau, keys=[n])[0][n] for n, g in grads.items()}
    elif clip == "value":
        clipped = rnnlib.clip_by_value(grads, tau)
    else:
        clipped = grads
    target = params if in_place else rnnlib.copy_params(params)
    optimizer.step(target, grads if order == "step first" else clipped)
    h = {"last": trace.hs[-1], "h0": h0, "all": trace.hs}[returned]
    return loss * scale / k, h, clipped


def variant(**mistake):
    return lambda *args: step(*args, **mistake)


def verdict(fn, capsys):
    result = check_train_step(fn)
    out = capsys.readouterr().out
    return result, " ".join(out.split())  # one line, wrapping undone


def test_the_right_step_passes(capsys):
    result, out = verdict(variant(), capsys)
    assert result.passed and "correct" in out


@pytest.mark.parametrize(
    "mistake, words",
    [
        (dict(clip="none"), "the optimizer received the unclipped gradient: its global norm is"),
        (dict(order="step first"), "you called optimizer.step before clipping; clip first"),
        (dict(clip="per parameter"), "you clipped each parameter's gradient by its own norm"),
        (dict(clip="value"), "this is clipping by value"),
        (dict(returned="h0"), "you returned h0: return the LAST hidden state h_k"),
        (dict(returned="all"), "h_k is the last hidden state of the chunk, one row per stream"),
        (dict(scale=4.0), "this is the loss summed over the k = 4 steps: divide by k"),
        (dict(in_place=False), "update them in place with optimizer.step(params, grads)"),
    ],
)
def test_each_planted_mistake_is_named(capsys, mistake, words):
    result, out = verdict(variant(**mistake), capsys)
    assert not result.passed
    assert words in out, out


def test_a_chunk_started_from_zero_is_named(capsys):
    def from_zero(params, optimizer, xs, targets, h0, tau):
        return step(params, optimizer, xs, targets, h0, tau, start=np.zeros_like(h0))

    result, out = verdict(from_zero, capsys)
    assert not result.passed
    assert "this is the loss of a chunk started from h = 0: start the forward pass from h0" in out
    assert "this is the last state of a chunk started from h = 0" in out


def test_gradient_not_divided_by_k_is_named(capsys):
    def grads_summed(params, optimizer, xs, targets, h0, tau):  # the loss alone is per step
        trace = rnnlib.forward(params, xs, h0=h0)
        loss, dys = rnnlib.softmax_ce(trace.ys, targets)
        clipped, _ = rnnlib.clip_by_norm(rnnlib.bptt(params, trace, dys), tau)
        optimizer.step(params, clipped)
        return loss / xs.shape[0], trace.hs[-1], clipped

    result, out = verdict(grads_summed, capsys)
    assert not result.passed
    assert "gradients of the loss summed over the k = 4 steps: divide dL/dy_t by k" in out


def test_no_update_and_two_updates_are_named(capsys):
    def no_update(params, optimizer, xs, targets, h0, tau):
        trace = rnnlib.forward(params, xs, h0=h0)
        loss, _ = rnnlib.softmax_ce(trace.ys, targets)
        return loss / xs.shape[0], trace.hs[-1], {}

    def twice(params, optimizer, xs, targets, h0, tau):
        out = step(params, optimizer, xs, targets, h0, tau)
        optimizer.step(params, out[2])
        return out

    assert "optimizer.step was never called" in verdict(no_update, capsys)[1]
    assert "optimizer.step was called 2 times" in verdict(twice, capsys)[1]


def test_unfinished_and_crashing_steps_do_not_raise(capsys):
    def unfinished(*args):
        raise NotImplementedError

    def crashing(params, optimizer, xs, targets, h0, tau):
        return params["W_hh"] @ xs  # shapes do not fit

    result, out = verdict(unfinished, capsys)
    assert not result.passed and "not implemented yet" in out
    result, out = verdict(crashing, capsys)
    assert not result.passed and "your function raised ValueError" in out
    assert "It was given xs (4, 3, 5)" in out
    result, out = verdict(lambda *args: 1.0, capsys)
    assert "return a tuple (loss, h_k, grads), got float" in out


# --- the unigram entropy ----------------------------------------------------------------
def entropy(ids, V, *, log=np.log2, sign=-1.0, keep_zeros=False, counts=False):
    n = np.bincount(ids, minlength=V).astype(float)
    p = n if counts else n / n.sum()
    if not keep_zeros:
        p = p[p > 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(sign * np.sum(p * log(p)))


def test_entropy_checker_accepts_the_formula(capsys):
    assert check_unigram_entropy(entropy).passed
    assert check_unigram_entropy(rnnlib.text.unigram_entropy, quiet=True).passed


@pytest.mark.parametrize(
    "mistake, words",
    [
        (dict(log=np.log), "this is in nats: use log base 2 for bits"),
        (dict(sign=1.0), "the sign is wrong"),
        (dict(keep_zeros=True), "got NaN. Some of the V = 4 characters never occur"),
        (dict(counts=True), "you used the counts"),
    ],
)
def test_entropy_checker_names_the_mistake(capsys, mistake, words):
    result = check_unigram_entropy(lambda ids, V: entropy(ids, V, **mistake))
    out = " ".join(capsys.readouterr().out.split())
    assert not result.passed and words in out, out


def test_entropy_checker_names_the_uniform_distribution(capsys):
    result = check_unigram_entropy(lambda ids, V: float(np.log2(V)))
    out = " ".join(capsys.readouterr().out.split())
    assert not result.passed and "entropy of the uniform distribution" in out
