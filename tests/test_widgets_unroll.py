from rnnlib.widgets.unroll import UnrollExplorer


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


def test_a_move_shows_and_hides_artists_of_one_figure():
    # what keeps a move cheap (its latency is measured by benchmarks/bench_widgets.py):
    # the artists for T_max steps exist once, a move only changes which are visible
    e = UnrollExplorer(T=1, T_max=10)
    fig, ax = e.fig, e.fig.axes[0]
    n_artists = len(ax.get_children())
    for T in [10, 4, 8, 2]:
        e.set(T=T)
        assert e.graph.visible(f"h_{T}") and (T == 10 or not e.graph.visible(f"h_{T + 1}"))
    assert e.fig is fig and e.fig.axes == [ax] and len(ax.get_children()) == n_artists


def test_one_step_is_singular():
    e = UnrollExplorer(T=1, T_max=10)
    assert e.title.get_text().startswith("T = 1 step, 1 output:")
