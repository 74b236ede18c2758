"""Every outcome docs/landscape.md's "Try it" claims, run with the demo's own code.

Each test names the sentence it checks. The demo is driven as the page drives it: `race` for
Play, `race(max_steps=1)` resumed from the last frame for Step, `setup` for the markers.
"""

import numpy as np

from explainer_core.chapters import landscape as chapter
from tests.demos import _demo_client as demo_client

START = dict(a=-1, b=1.5)  # the demo's default start


def call(method, **args):
    return demo_client.call("landscape", method, args)


def race(**args):
    return demo_client.run("landscape", "race", args, max_frames=10_000)


def steps(count, **settings):
    """`count` presses of Step: one-step runs, each resumed from the last frame."""
    frames, frame = [], None
    for _ in range(count):
        args = dict(settings)
        if frame:
            args.update(gradient=frame["gradient"], local_search=frame["local_search"],
                        counter=frame["counter"])
        out, (frame,) = race(**args, max_steps="1")
        assert out["ok"]
        frames.append(frame)
    return frames


def test_too_high_learning_rate_overshoots_more_at_every_step_then_leaves():
    """"Choose sin, set the learning rate to 3.2 and put the start at a = -3, b = 0.2 ...
    press Step a few times: each step jumps across the valley and lands further up the other side
    than the last, the loss rises at every step, and after a few steps the point leaves the
    plotted range.\""""
    settings = dict(a=-3, b=0.2, activation="sin", lr="3.2")
    frames = steps(12, **settings)
    g = [f["gradient"] for f in frames]
    end = next(k for k, s in enumerate(g) if s["outcome"])
    assert g[end]["outcome"] == "left_range"
    b = [0.2] + [s["b"] for s in g[:end]]
    loss = [call("evaluate", a=-3, b=0.2, activation="sin")["result"]["loss"]]
    loss += [s["loss"] for s in g[:end]]
    assert end >= 5  # "a few steps", each visible on the map
    assert all(b[k] * b[k + 1] < 0 for k in range(end))  # across the valley b = 0 every time
    assert all(abs(b[k + 1]) > abs(b[k]) for k in range(end))  # further up than the last
    assert all(loss[k + 1] > loss[k] for k in range(end))  # the loss rises at every step
    # Reset brings the point back: a fresh place() at the start
    fresh = call("place", activation="sin", a=-3, b=0.2)["result"]["gradient"]
    assert (fresh["a"], fresh["b"], fresh["steps"]) == (-3.0, 0.2, 0)


def test_relu_at_learning_rate_50_leaves_the_map_in_one_step():
    """"With ReLU and a learning rate of 50 a single step throws the point far off the map.\""""
    (frame,) = steps(1, **START, activation="relu", lr="50")
    g = frame["gradient"]
    assert g["outcome"] == "left_range" and max(abs(g["a"]), abs(g["b"])) > 10 * 5


def test_binary_step_gradient_cannot_move():
    """"the gradient is exactly zero and gradient descent cannot move at all.\""""
    (frame,) = steps(1, **START, activation="binary_step")
    g = frame["gradient"]
    assert g["outcome"] == "zero_gradient" and (g["a"], g["b"]) == (-1.0, 1.5)


def test_binary_step_local_search_needs_a_step_size_that_reaches_lower_ground():
    """"from the default start with the step size 0.3 every neighbour lies on the same flat step
    and it stalls; set the step size to 1 and it finds the lower step.\""""
    start = call("place", **START, activation="binary_step")["result"]["local_search"]["loss"]
    for seed in range(5):
        _, small = race(**START, activation="binary_step", step_size="0.3", seed=seed)
        s = small[-1]["local_search"]
        assert s["outcome"] == "stalled" and s["loss"] == start and (s["a"], s["b"]) == (-1, 1.5)
        _, large = race(**START, activation="binary_step", step_size="1", seed=seed)
        s = large[-1]["local_search"]
        assert s["loss"] < start


def test_count_the_cost():
    """The counters, and "counted in forward-pass equivalents, a gradient step on the three
    examples costs [step_compute gradient], and a local-search round with 8 neighbours
    [step_compute local_search]": the demo's own counters, run, agree with the text's numbers."""
    frames = steps(4, **START, neighbours="8")
    for k, f in enumerate(frames, start=1):
        assert f["gradient"]["forward_passes"] == f["gradient"]["backward_passes"] == 3 * k
        assert f["local_search"]["forward_passes"] == 24 * k
        assert f["local_search"]["backward_passes"] == 0
        g = f["gradient"]
        assert g["forward_passes"] + 2 * g["backward_passes"] == chapter.step_compute("gradient") * k
        assert f["local_search"]["forward_passes"] == chapter.step_compute("local_search", 8) * k
    assert chapter.neuron_task().n_examples == 3
    assert chapter.step_compute("gradient") == 3 * 3  # 3 forward + 2 x 3 backward


def test_sin_valleys_are_all_perfect_fits():
    """"With sin the landscape has many valleys, and every one of them is a perfect fit: the marks
    on the map are all the lowest points in the plotted range, equally low, so where you start
    decides which one you reach.\""""
    for loss in ("mse", "mae"):
        valleys = chapter.local_minima("sin", loss)
        assert len(valleys) > 2
        assert all(value < 1e-10 for *_, value in valleys)  # every valley is an exact fit
        marked = call("setup", activation="sin", loss=loss, grid=2)["result"]["minima"]
        assert marked["kind"] == "several" and len(marked["points"]) == len(valleys)
    # different starts reach different valleys, each an exact fit
    ends = set()
    for a, b in [(0.5, 0.3), (-1.5, 2.5), (3.5, -2.5), (-3.5, 0.5)]:
        _, frames = race(a=a, b=b, activation="sin", lr="0.5", max_steps="5000")
        g = frames[-1]["gradient"]
        assert g["loss"] < 1e-9
        ends.add((round(g["a"], 2), round(g["b"], 2)))
    assert len(ends) > 1


def test_other_activations_say_where_the_lowest_loss_lies():
    """"With ReLU, sigmoid, the Gaussian or the binary step the map says where its lowest loss
    lies: on a flat valley floor or plateau, or outside the plotted range.\""""
    for activation in ("relu", "sigmoid", "gaussian", "binary_step"):
        found = call("setup", activation=activation, grid=2)["result"]["minima"]
        assert found["kind"] in ("flat", "outside"), activation
    # ReLU's lowest loss, sin²(1.5)/3 (fit the point at x = 1.5, output 0 for the others), is
    # reached all along a line inside the box: a flat valley floor, not one point
    relu = call("setup", activation="relu", grid=2)["result"]["minima"]
    assert relu["kind"] == "flat"
    assert abs(relu["loss"] - np.sin(1.5) ** 2 / 3) < 1e-12
