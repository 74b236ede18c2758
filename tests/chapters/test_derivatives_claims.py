"""Every outcome docs/derivatives.md states, run with the same settings as its value directives
(through the same chapter functions) and checked against an independent reference: closed forms,
the book's printed number, the reasoning's √ε and ε^(1/3), and counts made at the network.

Each test quotes the sentence it checks.
"""

import json
import math
import re
import sys

import numpy as np
import pytest

from explainer_core import demos, nets, numdiff, train
from explainer_core.chapters import derivatives as chapter
from tests.demos import _demo_client as demo_client

EPS = 2.0**-52
SIN, COS = math.sin(1.0), math.cos(1.0)
# The page's numbers are CPython's (the build). Where a number is made of rounding errors, another
# runtime's libm and BLAS round differently: inside Pyodide it is checked to its order only.
ROUNDING_REL = 0.6 if sys.platform == "emscripten" else 0.05


def call(method, **args):
    out = demo_client.call("derivatives", method, args)
    assert out["ok"], out
    return out["result"]


# ---- A straight line, a curve ------------------------------------------------------------------


def test_straight_line_has_the_same_slope_between_any_two_points():
    """"going from x = 1 to x = 2 takes f from 2 to 4, a slope of 2. Any other pair of points
    gives the same number\""""
    assert (chapter.value_at("linear", 1), chapter.value_at("linear", 2)) == (2.0, 4.0)
    assert chapter.forward_slope("linear", 1, 1) == 2.0
    rng = np.random.default_rng(1)
    for x1, step in zip(rng.uniform(-3, 3, 50), rng.uniform(1e-6, 1, 50)):
        assert chapter.forward_slope("linear", x1, step) == 2.0


def test_the_slope_of_2x_squared_changes():
    """"From x = 1 to x = 2 the slope is 6; from x = 2 to x = 3 it is 10.\""""
    assert chapter.forward_slope("square", 1, 1) == (2 * 2**2 - 2 * 1**2) / 1 == 6
    assert chapter.forward_slope("square", 2, 1) == (2 * 3**2 - 2 * 2**2) / 1 == 10


def test_the_books_number_and_its_error_of_exactly_two_delta():
    """"At x = 1 this gives 4.0001999999987845, the number the book prints. Calculus says the
    slope of 2x² is exactly 4x, here 4, so the estimate is off by 0.0002. For this function the
    error is exactly 2δ\""""
    assert chapter.forward_slope("square", 1, 0.0001) == 4.0001999999987845  # NNFS, chapter 7
    assert chapter.exact_slope("square", 1) == 4.0
    assert chapter.forward_error("square", 1, 0.0001) == pytest.approx(0.0002, rel=1e-8)
    for x in (-2.0, 0.3, 1.0, 2.5):
        for delta in (1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5):
            # 2h for the step h = (x + δ) − x the computer takes, up to the rounding of f
            h = (x + delta) - x
            rounding = 4 * EPS * 2 * (abs(x) + delta) ** 2 / h
            assert chapter.forward_slope("square", x, delta) - chapter.exact_slope("square", x) \
                == pytest.approx(2 * h, abs=rounding)


def test_the_tangent_line():
    """"At x = 1 that gives b = −2.0001999999987845. The true tangent there has m = 4 and
    b = f(1) − 4·1 = −2.\""""
    m, x2 = 4.0001999999987845, 1.0 + 0.0001
    assert chapter.intercept("square", 1) == 2 * x2**2 - m * x2
    assert chapter.intercept("square", 1) == pytest.approx(-2.0002, abs=1e-9)
    assert chapter.tangent_intercept("square", 1) == 2.0 - 4.0 * 1.0 == -2.0


def test_forward_error_falls_like_delta_and_central_like_delta_squared():
    """"A step ten times smaller makes the first error ten times smaller and the second a
    hundred times.\""""
    for f, x in (("sine", 1.0), ("exp", 0.5)):
        fwd = [chapter.forward_error(f, x, d) for d in (1e-2, 1e-3)]
        cen = [chapter.central_error(f, x, d) for d in (1e-2, 1e-3)]
        assert 9.5 < fwd[0] / fwd[1] < 10.5
        assert 95 < cen[0] / cen[1] < 105


def test_central_difference_of_2x_squared_has_only_rounding_error():
    """"For 2x², whose third derivative is zero, the central difference has no such error at all:
    at x = 1 with δ = 0.0001 it gives 3.9999999999988898, off by 1.1 × 10⁻¹², and that little is
    rounding\""""
    assert chapter.central_slope("square", 1, 0.0001) == 3.9999999999988898
    assert chapter.central_error("square", 1, 0.0001) == pytest.approx(1.1e-12, rel=0.01)
    # no truncation: even a huge step is right, apart from rounding ...
    for d in (1.0, 0.5, 0.1):
        assert chapter.central_error("square", 1.3, d) < 1e-14
    # ... and the error at 0.0001 is within the rounding bound ε |f(x ± δ)| / δ
    assert chapter.central_error("square", 1, 0.0001) <= EPS * 2.0004 / 0.0001


# ---- Things to try ---------------------------------------------------------------------------


def test_a_straight_line_is_exact_at_every_x_and_every_delta_of_the_slider():
    """"Pick 2x: both differences are exactly 2 at every x and every δ of the slider, as long as
    x + δ and x − δ differ from x at all\""""
    setup = call("setup")
    low, high, step = setup["slider"]["min"], setup["slider"]["max"], setup["slider"]["step"]
    steps = [10.0 ** e for e in np.arange(low, high + step / 2, step)]
    for x in np.arange(-3.0, 3.01, 0.25):
        for d in steps:
            s = chapter.slope("linear", float(x), d)
            assert s["forward"] == 2.0 or s["lost_forward"]
            assert s["central"] == 2.0 or s["lost_central"]


def test_the_books_curve_on_the_slider():
    """"With 2x² at x = 1, the forward difference is off by 2δ: 0.0002 at δ = 0.0001, 2 at
    δ = 1. The central chord stays parallel to the tangent for every δ.\""""
    assert chapter.forward_error("square", 1, 1) == 2.0
    assert chapter.forward_error("square", 1, 0.0001) == pytest.approx(2e-4, rel=1e-8)
    for e in np.arange(-16, 0.01, 0.25):
        s = chapter.slope("square", 1.0, 10.0**e)
        assert abs(s["central"] - 4.0) < 1e-7, e  # parallel to y = 4x − 2, to the eye and more


def test_a_corner_has_no_single_slope():
    """"Pick |x| and put x at 0: the forward difference says 1, the central difference 0, and
    there is no single slope, because the curve turns a corner there.\""""
    assert chapter.forward_slope("abs", 0) == 1.0 and chapter.central_slope("abs", 0) == 0.0
    shown = call("evaluate", f="abs(x)", x="0", delta="0.0001", curves=False)
    assert shown["outcome"] == "corner" and "no single slope" in shown["message"]
    # the slopes from either side, an independent look: −1 and 1
    assert chapter.forward_slope("abs", -1e-3, 1e-4) == -1 and chapter.forward_slope("abs", 1e-3, 1e-4) == 1


def test_shrinking_delta_on_sin():
    """"Pick sin x and press Shrink δ. The error of the forward difference falls until δ = 10⁻⁸,
    the central difference's until δ = 5.6 × 10⁻⁶; below that both rise again, and at
    δ = 10⁻¹⁶ the forward difference fails: 1 + 10⁻¹⁶ rounds back to 1.\""""
    out, frames = demo_client.run("derivatives", "shrink", {"f": "sin(x)", "x": "1"})
    assert out["ok"] and frames[0]["delta"] == 1.0 and frames[-1]["delta"] == 1e-16
    for method, shown in (("forward", 1e-8), ("central", 5.6e-6)):
        assert chapter.best_delta(method, per_decade=4) == pytest.approx(shown, rel=0.01)
        errors = [f["slope"][f"{method}_error"] for f in frames]
        best = min(range(len(errors)), key=lambda k: math.inf if errors[k] is None else errors[k])
        assert frames[best]["delta"] == chapter.best_delta(method, per_decade=4)
        assert all(a > b for a, b in zip(errors[:best], errors[1:best + 1]))  # falls until there
        later = [e for e in errors[best + 8:] if e is not None]  # two decades on: far higher
        assert later and min(later) > 10 * errors[best]
        # the reasoning's optimum, √(2ε) and (1.5 ε tan 1)^(1/3), within a factor of 3
        assert 1 / 3 < frames[best]["delta"] / chapter.predicted_best_delta(method) < 3
    assert frames[-1]["slope"]["lost_forward"] and frames[-1]["slope"]["forward"] is None
    assert 1.0 + 1e-16 == 1.0
    assert "Forward difference: closest at δ = 10⁻⁸" in frames[-1]["summary"]


def test_counting_a_million_parameters_would_take_hours():
    """"pick 1,000,000 and press Count again: the page estimates how long the whole gradient
    would take (hours), and backpropagation's time beside it. Stop it.\""""
    stream = demos.start(json.dumps({"demo": "derivatives", "method": "count",
                                     "args": {"parameters": "1000000", "method": "central"}}))
    frames = []
    while len(frames) < 3:
        chunk = json.loads(stream.advance(max_frames=1, budget_ms=10_000))
        frames += chunk["frames"]
    stream.close()  # Stop
    last = frames[-1]
    assert not last["finished"] and last["done"] == 3
    # 2,000,000 forward passes of a 1,000,000-parameter network: even CPython's BLAS needs over
    # a quarter of an hour; the page's Python (WebAssembly) is several times slower, and
    # tests/browser/test_derivatives_page.py checks that the page itself says hours
    assert last["eta_seconds"] > 900
    assert re.search(r"about [\d.]+ (minutes|hours|days)", last["stop_text"])
    assert "Backpropagation took" in last["stop_text"]
    assert last["backprop_seconds"] * 1e4 < last["eta_seconds"]


# ---- How small should δ be? --------------------------------------------------------------------


def test_epsilon_and_its_roots():
    """"the gap between 1 and the next number is ε = 2.22 × 10⁻¹⁶ ... of the order of
    √ε ≈ 1.5 × 10⁻⁸ and ε^(1/3) ≈ 6.1 × 10⁻⁶\""""
    assert chapter.epsilon() == EPS == np.nextafter(1.0, 2.0) - 1.0
    assert chapter.sqrt_epsilon() == pytest.approx(1.49e-8, rel=0.01)
    assert chapter.cbrt_epsilon() == pytest.approx(6.06e-6, rel=0.01)


def test_the_error_falls_along_truncation_then_climbs_below_the_rounding_line():
    """"Going right, δ shrinks: the error follows the dashed truncation line down, reaches its
    smallest value, then climbs the dotted rounding line, zigzagging below it\""""
    rows = chapter.error_curve("sine", 1.0)
    for method in numdiff.METHODS:
        best = chapter.best_delta(method)
        truncation = [r for r in rows if best * 100 <= r["delta"] <= 1e-1]
        assert truncation and all(
            r[f"{method}_error"] == pytest.approx(r[f"{method}_truncation"], rel=0.05)
            for r in truncation)
        rounding = [r for r in rows if r["delta"] <= best / 100 and r[f"{method}_error"] is not None]
        ratios = [r[f"{method}_error"] / r[f"{method}_rounding"] for r in rounding]
        assert rounding and max(ratios) <= 1.0 and np.median(ratios) < 0.7
        # zigzag: the error does not fall and rise smoothly on the rounding side
        steps = np.sign(np.diff(np.log([r[f"{method}_error"] for r in rounding])))
        assert np.sum(steps < 0) >= 3


def test_best_deltas_and_their_prediction():
    """"The forward difference is most accurate at δ = 10⁻⁸ (error 3.1 × 10⁻¹⁰), where the closed
    form predicts 2.1 × 10⁻⁸; the central difference at δ = 5.6 × 10⁻⁶ (error 5.7 × 10⁻¹³),
    predicted 8 × 10⁻⁶.\""""
    assert chapter.best_delta("forward") == 1e-8
    assert chapter.best_delta("central") == 5.62e-6
    assert chapter.smallest_error("forward") == pytest.approx(3.1e-10, rel=0.02)
    assert chapter.smallest_error("central") == pytest.approx(5.7e-13, rel=0.02)
    # √(2ε) and (1.5 ε tan 1)^(1/3), written out here
    assert chapter.predicted_best_delta("forward") == pytest.approx(math.sqrt(2 * EPS), rel=1e-6)
    assert chapter.predicted_best_delta("central") == pytest.approx(
        (1.5 * EPS * math.tan(1)) ** (1 / 3), rel=1e-5)
    for method in numdiff.METHODS:
        ratio = chapter.best_delta(method) / chapter.predicted_best_delta(method)
        assert 1 / 3 < ratio < 3
    # the smallest errors are near what the closed form's sum predicts there
    assert chapter.smallest_error("forward") < 2 * math.sqrt(2 * EPS * SIN * SIN)
    # (and the measured minimum is the least error of the curve)
    rows = chapter.error_curve()
    assert min(r["central_error"] for r in rows if r["central_error"] is not None) == \
        chapter.smallest_error("central")


def test_the_smallest_step_is_lost_and_the_library_divides_by_the_step_taken():
    """"At the smallest step, 10⁻¹⁶, the forward difference has no value at all: 1 + 10⁻¹⁶ rounds
    back to 1, the step is lost, and the difference is 0/0. (The library divides by the step the
    computer actually took, (x + δ) − x, rather than by δ\""""
    s = chapter.slope("sine", 1.0, 1e-16)
    assert s["lost_forward"] and s["forward"] is None and s["x_plus"] == 1.0
    x, d = 0.1, 1e-3
    taken = (x + d) - x
    assert taken != d
    assert numdiff.forward_difference(np.sin, x, d) == (math.sin(x + d) - math.sin(x)) / taken


def test_the_networks_gradient_has_the_same_valley():
    """"The same valley appears, deepest near δ = 1.8 × 10⁻⁸ (forward) and 5.6 × 10⁻⁶ (central).\""""
    assert chapter.network_best_delta("forward") == pytest.approx(1.8e-8, rel=0.02)
    assert chapter.network_best_delta("central") == pytest.approx(5.6e-6, rel=0.02)
    for method in numdiff.METHODS:
        assert 1 / 5 < chapter.network_best_delta(method) / chapter.best_delta(method) < 5
    rows = chapter.network_error_curve()
    for method in numdiff.METHODS:
        values = [r["relative_difference"] for r in rows if r["method"] == method]
        best = min(values)
        assert values[0] > 1e4 * best and values[-1] > 1e4 * best


def test_the_books_delta_is_reasonable_and_1e_12_is_not():
    """"At the book's δ = 0.0001 the two gradients agree to 0.00018 (forward) and 8.9 × 10⁻⁹
    (central); at δ = 10⁻¹² only to 0.00052 and 0.00019. So 0.0001 is a reasonable choice and
    10⁻¹² is not\""""
    book = {m: chapter.network_difference_at(m, 1e-4) for m in numdiff.METHODS}
    tiny = {m: chapter.network_difference_at(m, 1e-12) for m in numdiff.METHODS}
    assert book["forward"] == pytest.approx(1.8e-4, rel=0.02)
    assert book["central"] == pytest.approx(8.9e-9, rel=0.02)
    assert tiny["forward"] == pytest.approx(5.2e-4, rel=ROUNDING_REL)
    assert tiny["central"] == pytest.approx(1.9e-4, rel=ROUNDING_REL)
    assert tiny["forward"] > book["forward"] and tiny["central"] > 1e4 * book["central"]
    # the forward difference at the book's δ is its truncation error, ~ δ |f''| / 2: it halves
    # with δ, which the rounding at 1e-12 does not
    assert chapter.network_difference_at("forward", 5e-5) == pytest.approx(book["forward"] / 2, rel=0.02)


def test_error_ratio_of_the_central_difference():
    """"For the central difference of sin at 1, the error at 10⁻¹² is 33,664 times the error at
    0.0001.\""""
    def error(d):
        return abs((math.sin(1 + d) - math.sin(1 - d)) / ((1 + d) - (1 - d)) - COS)

    ratio = chapter.error_ratio("central", 1e-12, 1e-4)
    assert ratio == pytest.approx(error(1e-12) / error(1e-4), rel=1e-6)
    assert round(ratio) == 33664


# ---- What a numerical gradient costs ---------------------------------------------------------


def test_counted_forward_passes_of_10000_parameters():
    """"For 10,000 parameters the forward-difference gradient made 100,010 forward passes and the
    central one 200,000: exactly (D+1)N and 2DN.\""""
    D, N = 10_000, chapter.EXAMPLES
    assert chapter.counted_forward_passes(D, "forward") == (D + 1) * N == 100_010
    assert chapter.counted_forward_passes(D, "central") == 2 * D * N == 200_000
    # the count is the code's own: forward_population's rows times examples, counted at the
    # network for a smaller network (the same code path)
    rows = []
    real = nets.forward_population

    def counting(thetas, *args, **kwargs):
        out = real(thetas, *args, **kwargs)
        rows.append(out.shape[0] * out.shape[1])
        return out

    nets.forward_population = counting
    try:
        *_, last = chapter.gradient_check_steps(1000, "forward")
    finally:
        nets.forward_population = real
    assert sum(rows) == last["forward_passes"] == 1001 * N


def test_formula_for_a_million_parameters():
    """"For 1,000,000 parameters the formula says 10,000,010 and 20,000,000, for one gradient\""""
    D, N = 1_000_000, chapter.EXAMPLES
    assert chapter.formula_forward_passes(D, "forward") == (D + 1) * N == 10_000_010
    assert chapter.formula_forward_passes(D, "central") == 2 * D * N == 20_000_000
    assert nets.param_count(chapter.NETWORKS[D]) == D


def test_chart_counts_up_to_10000_and_uses_the_formula_beyond():
    """"For the sizes up to 10,000 the build ran the numerical gradient and counted every forward
    pass the code made (filled points); beyond, the points are the same formula (hollow).\""""
    assert max(chapter.COUNTED) == 10_000 and set(chapter.COUNTED) < set(chapter.NETWORKS)
    rows = chapter.cost_table(sizes=(10, 100, 100_000))
    assert {r["source"] for r in rows if r["parameters"] == 100_000} == {"formula"}
    assert {r["source"] for r in rows if r["parameters"] == 100 and r["way"] != "backpropagation"} \
        == {"counted"}


def test_the_numerical_gradients_agree_with_backprop():
    """"For 10,000 parameters the central-difference gradient (δ = 10⁻⁶) differs from
    backpropagation's by at most 2.9 × 10⁻¹⁰ of the largest partial derivative, the
    forward-difference one by at most 9.5 × 10⁻⁷ (its truncation error is proportional to δ).\""""
    assert chapter.GRADIENT_DELTA == 1e-6
    central = chapter.gradient_difference(10_000, "central")
    forward = chapter.gradient_difference(10_000, "forward")
    assert central == pytest.approx(2.9e-10, rel=max(0.1, ROUNDING_REL))
    assert forward == pytest.approx(9.5e-7, rel=0.05)
    assert forward > 100 * central


def test_backprop_costs_three_forward_passes_per_example():
    """"this site counts it as exactly 2 forward passes ... So one gradient by backpropagation
    costs 30 forward-pass equivalents on these 10 examples at every size, and the numerical
    gradient of the 1,000,000-parameter network costs 333,334 times as much with forward
    differences, and 666,667 times with central ones.\""""
    N = chapter.EXAMPLES
    assert chapter.backward_cost() == train.BACKWARD_COST == 2
    assert chapter.backprop_compute() == N + 2 * N == 30
    assert chapter.backprop_forward_passes() == N
    assert round(chapter.cost_ratio(1_000_000, "forward")) == round(1_000_001 * N / (3 * N)) == 333_334
    assert round(chapter.cost_ratio(1_000_000, "central")) == round(2_000_000 / 3) == 666_667



def test_backprop_gets_every_partial_derivative_for_three_forward_passes_per_example():
    """"With a backward pass counted as two forward passes (the convention above), that is the
    price of 3 forward passes per example, where the numerical gradient pays D + 1.\""""
    assert chapter.backprop_compute(examples=1) == 1 + train.BACKWARD_COST == 3
    for D in chapter.NETWORKS:
        assert chapter.formula_forward_passes(D, "forward", examples=1) == D + 1
    # and the backprop gradient is every partial derivative: numdiff agrees on each one
    sizes, X, y, theta = chapter.network(100)
    _, backprop = nets.loss_and_grad(theta, sizes, X, y)
    numerical = numdiff.network_numerical_gradient(theta, sizes, X, y, delta=1e-5).grad
    assert backprop.shape == theta.shape and np.allclose(numerical, backprop, rtol=1e-6, atol=1e-9)
