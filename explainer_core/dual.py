"""Exact derivatives of a reader's formula by forward-mode automatic differentiation.

A formula checked by `expr.parse` ("2*x^2", "sin(3*x) + exp(-x)") is evaluated on *dual
numbers* (u, u'): every node of its syntax tree carries its value and its derivative with
respect to x, and each operation applies its own rule of calculus,

    (u + v)' = u' + v'          (u v)' = u' v + u v'          (u / v)' = (u' v - u v') / v^2
    (u^c)'   = c u^(c-1) u'     (a^v)' = a^v ln(a) v'          (u^v)'   = u^v (v' ln u + v u' / u)
    g(u)'    = g'(u) u'         (the chain rule, with g' from RULES)

so the slope comes out of the same pass that computes the value, with no step δ and no
cancellation: it is the derivative calculus gives, rounded like any floating-point result
(Wengert 1964; Griewank & Walther, "Evaluating Derivatives", 2nd ed., SIAM 2008, ch. 3).
Backpropagation is the same bookkeeping run backwards (reverse mode).

Where the formula is not smooth the rule there is a convention, and the answer says so:
`corner` marks points where abs or relu sits exactly at 0 (the curve is continuous but its
slope jumps: "may have no single slope"), `jump` where sign, step or floor sits exactly at a
jump (the curve itself breaks: no slope at all).
"""

from __future__ import annotations

import ast
from typing import Callable, NamedTuple

import numpy as np

from . import activations, expr, validate

Array = np.ndarray


class Derivative(NamedTuple):
    value: Array  # f(x)
    slope: Array  # f'(x) by the rules of calculus (NaN where f or a rule is undefined)
    corner: Array  # bool: abs/relu exactly at 0 somewhere in the formula (slope may not exist)
    jump: Array  # bool: sign/step/floor exactly at a jump (f is not continuous: no slope)


# g'(u) for every function `expr` offers, from u and g(u) (already computed)
RULES: dict[str, Callable[[Array, Array], Array]] = {
    "sin": lambda u, g: np.cos(u),
    "cos": lambda u, g: -np.sin(u),
    "tan": lambda u, g: 1.0 + g * g,  # 1 / cos^2 u
    "exp": lambda u, g: g,
    "log": lambda u, g: 1.0 / u,
    "sqrt": lambda u, g: 0.5 / g,
    "abs": lambda u, g: np.sign(u),
    "tanh": lambda u, g: 1.0 - g * g,
    "sinh": lambda u, g: np.cosh(u),
    "cosh": lambda u, g: np.sinh(u),
    "arctan": lambda u, g: 1.0 / (1.0 + u * u),
    "sign": lambda u, g: np.zeros_like(u),
    "floor": lambda u, g: np.zeros_like(u),
    "sigmoid": lambda u, g: g * (1.0 - g),
    "relu": lambda u, g: activations.get("relu").df(u),
    "gaussian": lambda u, g: activations.get("gaussian").df(u),
    "step": lambda u, g: activations.get("binary_step").df(u),
}

# where each non-smooth function breaks: u at a corner (continuous) or at a jump
CORNERS: dict[str, Callable[[Array], Array]] = {
    "abs": lambda u: u == 0.0,
    "relu": lambda u: u == 0.0,
}
JUMPS: dict[str, Callable[[Array], Array]] = {
    "sign": lambda u: u == 0.0,
    "step": lambda u: u == 0.0,
    "floor": lambda u: u == np.floor(u),
}


class _Dual(NamedTuple):
    value: Array
    slope: Array
    corner: Array
    jump: Array


def _uses(node: ast.AST, variable: str) -> bool:
    """Whether the subtree mentions `variable` (else it is a constant of the formula)."""
    return any(isinstance(n, ast.Name) and n.id == variable for n in ast.walk(node))


def _chain(du: Array, rate: Array) -> Array:
    """rate * du, with 0 where du is 0: a constant sub-formula contributes no slope even where
    the outer rule is infinite (sqrt(0) in x + sqrt(0))."""
    return np.where(du == 0.0, 0.0, rate * du)


def _power(node: ast.BinOp, u: _Dual, v: _Dual, variable: str) -> Array:
    value = np.power(u.value, v.value)
    if not _uses(node.right, variable):  # u^c: the power rule, fine for negative u and whole c
        c = v.value
        return np.where(c == 0.0, 0.0, _chain(u.slope, c * np.power(u.value, c - 1.0)))
    if not _uses(node.left, variable):  # a^v
        return _chain(v.slope, value * np.log(u.value))
    return value * (v.slope * np.log(u.value) + v.value * u.slope / u.value)


def _walk(node: ast.AST, x: Array, variable: str) -> _Dual:
    # constants stay numpy scalars, as in expr's own evaluation, so that every value (x^2
    # included, which numpy computes as x*x for a scalar exponent) is the one expr gives
    none = np.False_
    if isinstance(node, ast.Constant):
        return _Dual(np.float64(node.value), np.float64(0.0), none, none)
    if isinstance(node, ast.Name):
        if node.id == variable:
            return _Dual(x, np.ones(x.shape), none, none)
        return _Dual(np.float64(expr.CONSTANTS[node.id]), np.float64(0.0), none, none)
    if isinstance(node, ast.UnaryOp):
        u = _walk(node.operand, x, variable)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return _Dual(sign * u.value, sign * u.slope, u.corner, u.jump)
    if isinstance(node, ast.BinOp):
        u, v = _walk(node.left, x, variable), _walk(node.right, x, variable)
        corner, jump = u.corner | v.corner, u.jump | v.jump
        if isinstance(node.op, ast.Add):
            return _Dual(u.value + v.value, u.slope + v.slope, corner, jump)
        if isinstance(node.op, ast.Sub):
            return _Dual(u.value - v.value, u.slope - v.slope, corner, jump)
        if isinstance(node.op, ast.Mult):
            slope = _chain(u.slope, v.value) + _chain(v.slope, u.value)
            return _Dual(u.value * v.value, slope, corner, jump)
        if isinstance(node.op, ast.Div):
            slope = (_chain(u.slope, v.value) - _chain(v.slope, u.value)) / (v.value * v.value)
            return _Dual(u.value / v.value, slope, corner, jump)
        # ast.Pow, the only operator left after expr's check
        return _Dual(np.power(u.value, v.value), _power(node, u, v, variable), corner, jump)
    # ast.Call of a function in expr.FUNCTIONS, the only node left after expr's check
    name = node.func.id
    u = _walk(node.args[0], x, variable)
    g = expr.FUNCTIONS[name](u.value)
    moving = u.slope != 0.0
    corner = u.corner | (CORNERS[name](u.value) & moving if name in CORNERS else False)
    jump = u.jump | (JUMPS[name](u.value) & moving if name in JUMPS else False)
    slope = _chain(u.slope, RULES[name](u.value, g))
    return _Dual(g, np.where(np.isnan(g), np.nan, slope), corner, jump)  # no slope where no g


def derivative(formula, x, variable: str = "x") -> Derivative:
    """f(x) and f'(x) of the formula `formula` (text, checked by `expr.parse`) at x (any shape).

    The value is what `expr.compile_expression(formula)` gives; overflow and undefined
    operations give inf or NaN quietly, as there.
    """
    tree = expr.parse(formula, (variable,))
    x = validate.float_array("x", x, allow_nan=True)
    with np.errstate(all="ignore"):
        out = _walk(tree.body, x, variable)
        value = np.broadcast_to(np.asarray(out.value, dtype=np.float64), x.shape).copy()
        slope = np.broadcast_to(np.asarray(out.slope, dtype=np.float64), x.shape).copy()
        slope[np.isnan(value)] = np.nan
    return Derivative(value, slope, np.broadcast_to(out.corner, x.shape).copy(),
                      np.broadcast_to(out.jump, x.shape).copy())
