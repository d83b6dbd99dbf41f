import numpy as np

from rnnlib.checks.losses import check_softmax_ce_grad


def stable(ys, labels):
    e = np.exp(ys - ys.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p


def test_correct_gradient_passes():
    assert check_softmax_ce_grad(stable, quiet=True).passed


def test_wrong_step_is_named():
    def wrong_at_t2(ys, labels):
        g = stable(ys, labels)
        g[1] *= 2
        return g

    r = check_softmax_ce_grad(wrong_at_t2, quiet=True)
    assert not r.passed and "first wrong at time step t = 2" in r.messages[0]


def test_naive_softmax_fails_on_large_logits_with_a_hint():
    def naive(ys, labels):
        e = np.exp(ys)
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(len(labels)), labels] -= 1
        return p

    r = check_softmax_ce_grad(naive, quiet=True)
    assert not r.passed and r.messages[0].startswith("case 3")
    assert "subtract max" in r.messages[0]


def test_forgotten_one_hot_and_unfinished(capsys):
    def probs_only(ys, labels):
        e = np.exp(ys - ys.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    assert not check_softmax_ce_grad(probs_only, quiet=True).passed

    def not_done(ys, labels):
        raise NotImplementedError

    r = check_softmax_ce_grad(not_done)
    assert "not implemented yet" in capsys.readouterr().out and not r.passed
