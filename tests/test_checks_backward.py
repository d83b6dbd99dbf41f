import numpy as np

from rnnlib.checks.backward import check_backward_loop, check_step_backward


def step_backward(dh, c):
    dz = dh * (1 - c["h"] ** 2)
    return {
        "dz": dz,
        "W_xh": np.outer(dz, c["x"]),
        "W_hh": np.outer(dz, c["h_prev"]),
        "b_h": dz,
        "dh_prev": c["W_hh"].T @ dz,
    }


def backward(p, xs, hs, dys, bug=None):
    T = len(xs)
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dhs = np.zeros_like(hs)
    carry = np.zeros(hs.shape[1])
    for t in range(T, 0, -1):
        dh = p["W_hy"].T @ dys[t - 1] + carry
        dhs[t] = dh
        dz = dh * (1 - hs[t] ** 2)
        g["W_hy"] += np.outer(dys[t - 1], hs[t])
        g["b_y"] += dys[t - 1]
        g["W_xh"] += np.outer(dz, xs[t - 1])
        if bug == "notes_dW_hh":  # (1 - h_t^2) applied after the outer product, wrong side
            g["W_hh"] += np.outer(dh, hs[t - 1]) * (1 - hs[t] ** 2)[None, :]
        else:
            g["W_hh"] += np.outer(dz, hs[t - 1])
        g["b_h"] += dz
        carry = p["W_hh"].T @ (dh if bug == "no_dz" else dz)
    dhs[0] = carry
    g["dhs"] = dhs
    return g


def test_step_correct():
    assert check_step_backward(step_backward, quiet=True).passed


def test_step_names_the_wrong_gradient():
    def no_transpose(dh, c):
        r = step_backward(dh, c)
        r["dh_prev"] = c["W_hh"] @ r["dz"]
        return r

    r = check_step_backward(no_transpose, quiet=True)
    assert not r.passed
    assert len(r.messages) == 1 and r.messages[0].startswith("case 1: dh_prev differs")
    assert "max abs error" in r.messages[0]


def test_step_missing_key_and_unfinished():
    def missing(dh, c):
        r = step_backward(dh, c)
        del r["b_h"]
        return r

    r = check_step_backward(missing, quiet=True)
    assert "b_h: got None" in r.messages[0]

    def not_done(dh, c):
        raise NotImplementedError

    assert "not implemented yet" in str(check_step_backward(not_done, quiet=True))


def test_loop_correct():
    assert check_backward_loop(backward, quiet=True).passed


def test_loop_names_first_wrong_step_backwards():
    r = check_backward_loop(lambda *a: backward(*a, bug="no_dz"), quiet=True)
    assert not r.passed
    # T = 5: dL/dh_5 is right, dL/dh_4 is the first one computed wrongly
    assert "dhs (dL/dh_t): first wrong at time step t = 4" in r.messages[0]
    assert "after t = 4 are right" in r.messages[0]


def test_loop_names_wrong_parameter_gradient():
    r = check_backward_loop(lambda *a: backward(*a, bug="notes_dW_hh"), quiet=True)
    assert not r.passed and r.messages[0].startswith("case 1: dW_hh differs")
