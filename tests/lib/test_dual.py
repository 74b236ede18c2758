"""Exact derivatives of a formula by dual numbers, checked against closed forms and against
central differences (an independent reference: no rule of calculus involved)."""

import math

import numpy as np
import pytest

from explainer_core import dual, expr

X = np.linspace(-2.3, 2.1, 23) + 0.013  # no point exactly at 0 or at a whole number


@pytest.mark.parametrize(
    "formula, exact",
    [
        ("2*x", lambda x: 2.0 + 0 * x),
        ("2*x^2", lambda x: 4 * x),
        ("x**3 - x", lambda x: 3 * x**2 - 1),
        ("-x / 4 + 7", lambda x: -0.25 + 0 * x),
        ("sin(3*x) + 0.5*x^2", lambda x: 3 * np.cos(3 * x) + x),
        ("exp(-x^2/2) * cos(pi*x)",
         lambda x: -x * np.exp(-x**2 / 2) * np.cos(np.pi * x)
         - np.pi * np.exp(-x**2 / 2) * np.sin(np.pi * x)),
        ("1 / (1 + x^2)", lambda x: -2 * x / (1 + x**2) ** 2),
        ("2^x", lambda x: np.log(2) * 2**x),
        ("e^x", np.exp),
        ("x^(-2)", lambda x: -2 * x**-3.0),
    ],
)
def test_closed_forms(formula, exact):
    out = dual.derivative(formula, X)
    assert np.allclose(out.slope, exact(X), rtol=1e-13, atol=1e-13)
    assert np.array_equal(out.value, expr.compile_expression(formula)(x=X))
    assert not out.corner.any() and not out.jump.any()


def test_x_to_the_x_where_it_is_defined():
    x = np.array([0.3, 1.0, 2.5])
    assert np.allclose(dual.derivative("x^x", x).slope, x**x * (np.log(x) + 1), rtol=1e-14)


@pytest.mark.parametrize("name", sorted(expr.FUNCTIONS))
def test_every_function_expr_offers_has_a_rule_that_matches_central_differences(name):
    # the chain rule too: g(1.3 x + 0.2), away from every function's corner or jump
    formula = f"{name}(1.3*x + 0.2)"
    x = np.array([-1.7, -0.9, -0.41, 0.37, 0.83, 1.44]) if name not in ("log", "sqrt") \
        else np.array([0.37, 0.83, 1.44, 2.9])
    out = dual.derivative(formula, x)
    f = expr.compile_expression(formula)
    h = 1e-6
    reference = (f(x=x + h) - f(x=x - h)) / (2 * h)
    assert np.allclose(out.slope, reference, rtol=1e-7, atol=1e-8), name
    assert name in dual.RULES


def test_the_power_rule_keeps_negative_bases_with_whole_exponents():
    assert dual.derivative("x^3", -2.0).slope == 12.0
    assert dual.derivative("x^2", -1.5).slope == -3.0
    assert dual.derivative("x^0", -1.5).slope == 0.0


def test_a_constant_piece_adds_no_slope_even_where_its_own_rule_is_infinite():
    out = dual.derivative("x + sqrt(0)", np.array([1.0, 2.0]))
    assert np.array_equal(out.slope, [1.0, 1.0])


def test_vertical_tangent_and_undefined_points():
    assert dual.derivative("sqrt(x)", 0.0).slope == math.inf
    out = dual.derivative("log(x)", -1.0)
    assert math.isnan(out.value) and math.isnan(out.slope)


def test_corners_and_jumps_are_flagged_only_where_they_are():
    x = np.array([-1.0, 0.0, 1.0])
    assert dual.derivative("abs(x)", x).corner.tolist() == [False, True, False]
    assert dual.derivative("relu(x - 1)", x).corner.tolist() == [False, False, True]
    assert dual.derivative("step(x)", x).jump.tolist() == [False, True, False]
    assert dual.derivative("sign(x) + floor(x)", np.array([0.5, 1.0])).jump.tolist() == [False, True]
    # a corner of a constant piece is no corner of f
    assert not dual.derivative("x + abs(0)", x).corner.any()
    # the slopes on either side of a corner, and the convention at it
    assert dual.derivative("abs(x)", x).slope.tolist() == [-1.0, 0.0, 1.0]


def test_bad_formulas_name_the_expression():
    with pytest.raises(ValueError, match="unknown name") as info:
        dual.derivative("abc", 1.0)
    assert info.value.arg == "expression"
    with pytest.raises(TypeError):
        dual.derivative(3, 1.0)


def test_shapes_follow_x():
    assert dual.derivative("3", np.zeros((2, 3))).slope.shape == (2, 3)
    assert dual.derivative("x", 0.5).value.shape == ()
