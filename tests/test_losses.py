"""Losses on logits: values against the formulas, gradients against finite differences,
masks, equivalent target forms, and stability for huge logits."""

import re

import numpy as np
import pytest
from conftest import fd_grad, rel_err
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib

T, B, O = 4, 3, 3
RNG = np.random.default_rng(0)
YS = RNG.normal(0, 2, (T, B, O))
REAL = RNG.normal(0, 1, (T, B, O))
PROBS = RNG.dirichlet(np.ones(O), (T, B))
BITS = RNG.uniform(0, 1, (T, B, O))
LABELS = RNG.integers(0, O, (T, B))
WEIGHTS = RNG.uniform(0, 1, (T, B)).round(1)


def sig(y):
    return 1 / (1 + np.exp(-y))


def test_mse_values_are_the_formulas():
    # mean: (1/N) sum_t ||y_t - target_t||^2 over the N = T*B (step, sequence) pairs
    loss, _ = rnnlib.mse(YS, REAL)
    assert loss == pytest.approx(np.sum((YS - REAL) ** 2) / (T * B), rel=1e-13)
    # half_sum: (1/2) sum_t ||.||^2 per sequence, averaged over the batch
    loss, dys = rnnlib.mse(YS, REAL, form="half_sum")
    assert loss == pytest.approx(0.5 * np.sum((YS - REAL) ** 2) / B, rel=1e-13)
    np.testing.assert_allclose(dys, (YS - REAL) / B, rtol=1e-13)
    # one sequence, the notes' 2/T (y_t - target_t) of the mean form
    loss, dys = rnnlib.mse(YS[:, 0], REAL[:, 0])
    assert loss == pytest.approx(np.sum((YS[:, 0] - REAL[:, 0]) ** 2) / T, rel=1e-13)
    np.testing.assert_allclose(dys, 2 / T * (YS[:, 0] - REAL[:, 0]), rtol=1e-13)


def test_sigmoid_bce_value_is_the_formula():
    p = sig(YS)
    loss, dys = rnnlib.sigmoid_bce(YS, BITS)
    expected = np.sum(-BITS * np.log(p) - (1 - BITS) * np.log(1 - p)) / B
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(dys, (p - BITS) / B, rtol=1e-12)


def test_sigmoid_mse_is_the_formula_and_keeps_the_derivative():
    p = sig(YS)
    loss, dys = rnnlib.sigmoid_mse(YS, BITS)
    assert loss == pytest.approx(np.sum((p - BITS) ** 2) / (T * B), rel=1e-12)
    np.testing.assert_allclose(dys, 2 / (T * B) * (p - BITS) * p * (1 - p), rtol=1e-12)
    loss, dys = rnnlib.sigmoid_mse(YS, BITS, form="half_sum", mask="last")
    assert loss == pytest.approx(0.5 * np.sum((p[-1] - BITS[-1]) ** 2) / B, rel=1e-12)
    assert np.all(dys[:-1] == 0)
    for form in ("mean", "half_sum"):  # against central differences, one sequence
        y = YS[:, 0].copy()
        num = fd_grad(lambda y=y, form=form: rnnlib.sigmoid_mse(y, BITS[:, 0], form=form)[0], y)
        assert rel_err(rnnlib.sigmoid_mse(y, BITS[:, 0], form=form)[1], num) < 1e-7
    # huge logits: finite loss, the gradient vanishes (the output has saturated)
    loss, dys = rnnlib.sigmoid_mse(np.array([[-1000.0], [1000.0]]), np.array([[1.0], [0.0]]))
    assert loss == pytest.approx(1.0) and np.all(np.abs(dys) < 1e-300)


def test_softmax_ce_value_is_the_formula():
    e = np.exp(YS)
    p = e / e.sum(axis=-1, keepdims=True)
    loss, dys = rnnlib.softmax_ce(YS, LABELS)
    picked = np.take_along_axis(p, LABELS[..., None], axis=-1)[..., 0]
    assert loss == pytest.approx(-np.sum(np.log(picked)) / B, rel=1e-12)
    np.testing.assert_allclose(dys, (p - np.eye(O)[LABELS]) / B, rtol=1e-12, atol=1e-15)
    loss_p, _ = rnnlib.softmax_ce(YS, PROBS)
    assert loss_p == pytest.approx(-np.sum(PROBS * np.log(p)) / B, rel=1e-12)


CASES = [
    (
        "mse mean",
        lambda y, m: rnnlib.mse(y, REAL[:, : y.shape[1]] if y.ndim == 3 else REAL[:, 0], m),
    ),
    (
        "mse half_sum",
        lambda y, m: rnnlib.mse(y, REAL if y.ndim == 3 else REAL[:, 0], m, "half_sum"),
    ),
    ("bce", lambda y, m: rnnlib.sigmoid_bce(y, BITS if y.ndim == 3 else BITS[:, 0], m)),
    ("ce index", lambda y, m: rnnlib.softmax_ce(y, LABELS if y.ndim == 3 else LABELS[:, 0], m)),
    ("ce probs", lambda y, m: rnnlib.softmax_ce(y, PROBS if y.ndim == 3 else PROBS[:, 0], m)),
]


@pytest.mark.parametrize("name, fn", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("mask", [None, "weights_T", "weights_TB"], ids=str)
@pytest.mark.parametrize("batched", [True, False])
def test_loss_gradients_match_finite_differences(name, fn, mask, batched):
    ys = YS.copy() if batched else YS[:, 0].copy()
    m = {None: None, "weights_T": WEIGHTS[:, 0], "weights_TB": WEIGHTS}[mask]
    if mask == "weights_TB" and not batched:
        m = WEIGHTS[:, 0]
    loss, dys = fn(ys, m)
    assert np.isfinite(loss) and dys.shape == ys.shape
    num = fd_grad(lambda: fn(ys, m)[0], ys)
    assert rel_err(dys, num) < 1e-9, name


def test_many_to_one_targets_of_the_last_step_only():
    for fn, full, last in [
        (rnnlib.mse, REAL, REAL[-1]),
        (rnnlib.sigmoid_bce, BITS, BITS[-1]),
        (rnnlib.softmax_ce, LABELS, LABELS[-1]),
        (rnnlib.softmax_ce, PROBS, PROBS[-1]),
    ]:
        a_loss, a_d = fn(YS, last, mask="last")
        b_loss, b_d = fn(YS, full, mask="last")
        c_loss, c_d = fn(YS[-1:], full[-1:])  # a sequence of just the last step
        assert a_loss == pytest.approx(b_loss, rel=1e-14) == c_loss
        np.testing.assert_array_equal(a_d, b_d)
        np.testing.assert_array_equal(a_d[:-1], 0.0)
        np.testing.assert_allclose(a_d[-1:], c_d, rtol=1e-14)
        # single sequence
        s_loss, s_d = fn(YS[:, 0], last[0], mask="last")
        assert s_d.shape == (T, O) and np.all(s_d[:-1] == 0)


def test_weight_mask_of_ones_and_zeros_selects_steps():
    m = np.array([0, 1, 0, 1.0])
    for fn, tg in [
        (rnnlib.sigmoid_bce, BITS),
        (rnnlib.softmax_ce, LABELS),
        (lambda y, t, mask=None: rnnlib.mse(y, t, mask, "half_sum"), REAL),
    ]:
        loss, dys = fn(YS, tg, mask=m)
        sub_loss, sub_d = fn(YS[[1, 3]], tg[[1, 3]])
        assert loss == pytest.approx(sub_loss, rel=1e-13)
        np.testing.assert_allclose(dys[[1, 3]], sub_d, rtol=1e-13)
        np.testing.assert_array_equal(dys[[0, 2]], 0)
    # the mean form divides by the number of selected (step, sequence) pairs
    loss, _ = rnnlib.mse(YS, REAL, mask=m)
    assert loss == pytest.approx(np.sum((YS[[1, 3]] - REAL[[1, 3]]) ** 2) / (2 * B), rel=1e-13)


def test_class_indices_equal_one_hot_probabilities():
    a = rnnlib.softmax_ce(YS, LABELS)
    b = rnnlib.softmax_ce(YS, np.eye(O)[LABELS])
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-14)
    c = rnnlib.softmax_ce(YS[:, 1], LABELS[:, 1])
    d = rnnlib.softmax_ce(YS[:, 1], np.eye(O)[LABELS[:, 1]])
    np.testing.assert_allclose(c[1], d[1], rtol=1e-14)


def test_integer_targets_work_for_mse_and_bce():
    ints = (BITS > 0.5).astype(int)
    for fn in (rnnlib.mse, rnnlib.sigmoid_bce):
        a, b = fn(YS, ints), fn(YS, ints.astype(float))
        assert a[0] == b[0]
        np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("big", [1e4, 1e6])
def test_huge_logits_are_stable(big):
    """Finite loss and a gradient of the right sign (no warnings: pytest errors on them)."""
    y = np.array([[big], [-big]])
    loss, d = rnnlib.sigmoid_bce(y, np.array([[0.0], [1.0]]))  # both confidently wrong
    assert np.isfinite(loss) and loss == pytest.approx(2 * big, rel=1e-9)
    assert d[0, 0] > 0 and d[1, 0] < 0
    loss, d = rnnlib.sigmoid_bce(y, np.array([[1.0], [0.0]]))  # both confidently right
    assert np.isfinite(loss) and 0 <= loss < 1e-12 and np.all(np.abs(d) < 1e-12)
    logits = np.array([[big, -big, 0.0]])
    loss, d = rnnlib.softmax_ce(logits, np.array([1]))
    assert np.isfinite(loss) and loss == pytest.approx(2 * big, rel=1e-9)
    assert d[0, 1] < 0 and d[0, 0] > 0  # raise the target logit, lower the winner
    loss, d = rnnlib.softmax_ce(logits, np.array([0]))
    assert np.isfinite(loss) and loss < 1e-12 and np.all(np.isfinite(d))
    loss, d = rnnlib.mse(np.array([[big]]), np.array([[0.0]]))
    assert np.isfinite(loss) and d[0, 0] > 0
    np.testing.assert_array_equal(rnnlib.sigmoid(np.array([big, -big])), [1.0, 0.0])
    np.testing.assert_allclose(rnnlib.softmax(logits), [[1.0, 0.0, 0.0]])
    assert np.all(np.isfinite(rnnlib.log_softmax(logits)))


@settings(max_examples=60)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
        elements=st.floats(-1e4, 1e4, allow_nan=False),
    )
)
def test_softmax_sums_to_one_and_matches_log_softmax(y):
    p = rnnlib.softmax(y)
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    logp = rnnlib.log_softmax(y)
    assert np.all(np.isfinite(logp)) and np.all(logp <= 1e-12)
    np.testing.assert_allclose(np.exp(logp), p, rtol=1e-9, atol=1e-300)
    # softmax is shift invariant
    np.testing.assert_allclose(rnnlib.softmax(y + 3.0), p, rtol=1e-9, atol=1e-300)


@settings(max_examples=60)
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-800, 800)))
def test_sigmoid_is_stable_and_symmetric(z):
    s = rnnlib.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + rnnlib.sigmoid(-z), 1.0, rtol=1e-12)
    small = np.abs(z) < 30
    np.testing.assert_allclose(s[small], 1 / (1 + np.exp(-z[small])), rtol=1e-12)


def test_losses_registry():
    assert {
        "mse": rnnlib.mse,
        "sigmoid_bce": rnnlib.sigmoid_bce,
        "sigmoid_mse": rnnlib.sigmoid_mse,
        "softmax_ce": rnnlib.softmax_ce,
    } == rnnlib.LOSSES


# --- targets: class indices or probabilities, decided by dtype -----------------------------
def test_class_indices_with_mask_last_when_T_equals_O():
    """Integer targets of shape (T,) are class indices even when T == O."""
    ys = np.array([[0, 1, 2], [1, 0, 0], [0.5, 0, 1]])
    loss, dys = rnnlib.softmax_ce(ys, np.array([0, 1, 2]), mask="last")
    p = np.exp(ys[-1]) / np.exp(ys[-1]).sum()
    assert loss == pytest.approx(-np.log(p[2]), rel=1e-14)  # 0.68, the last step's label 2
    assert loss == pytest.approx(0.6802696706417346, rel=1e-12)
    np.testing.assert_allclose(dys[-1], p - np.eye(3)[2], rtol=1e-14)
    np.testing.assert_array_equal(dys[:-1], 0.0)
    # ... and T == B == O in a batch: the last step's labels, not probability vectors
    ys3 = RNG.normal(size=(3, 3, 3))
    labels = np.array([[0, 1, 2], [1, 2, 0], [2, 0, 1]])
    loss, dys = rnnlib.softmax_ce(ys3, labels, mask="last")
    ref, dref = rnnlib.softmax_ce(ys3[-1:], labels[-1:])
    assert loss == pytest.approx(ref, rel=1e-14)
    np.testing.assert_allclose(dys[-1:], dref, rtol=1e-14)


def test_training_with_mask_last_uses_the_labels_when_T_equals_O():
    p = rnnlib.init_params(2, 4, 3, seed=0, scheme="xavier")
    xs = RNG.normal(size=(3, 2))
    labels = np.array([0, 1, 2])
    expected = rnnlib.softmax_ce(rnnlib.forward(p, xs).ys[-1:], labels[-1:])[0]
    history = rnnlib.train(p, (xs, labels), "softmax_ce", rnnlib.SGD(0.1), 1, mask="last")
    assert history["loss"][0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    "targets, mask",
    [
        (LABELS.astype(float), None),  # labels of shape (T, B) as floats
        (LABELS[-1].astype(float), "last"),  # last-step labels (B,) as floats
        (LABELS[:, 0].astype(np.float32), None),  # one sequence: (T,)
    ],
)
def test_floating_class_indices_are_refused(targets, mask):
    ys = YS if targets.ndim != 1 or mask == "last" else YS[:, 0]
    with pytest.raises(TypeError, match=r"class-index targets must be integers, got dtype float"):
        rnnlib.softmax_ce(ys, targets, mask=mask)


def test_integer_one_hot_and_boolean_targets_are_refused():
    with pytest.raises(ValueError, match=r"targets must have shape \(4, 3\) \(class indices\)"):
        rnnlib.softmax_ce(YS, np.eye(O, dtype=int)[LABELS])
    with pytest.raises(TypeError, match=r"integer class indices or floating class probabilities"):
        rnnlib.softmax_ce(YS, np.eye(O, dtype=bool)[LABELS])


def test_single_sequence_with_T_equal_O_probabilities_or_labels():
    ys = YS[:3, 0]  # (T, O) = (3, 3)
    probs = PROBS[:3, 0]
    a = rnnlib.softmax_ce(ys, probs, mask="last")  # (O,) floats: the last step's probabilities
    b = rnnlib.softmax_ce(ys, probs[-1], mask="last")
    c = rnnlib.softmax_ce(ys, np.int64(2), mask="last")  # one integer: the last step's label
    d = rnnlib.softmax_ce(ys, np.array([0, 0, 2]), mask="last")
    assert a[0] == b[0] and c[0] == d[0]
    np.testing.assert_array_equal(c[1], d[1])


# --- targets and masks out of their domain -----------------------------------------------
@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
@pytest.mark.parametrize("fn, targets", [(rnnlib.mse, REAL), (rnnlib.softmax_ce, LABELS)])
def test_mask_weights_negative_or_not_finite(fn, targets, bad):
    m = np.ones((T, B))
    m[2, 1] = bad
    exc = r"mask weights must be >= 0 .*got mask\[2, 1\] = -1.0" if bad == -1 else "finite"
    with pytest.raises(ValueError, match=r"mask" if bad != -1 else exc):
        fn(YS, targets, mask=m)
    with pytest.raises(ValueError, match=r"mask"):
        fn(YS, targets, mask=m[:, 1])


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_sigmoid_bce_targets_outside_zero_one(bad):
    t = BITS.copy()
    t[1, 2, 0] = bad
    with pytest.raises(
        ValueError, match=rf"targets of sigmoid_bce must lie in \[0, 1\], got {bad} at step 2"
    ):
        rnnlib.sigmoid_bce(YS, t)


def test_probability_targets_negative_or_not_normalised():
    q = PROBS.copy()
    q[2, 0] = [-0.5, 1.0, 0.5]
    with pytest.raises(ValueError, match=r"class probabilities must lie in \[0, 1\], got -0.5"):
        rnnlib.softmax_ce(YS, q)
    q[2, 0] = [0.5, 0.25, 0.5]
    with pytest.raises(ValueError, match=r"must sum to 1 over the O classes .*1.25 at step 3"):
        rnnlib.softmax_ce(YS, q)
    # a step without a loss may hold anything in [0, 1]
    mask = np.ones((T, B))
    mask[2, 0] = 0.0
    loss, dys = rnnlib.softmax_ce(YS, q, mask=mask)
    assert np.isfinite(loss) and np.all(dys[2, 0] == 0)
    # float32 probabilities (rounded) pass with float64 logits
    assert np.isfinite(rnnlib.softmax_ce(YS, PROBS.astype(np.float32))[0])


def test_mean_squared_error_divides_by_the_sum_of_the_weights():
    """The mean form is a weighted mean: scaling every weight changes nothing."""
    w = np.array([0.5, 0.0, 0.0, 0.0])
    a = rnnlib.mse(YS, REAL, mask=w)
    b = rnnlib.mse(YS, REAL, mask=2 * w)
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    assert a[0] == pytest.approx(np.sum((YS[0] - REAL[0]) ** 2) / B, rel=1e-14)
    # no step selected: nothing to learn from
    loss, dys = rnnlib.mse(YS, REAL, mask=np.zeros(T))
    assert loss == 0.0 and np.all(dys == 0)


def test_empty_ys_and_bad_softmax_axis():
    with pytest.raises(ValueError, match=r"ys must not be empty .*got shape \(0, 3\)"):
        rnnlib.mse(np.zeros((0, 3)), np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"axis must lie in -2..1 for logits of shape \(4, 3\)"):
        rnnlib.softmax(YS[:, 0], axis=2)
    with pytest.raises(TypeError, match=r"axis must be an integer, got float 1.0"):
        rnnlib.log_softmax(YS, axis=1.0)
    with pytest.raises(ValueError, match=r"at least one class along axis -1, got shape \(4, 0\)"):
        rnnlib.softmax(np.zeros((4, 0)))
    with pytest.raises(TypeError, match=r"logits must be a numeric array"):
        rnnlib.softmax(["a", "b"])


# --- dtype and memory ----------------------------------------------------------------------
LOSS_CALLS = {
    "mse": lambda y, m: rnnlib.mse(y, REAL, m),
    "mse half_sum": lambda y, m: rnnlib.mse(y, REAL, m, "half_sum"),
    "sigmoid_bce": lambda y, m: rnnlib.sigmoid_bce(y, BITS, m),
    "softmax_ce index": lambda y, m: rnnlib.softmax_ce(y, LABELS, m),
    "softmax_ce probs": lambda y, m: rnnlib.softmax_ce(y, PROBS, m),
}


@pytest.mark.parametrize("name", LOSS_CALLS)
@pytest.mark.parametrize("mask", [None, "last", WEIGHTS], ids=["all", "last", "weights"])
def test_float32_logits_give_float32_gradients(name, mask):
    loss32, d32 = LOSS_CALLS[name](YS.astype(np.float32), mask)
    loss64, d64 = LOSS_CALLS[name](YS, mask)
    assert d32.dtype == np.float32 and isinstance(loss32, float)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(d32, d64, rtol=1e-4, atol=1e-6)
    assert LOSS_CALLS[name](YS.astype(np.float16), mask)[1].dtype == np.float16


def test_softmax_ce_with_class_indices_builds_no_one_hot_array():
    """Peak memory of one call: the gradient itself and a few per-step numbers, nothing of
    the size of a one-hot array of the targets (float64: twice float32 logits)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    ys = rng.normal(size=(32, 32, 80)).astype(np.float32)
    labels = rng.integers(0, 80, (32, 32))
    rnnlib.softmax_ce(ys, labels)  # warm up
    tracemalloc.start()
    try:
        _, dys = rnnlib.softmax_ce(ys, labels)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert dys.dtype == np.float32
    assert peak < 1.5 * ys.nbytes, f"peak {peak} bytes for logits of {ys.nbytes} bytes"


def test_a_float32_training_step_stays_float32():
    """forward -> softmax_ce -> bptt -> clip_by_norm -> Adam: every array float32."""
    rng = np.random.default_rng(1)
    p = rnnlib.init_params(5, 8, 5, seed=0, scheme="xavier", dtype=np.float32)
    xs = np.eye(5, dtype=np.float32)[rng.integers(0, 5, (6, 3))]
    labels = rng.integers(0, 5, (6, 3))
    trace = rnnlib.forward(p, xs)
    loss, dys = rnnlib.softmax_ce(trace.ys, labels)
    grads = rnnlib.bptt(p, trace, dys)
    clipped, _ = rnnlib.clip_by_norm(grads, 1e-3)
    opt = rnnlib.Adam(1e-2)
    opt.step(p, clipped)
    arrays = [trace.ys, dys, *grads.values(), *clipped.values(), *p.values(), *opt.state.values()]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


# --- each sequence's own loss ------------------------------------------------------------
PER_SEQUENCE = {  # the losses with every option, per_sequence passed through
    "mse": lambda y, m, **kw: rnnlib.mse(y, REAL, m, **kw),
    "mse half_sum": lambda y, m, **kw: rnnlib.mse(y, REAL, m, "half_sum", **kw),
    "sigmoid_bce": lambda y, m, **kw: rnnlib.sigmoid_bce(y, BITS, m, **kw),
    "sigmoid_mse": lambda y, m, **kw: rnnlib.sigmoid_mse(y, BITS, m, **kw),
    "sigmoid_mse half_sum": lambda y, m, **kw: rnnlib.sigmoid_mse(y, BITS, m, "half_sum", **kw),
    "softmax_ce index": lambda y, m, **kw: rnnlib.softmax_ce(y, LABELS, m, **kw),
    "softmax_ce probs": lambda y, m, **kw: rnnlib.softmax_ce(y, PROBS, m, **kw),
}


@pytest.mark.parametrize("name", PER_SEQUENCE)
@pytest.mark.parametrize("mask", [None, "last", WEIGHTS], ids=["all", "last", "weights"])
def test_per_sequence_losses_average_to_the_loss(name, mask):
    loss, dys = PER_SEQUENCE[name](YS, mask)
    per, dper = PER_SEQUENCE[name](YS, mask, per_sequence=True)
    assert per.shape == (B,) and dper.shape == YS.shape
    assert np.mean(per) == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(dper, B * dys, rtol=1e-14)


@pytest.mark.parametrize("mask", [None, "last"], ids=["all", "last"])
def test_per_sequence_losses_are_each_sequence_alone(mask):
    # without weights a sequence's own loss is the loss of that sequence given alone
    for fn, tg in [
        (lambda y, t, **kw: rnnlib.mse(y, t, mask, **kw), REAL),
        (lambda y, t, **kw: rnnlib.mse(y, t, mask, "half_sum", **kw), REAL),
        (lambda y, t, **kw: rnnlib.sigmoid_bce(y, t, mask, **kw), BITS),
        (lambda y, t, **kw: rnnlib.sigmoid_mse(y, t, mask, **kw), BITS),
        (lambda y, t, **kw: rnnlib.softmax_ce(y, t, mask, **kw), LABELS),
        (lambda y, t, **kw: rnnlib.softmax_ce(y, t, mask, **kw), PROBS),
    ]:
        per, dper = fn(YS, tg, per_sequence=True)
        for b in range(B):
            alone, d_alone = fn(YS[:, b], tg[:, b])
            assert per[b] == pytest.approx(alone, rel=1e-13)
            np.testing.assert_allclose(dper[:, b], d_alone, rtol=1e-13, atol=1e-15)


def test_per_sequence_gradients_match_finite_differences():
    ys = YS.copy()
    per, dper = rnnlib.sigmoid_bce(ys, BITS, WEIGHTS, per_sequence=True)
    for b in range(B):
        num = fd_grad(
            lambda b=b: rnnlib.sigmoid_bce(ys, BITS, WEIGHTS, per_sequence=True)[0][b], ys
        )
        assert rel_err(dper[:, b], num[:, b]) < 1e-9
        # a sequence's loss sees only its own logits (up to the differences' round-off)
        assert np.max(np.abs(np.delete(num, b, axis=1))) < 1e-11
    assert rnnlib.softmax_ce(YS[:, 0], LABELS[:, 0], per_sequence=True)[0].shape == (1,)
    with pytest.raises(TypeError, match="per_sequence must be True or False, got str 'yes'"):
        rnnlib.mse(YS, REAL, per_sequence="yes")


def test_loss_curve_is_each_logit_alone_and_the_formulas():
    y = np.linspace(-5, 5, 41)
    for name, target, kw, loss_of, grad_of in [
        ("mse", 0.3, {"form": "half_sum"}, lambda y: 0.5 * (y - 0.3) ** 2, lambda y: y - 0.3),
        ("mse", 0.3, {}, lambda y: (y - 0.3) ** 2, lambda y: 2 * (y - 0.3)),
        (
            "sigmoid_bce",
            1.0,
            {},
            lambda y: np.log1p(np.exp(-y)),
            lambda y: sig(y) - 1.0,
        ),
        (
            "sigmoid_mse",
            0.0,
            {"form": "half_sum"},
            lambda y: 0.5 * sig(y) ** 2,
            lambda y: sig(y) * sig(y) * (1 - sig(y)),
        ),
    ]:
        L, dL = rnnlib.losses.loss_curve(name, y, target, **kw)
        assert L.shape == dL.shape == y.shape
        np.testing.assert_allclose(L, loss_of(y), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(dL, grad_of(y), rtol=1e-12, atol=1e-300)
        fn = rnnlib.LOSSES[name]
        one = [fn(np.array([[v]]), np.array([[target]]), **kw) for v in y[::10]]
        np.testing.assert_allclose(L[::10], [a for a, _ in one], rtol=1e-14)
        np.testing.assert_allclose(dL[::10], [d[0, 0] for _, d in one], rtol=1e-14)


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: rnnlib.losses.loss_curve("softmax_ce", [0.0], 0), ValueError, "loss must be"),
        (lambda: rnnlib.losses.loss_curve("mse", [[0.0]], 0), ValueError, "1-D array"),
        (lambda: rnnlib.losses.loss_curve("mse", [], 0), ValueError, "non-empty"),
        (lambda: rnnlib.losses.loss_curve("mse", [0.0], np.nan), ValueError, "target"),
        (lambda: rnnlib.losses.loss_curve("mse", [0.0], "1"), TypeError, "target"),
        (lambda: rnnlib.losses.loss_curve("sigmoid_bce", [0.0], 2.0), ValueError, "[0, 1]"),
        (lambda: rnnlib.losses.loss_curve("mse", [0.0], 1.0, form="x"), ValueError, "form"),
    ],
)
def test_loss_curve_bad_input(call, exc, words):
    with pytest.raises(exc, match=re.escape(words)):
        call()
