"""The chapter module of "A network is a function with knobs" against independent references:
closed forms of the targets, `nets`' forward pass, numpy's interpolation, small runs."""

import numpy as np
import pytest

from explainer_core import nets
from explainer_core.chapters import function as chapter

CLOSED_FORMS = {
    "sine": lambda x: np.sin(2 * x),
    "step": lambda x: (x >= 0).astype(float),
    "abs": np.abs,
    "bump": lambda x: np.exp(-x * x),
}


def test_the_samples():
    x = chapter.X
    assert x.size == chapter.SAMPLES and (x[0], x[-1]) == chapter.DOMAIN
    assert np.allclose(np.diff(x), 6 / (chapter.SAMPLES - 1)) and not np.any(x == 0)


@pytest.mark.parametrize("target", chapter.TARGETS)
def test_named_targets_are_their_closed_forms(target):
    y = chapter.target_values(chapter.target_expression(target))
    assert np.allclose(y, CLOSED_FORMS[target](chapter.X), rtol=1e-15, atol=0)


@pytest.mark.parametrize("width", [1, 3, 16, 64])
def test_parameter_count_is_3n_plus_1_as_nets_counts(width):
    assert chapter.parameter_count(width) == nets.param_count([1, width, 1]) == 3 * width + 1


@pytest.mark.parametrize("text, words", [
    ("sin(3*y)", "at character 7"),
    ("log(x)", "not a finite number at x = -3"),
    ("1/(x-x)", "not a finite number"),
    ("exp(x^2)", "keep it between -100 and 100"),
    ("", "empty"),
])
def test_bad_formulas_are_refused_by_name_with_a_reason(text, words):
    with pytest.raises(ValueError) as error:
        chapter.target_values(text)
    assert error.value.arg == "expression" and words in str(error.value)


@pytest.mark.parametrize("activation", chapter.ACTIVATIONS)
def test_curve_is_nets_forward_and_the_sum_of_its_pieces(activation):
    theta = chapter.initial_params(5, seed=3)
    out = chapter.curve(theta, activation)
    reference = nets.forward(theta, [1, 5, 1], chapter.X[:, None], activation)[:, 0]
    assert np.allclose(out, reference, rtol=1e-13, atol=1e-13)
    assert np.allclose(chapter.pieces(theta, activation).sum(axis=0) + theta[-1], out, atol=1e-13)


def test_initial_knobs_are_drawn_neuron_by_neuron():
    wide = chapter.initial_params(64, seed=7)
    narrow = chapter.initial_params(3, seed=7)
    w, b, v = (wide[k * 64:k * 64 + 3] for k in range(3))
    assert np.array_equal(np.concatenate([w, b, v, [0.0]]), narrow)
    # every neuron bends somewhere on the plot, with a slope of 0.5 to 3 either way
    ww, bb, vv = (wide[k * 64:(k + 1) * 64] for k in range(3))
    assert np.all((np.abs(ww) >= 0.5) & (np.abs(ww) <= 3)) and np.all(np.abs(vv) <= 1)
    assert np.all(np.abs(-bb / ww) <= 3) and wide[-1] == 0
    assert not np.array_equal(chapter.initial_params(3, seed=7, restart=1), narrow)


def test_a_wider_network_can_copy_a_narrower_one_exactly():
    theta = chapter.initial_params(4, seed=1)
    wide = chapter.embed(theta, 64)
    for activation in chapter.ACTIVATIONS:
        assert np.array_equal(chapter.curve(wide, activation), chapter.curve(theta, activation))


@pytest.mark.parametrize("target", ["sine", "bump", "abs"])
def test_the_relu_interpolant_joins_the_dots(target):
    for width in (4, 16):
        theta = chapter.relu_interpolant(target, width)
        knots = np.linspace(-3, 3, width + 1)
        y_knots = CLOSED_FORMS[target](knots)
        # numpy's straight-line interpolation through the same dots: an independent reference
        assert np.allclose(chapter.curve(theta, "relu"), np.interp(chapter.X, knots, y_knots), atol=1e-12)
        assert np.allclose(chapter.curve(theta, "relu", knots), y_knots, atol=1e-12)


def test_abs_is_two_relus():
    assert chapter.abs_from_two_relus() == 0.0


def test_fit_run_is_adam_from_the_knobs_and_ends_with_an_outcome():
    theta = chapter.initial_params(3, seed=0)
    records = list(chapter.fit_run(theta, "sin(2*x)", "tanh", steps=30))
    assert [r["step"] for r in records] == list(range(31))
    assert records[-1]["outcome"] == "step_limit" and all(r["outcome"] is None for r in records[:-1])
    assert records[0]["loss"] == chapter.mse(theta, "sin(2*x)") and np.array_equal(records[0]["theta"], theta)
    assert records[-1]["loss"] < records[0]["loss"]
    # a target the knobs already match exactly converges at step 0
    exact = list(chapter.fit_run(np.array(chapter.ABS_KNOBS), "abs(x)", "relu"))
    assert len(exact) == 1 and exact[0]["outcome"] == "converged"


def test_best_fit_keeps_the_lowest_loss_of_every_start_and_step():
    loss, theta = chapter.best_fit("bump", "tanh", 2, steps=25, restarts=2)
    assert loss == pytest.approx(chapter.mse(theta, "exp(-x^2)"), rel=1e-12)
    for restart in range(2):
        start = chapter.initial_params(2, 0, restart)
        run = [r["loss"] for r in chapter.fit_run(start, "exp(-x^2)", "tanh", steps=25)]
        assert loss <= min(run)
    assert loss == pytest.approx(min(min(r["loss"] for r in chapter.fit_run(
        chapter.initial_params(2, 0, k), "exp(-x^2)", "tanh", steps=25)) for k in range(2)), rel=1e-10)


def test_seeds_and_widths_are_checked_by_name():
    with pytest.raises(ValueError) as error:
        chapter.best_fit(width=65)
    assert error.value.arg == "neurons"
    with pytest.raises(ValueError) as error:
        chapter.fit_loss(seed=-1)
    assert error.value.arg == "seed"
    with pytest.raises(ValueError) as error:
        chapter.best_errors("swish")
    assert error.value.arg == "activation"
