import time

import numpy as np

from rnnlib.widgets.unroll import UnrollExplorer, n_parameters


def test_parameter_count():
    assert n_parameters(3, 4, 1) == 4 * 3 + 4 * 4 + 4 + 1 * 4 + 1


def test_slider_redraws_graph():
    e = UnrollExplorer(T=3, T_max=10)
    assert e.controls["T"].description == "T"
    before = e.image.value
    e.set(T=7)
    assert e.graph.T == 7 and e.graph.visible("h_7") and not e.graph.visible("h_8")
    assert "T = 7 steps" in e.title.get_text()
    assert e.image.value != before
    e.set(outputs="last")
    assert not e.graph.visible("y_6") and e.graph.visible("y_7")
    assert "1 output:" in e.title.get_text()


def test_moving_the_slider_like_a_user_updates():
    e = UnrollExplorer(T=2)
    e.controls["T"].value = 5
    assert e.graph.T == 5


def test_update_is_fast_enough():
    e = UnrollExplorer(T=1)
    times = []
    for T in [10, 4, 8, 2, 6, 9, 3]:
        t0 = time.process_time()
        e.set(T=T)
        times.append(time.process_time() - t0)
    assert np.median(times) < 0.25  # generous on a loaded CI machine; target 0.1 s
