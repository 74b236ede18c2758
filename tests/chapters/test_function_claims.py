"""Every outcome docs/function.md states, run with the same settings as the page's directives.

Each test quotes the sentence it checks. "Things to try" runs the demo as the page does (its
`knobs`, `evaluate` and `fit` entry points); the chart's sentences run `chapter.best_error`, the
function behind both the chart and the numbers in the text.
"""

import numpy as np
import pytest

from explainer_core import nets, shallow
from explainer_core.chapters import function as chapter
from tests.demos import _demo_client as demo_client

TARGETS = list(chapter.TARGETS)


def call(method, **args):
    out = demo_client.call("function", method, args)
    assert out["ok"], out
    return out["result"]


def press_fit(target, width, knobs, activation="tanh"):
    """One press of Fit on the page: the last frame."""
    out, frames = demo_client.run("function", "fit", {
        "expression": chapter.TARGETS[target], "activation": activation, "width": str(width),
        "knobs": knobs, "every": 500}, max_frames=10_000)
    assert out["ok"], out
    return frames[-1]


def with_theta(knobs, theta):
    n = shallow.width_of(theta)
    knobs = {k: list(v) if isinstance(v, list) else v for k, v in knobs.items()}
    for k, kind in enumerate("wbv"):
        knobs[kind][:n] = list(theta[k * n:(k + 1) * n])
    knobs["c"] = float(theta[-1])
    return knobs


def best(target, width, activation="tanh"):
    return chapter.best_error(target, activation, width)


def test_parameter_counts():
    """"a 1–n–1 network has D = 3n + 1 parameters: 4 for one neuron, 49 for 16 and 193 for 64";
    "a layer from n_in inputs to n_out neurons has (n_in + 1) n_out parameters\""""
    for width, count in ((1, 4), (16, 49), (64, 193)):
        assert chapter.parameter_count(width) == count == nets.param_count([1, width, 1])
        assert count == (1 + 1) * width + (width + 1) * 1  # the layer rule, layer by layer


def test_one_neuron_cannot_make_a_wave_and_more_neurons_go_further():
    """"With the sine and 1 neuron, Fit ends at a loss of …: one step cannot follow two waves.
    With the starting 3 neurons it ends at …, with 16 at …\""""
    knobs = call("knobs", seed=0)  # the page's starting knobs
    ends = {w: press_fit("sine", w, knobs)["loss"] for w in (1, 3, 16)}
    for width, loss in ends.items():
        assert loss == chapter.fit_loss("sine", width)  # the number the page prints
    assert ends[1] > 0.3  # most of the sine's spread (its mean square is 0.5) is left
    assert best("sine", 1) > 0.3  # and from no start does one neuron do much better
    assert ends[1] > 10 * ends[3] and ends[3] > 100 * ends[16]


def test_a_bump_is_two_steps_found_after_a_plateau():
    """"From the starting knobs one press of Fit ends at …, and for most of its 2000 steps the loss
    hardly moves: a plateau. Press Fit again and it ends at …, one step up and one step down. …
    one press twice as long would still end at …\""""
    knobs = call("knobs", seed=0)  # the page's starting knobs
    first = press_fit("bump", 2, knobs)
    assert first["loss"] == chapter.fit_loss("bump", 2) > 0.05
    losses = chapter.fit_losses("bump", 2)
    assert losses[-1] == first["loss"]
    assert losses[chapter.STEPS // 4] < 1.02 * losses[-1]  # the last three quarters: under 2 %
    second = press_fit("bump", 2, with_theta(knobs, np.array(first["theta"])))
    assert second["loss"] == chapter.fit_loss("bump", 2, presses=2) < 1e-4
    w, _, v, _ = shallow.split(np.array(second["theta"]))
    heights = v * np.sign(w)  # a tanh piece rises by 2 v_j as x grows when w_j > 0
    assert heights[0] * heights[1] < 0  # one step up, one step down
    # the same number of steps in one press stays on the plateau
    assert chapter.fit_loss("bump", 2, steps=2 * chapter.STEPS) > 0.05


def test_abs_is_two_relu_neurons():
    """"max(0, x) + max(0, −x) = |x|, and at exactly these values the loss is 0\""""
    knobs = with_theta(call("knobs", seed=0), np.array(chapter.ABS_KNOBS))
    result = call("evaluate", expression="abs(x)", activation="relu", width="2", knobs=knobs)
    assert result["loss"] == chapter.abs_from_two_relus() == 0.0


def test_bad_formula_and_width_messages():
    """"type sin(3*y) and the message says where: at character 7, sin(3*»y«). A number of neurons
    outside 1–64 is refused with the range.\""""
    out = demo_client.call("function", "target", {"expression": "sin(3*y)"})
    assert "'y' at character 7: sin(3*»y«)" in out["error"]["message"]
    for typed in ("0", "65"):
        out = demo_client.call("function", "evaluate", {"width": typed})
        assert "[1, 64]" in out["error"]["message"] and out["error"]["arg"] == "neurons"


def test_more_neurons_allow_more_complex_curves():
    """"More neurons allow more complex curves. With tanh neurons the sine's error falls from … with
    one neuron to … with 16, … times lower; |x| falls from … to …\""""
    for activation in ("tanh", "relu"):
        for target in TARGETS:  # every line of the chart ends lower than it starts
            assert best(target, 64, activation) < best(target, 1, activation)
    assert chapter.error_drop("sine", "tanh", 1, 16) == best("sine", 1) / best("sine", 16) > 1000
    assert best("abs", 16) < best("abs", 1) / 1000


def test_the_bump_needs_two_tanh_neurons():
    """"The bump needs exactly two: one tanh neuron leaves an error of …, two reach …\""""
    assert best("bump", 1) > 0.05 and best("bump", 2) < 1e-4


def test_what_is_easy_depends_on_the_pieces():
    """"For ReLU neurons |x| is the easy one: two neurons reach …, where two tanh neurons reach …
    For tanh neurons the step is the easy one: a single neuron is already a step, with an error of
    …, and 64 neurons do only … times better.\""""
    assert best("abs", 2, "relu") == min(best(t, 2, "relu") for t in TARGETS)
    assert best("abs", 2, "relu") < best("abs", 2, "tanh") / 100
    assert best("step", 1) == min(best(t, 1) for t in TARGETS)
    assert 1 < chapter.error_drop("step", "tanh", 1, 64) < 5


def test_the_step_lacks_steepness_not_pieces():
    """"training made the neuron's weight …, and the same neuron made 10 times steeper (its weight
    and bias times 10, so it rises at the same place) has an error of …\""""
    loss, theta = chapter.best_fit("step", "tanh", 1)
    w, b, _, _ = shallow.split(theta)
    assert chapter.fitted_weight() == abs(w[0]) < 20
    steeper = theta.copy()
    steeper[:2] *= 10
    assert -steeper[1] / steeper[0] == pytest.approx(-b[0] / w[0], rel=1e-12)  # the same place
    assert chapter.steeper_error() == chapter.mse(steeper, "step(x)") < loss / 10


def test_rising_lines_are_training_not_the_network():
    """"Some lines rise at the right. That is training, not the network: a network with 64 neurons
    can copy one with 2 exactly … Yet for |x| with ReLU neurons, training ended at … with 64
    neurons, above the … it reached with 2\""""
    rising = [(t, a) for a in ("tanh", "relu") for t in TARGETS
              if best(t, 64, a) > min(best(t, w, a) for w in chapter.WIDTHS)]
    assert len(rising) >= 2
    loss2, theta2 = chapter.best_fit("abs", "relu", 2)
    copied = chapter.embed(theta2, 64)
    x = np.linspace(-3, 3, 1001)
    assert np.allclose(chapter.curve(copied, "relu", x), chapter.curve(theta2, "relu", x), rtol=0, atol=1e-14)
    assert chapter.mse(copied, "abs(x)", "relu") == pytest.approx(loss2, rel=1e-12)
    assert best("abs", 64, "relu") > 10 * loss2


def test_knobs_set_by_hand_join_the_dots():
    """"for the sine, 16 neurons joined this way leave an error of … and 64 leave …, … times lower.
    Training 64 ReLU neurons reached only …\""""
    e16, e64 = chapter.interpolant_error("sine", 16), chapter.interpolant_error("sine", 64)
    assert chapter.interpolant_drop() == e16 / e64
    # straight segments 4 times shorter: the error of each 4^2 times smaller, its square 4^4
    assert 150 < e16 / e64 < 400
    assert best("sine", 64, "relu") > 10 * e64


def test_outside_the_interval_the_network_does_what_its_pieces_do():
    """"Outside [−3, 3] the network does whatever its pieces do there, whatever the target does.\""""
    _, theta = chapter.best_fit("sine", "tanh", 16)
    inside = chapter.curve(theta, "tanh")
    assert np.max(np.abs(inside - np.sin(2 * chapter.X))) < 0.05
    far = np.linspace(4, 8, 200)
    outside = chapter.curve(theta, "tanh", far)
    assert np.max(np.abs(outside - np.sin(2 * far))) > 0.5
    # tanh pieces level off: the network tends to a constant while the sine keeps waving
    assert np.ptp(chapter.curve(theta, "tanh", np.linspace(50, 60, 50))) < 1e-6
