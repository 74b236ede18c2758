"""The chapter module of "Slopes" (explainer_core.chapters.derivatives), against independent
references: closed forms of the functions' derivatives, the book's printed number, numdiff's
own whole-gradient functions, backprop, and forward passes counted at the network itself."""

import math

import numpy as np
import pytest

from explainer_core import nets, numdiff, train
from explainer_core.chapters import derivatives as chapter

EPS = 2.0**-52


def test_slope_of_2x_squared_against_the_closed_forms():
    for x in (-2.5, -1.0, 0.0, 0.7, 1.0, 3.0):
        for delta in (1e-1, 1e-3, 1e-4):
            s = chapter.slope("square", x, delta)
            assert s["exact"] == 4 * x
            assert s["forward"] == pytest.approx(4 * x + 2 * delta, abs=1e-9)
            assert s["central"] == pytest.approx(4 * x, abs=1e-9)
            # the book's b of y = m x + b through (x + δ, f(x + δ))
            x2 = x + delta
            assert s["intercept"] == pytest.approx(2 * x2**2 - s["forward"] * x2, abs=1e-12)
            assert s["tangent_intercept"] == -2 * x**2 + 0.0
            assert s["y"] == 2 * x**2 and not s["corner"] and not s["jump"]


def test_the_books_printed_slope():
    # NNFS chapter 7 prints 4.0001999999987845 for 2x^2 at x = 1 with p2_delta = 0.0001
    assert chapter.forward_slope("square", 1.0, 0.0001) == 4.0001999999987845
    assert chapter.BOOK_DELTA == 0.0001


def test_deltas_run_from_1_to_1e_16_in_equal_steps_of_the_log():
    d = chapter.deltas(8)
    assert d[0] == 1.0 and d[-1] == 1e-16 and len(d) == 16 * 8 + 1
    assert np.all(np.diff(d) < 0)
    assert np.allclose(np.diff(np.log10(d)), -1 / 8, atol=2e-3)  # 3 significant digits
    assert all(float(f"{v:.3g}") == v for v in d)
    assert list(chapter.deltas(4))[:5] == [1.0, 0.562, 0.316, 0.178, 0.1]


@pytest.mark.parametrize("f, x, second, third", [
    ("sine", 1.0, -math.sin(1), -math.cos(1)),
    ("exp", 0.3, math.exp(0.3), math.exp(0.3)),
    ("x^3", -1.2, 6 * -1.2, 6.0),
    ("square", 2.0, 4.0, 0.0),
    ("linear", 0.5, 0.0, 0.0),
])
def test_higher_derivatives(f, x, second, third):
    f2, f3 = chapter.higher_derivatives(f, x)
    assert f2 == pytest.approx(second, rel=1e-7, abs=1e-12)
    assert f3 == pytest.approx(third, rel=1e-5, abs=1e-12)


def test_error_curve_of_sin_follows_its_two_predicted_parts():
    rows = chapter.error_curve("sine", 1.0)
    for r in rows:
        d = r["delta"]
        assert r["forward_truncation"] == pytest.approx(math.sin(1) * d / 2, rel=1e-6)
        assert r["central_truncation"] == pytest.approx(math.cos(1) * d * d / 6, rel=1e-4)
        assert r["forward_rounding"] == pytest.approx(EPS * math.sin(1) / d)
        assert r["central_rounding"] == pytest.approx(EPS * math.sin(1) / (2 * d))
        exact_f = abs((math.sin(1 + d) - math.sin(1)) / ((1 + d) - 1) - math.cos(1)) if 1 + d != 1 else None
        if exact_f is not None:
            assert r["forward_error"] == pytest.approx(exact_f, rel=1e-9, abs=1e-16)
        # where truncation dominates, the error is the truncation part (to the next Taylor term)
        if 1e-5 <= d <= 1e-2:
            assert r["forward_error"] == pytest.approx(r["forward_truncation"], rel=0.02)
        if 1e-3 <= d <= 3e-2:
            assert r["central_error"] == pytest.approx(r["central_truncation"], rel=0.02)
    assert rows[-1]["lost_forward"] and rows[-1]["forward_error"] is None


def test_predicted_best_deltas_for_sin_at_1_are_the_closed_forms():
    assert chapter.predicted_best_delta("forward") == pytest.approx(math.sqrt(2 * EPS), rel=1e-6)
    assert chapter.predicted_best_delta("central") == pytest.approx(
        (1.5 * EPS * math.tan(1)) ** (1 / 3), rel=1e-5)
    with pytest.raises(ValueError, match="third derivative is 0"):
        chapter.predicted_best_delta("central", "square", 1.0)


def test_networks_have_exactly_their_parameter_counts_and_fixed_data():
    for D, sizes in chapter.NETWORKS.items():
        assert nets.param_count(sizes) == D
    a, b = chapter.network(100, seed=3), chapter.network(100, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a[1:], b[1:]))
    sizes, X, y, theta = a
    assert X.shape == (chapter.EXAMPLES, 9) and np.array_equal(y, np.sin(X.sum(1, keepdims=True)))


def test_relative_difference():
    assert chapter.relative_difference([1.0, 2.1], [1.0, 2.0]) == pytest.approx(0.05)
    assert math.isnan(chapter.relative_difference([1.0], [0.0]))


@pytest.mark.parametrize("method", numdiff.METHODS)
def test_streamed_gradient_is_numdiffs_and_counts_every_forward_pass(method, monkeypatch):
    # small blocks, so the gradient takes several frames and a forward difference would count
    # the loss at theta once per block if it were not remembered
    monkeypatch.setattr(chapter, "BLOCK_NUMBERS", 1000)
    rows = []
    real = nets.forward_population

    def counting(thetas, *args, **kwargs):  # every network evaluation, at the network itself
        out = real(thetas, *args, **kwargs)
        rows.append(out.shape[0] * out.shape[1])
        return out

    monkeypatch.setattr(nets, "forward_population", counting)
    frames = list(chapter.gradient_check_steps(1000, method))
    D, N = 1000, chapter.EXAMPLES
    assert len(frames) == math.ceil(D / (1000 // D or 1)) and frames[-1]["finished"]
    assert [f["done"] for f in frames] == sorted({f["done"] for f in frames})
    passes = (D + 1) * N if method == "forward" else 2 * D * N
    assert frames[-1]["forward_passes"] == sum(rows) == passes == frames[-1]["formula_passes"]
    monkeypatch.setattr(nets, "forward_population", real)
    # the same numbers numdiff's whole-gradient function gives, and close to backprop's
    sizes, X, y, theta = chapter.network(1000)
    whole = numdiff.network_numerical_gradient(theta, sizes, X, y, delta=chapter.GRADIENT_DELTA,
                                               method=method)
    _, backprop = nets.loss_and_grad(theta, sizes, X, y)
    expected = chapter.relative_difference(whole.grad, backprop)
    assert frames[-1]["relative_difference"] == pytest.approx(expected, rel=1e-3, abs=1e-13)
    assert frames[-1]["relative_difference"] < (1e-5 if method == "forward" else 1e-8)
    assert frames[-1]["backprop_compute"] == N + train.BACKWARD_COST * N


def test_cost_table_counts_what_it_ran_and_computes_the_rest():
    rows = chapter.cost_table(sizes=(10, 100, 100_000), counted=(10, 100))
    for r in rows:
        D, N = r["parameters"], chapter.EXAMPLES
        if r["way"] == "backpropagation":
            assert r["passes"] == 3 * N and r["source"] == "formula"
            continue
        method = r["way"].split(", ")[1].split()[0]
        assert r["passes"] == numdiff.forward_passes_numerical(D, N, method)
        assert r["source"] == ("counted" if D in (10, 100) else "formula")
        assert (r["relative_difference"] is not None) == (D in (10, 100))


def test_network_error_curve_is_a_valley():
    rows = chapter.network_error_curve(100)
    for method in numdiff.METHODS:
        values = [r["relative_difference"] for r in rows if r["method"] == method]
        best = min(v for v in values if v is not None)
        assert values[0] > 1e3 * best and values[-1] > 1e3 * best


@pytest.mark.parametrize("call, arg", [
    (lambda: chapter.network(12345), "parameters"),
    (lambda: chapter.network(100, seed=-1), "seed"),
    (lambda: chapter.slope("square", 1.0, 0.0), "delta"),
    (lambda: chapter.slope("square", float("nan")), "x"),
    (lambda: chapter.slope("nope(x)"), "expression"),
    (lambda: chapter.best_delta("backward"), "method"),
    (lambda: next(chapter.gradient_check_steps(100, "sideways")), "method"),
])
def test_bad_arguments_are_named(call, arg):
    with pytest.raises((ValueError, TypeError)) as error:
        call()
    assert error.value.arg == arg
