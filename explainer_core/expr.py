"""A safe parser for a reader's target function, like "sin(3*x) + 0.5*x^2".

The text is parsed by Python's `ast` (never `eval`) and every node is checked against a short
list: numbers, the variables, `pi` and `e`, + - * / ** (and ^ as a synonym for **), unary
minus, and calls of the functions in `FUNCTIONS` with one argument. Anything else (attributes,
subscripts, names, keywords, strings, lambdas, comprehensions, ...) is a ValueError that says
what is allowed. The checked tree is evaluated with numpy on whole arrays.

    f = compile_expression("sin(3*x) + 0.5*x^2")
    y = f(x=np.linspace(-1, 1, 101))
"""

from __future__ import annotations

import ast
from typing import Callable, Sequence

import numpy as np

from . import activations, validate

Array = np.ndarray

MAX_LENGTH = 200


FUNCTIONS: dict[str, Callable[[Array], Array]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arctan": np.arctan,
    "sign": np.sign,
    "floor": np.floor,
    "sigmoid": activations.get("sigmoid").f,
    "relu": activations.get("relu").f,
    "gaussian": activations.get("gaussian").f,
    "step": activations.get("binary_step").f,
}

CONSTANTS = {"pi": np.pi, "e": np.e}

_BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_UNARY = {ast.USub: np.negative, ast.UAdd: np.positive}


def _allowed(variables: Sequence[str]) -> str:
    return (
        f"numbers, the variable(s) {', '.join(variables)}, pi, e, + - * / ^ ** and parentheses, "
        f"and the functions {', '.join(FUNCTIONS)}"
    )


def _fail(text: str, reason: str, variables: Sequence[str]):
    raise validate.ArgumentValueError(
        "expression", f"expression {text!r}: {reason}; allowed: {_allowed(variables)}"
    )


def _check(node: ast.AST, text: str, variables: Sequence[str]) -> None:
    """Raise a ValueError unless every node of the tree is on the allowed list."""
    if isinstance(node, ast.Expression):
        _check(node.body, text, variables)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            _fail(text, f"{node.value!r} is not a number", variables)
    elif isinstance(node, ast.Name):
        if node.id not in variables and node.id not in CONSTANTS:
            _fail(text, f"unknown name {node.id!r}", variables)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            _fail(text, f"operator {type(node.op).__name__} is not allowed", variables)
        _check(node.left, text, variables)
        _check(node.right, text, variables)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            _fail(text, f"operator {type(node.op).__name__} is not allowed", variables)
        _check(node.operand, text, variables)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            _fail(text, f"calling {type(node.func).__name__} is not allowed", variables)
        if node.func.id not in FUNCTIONS:
            _fail(text, f"unknown function {node.func.id!r}", variables)
        if node.keywords or len(node.args) != 1:
            _fail(text, f"{node.func.id}() takes exactly one argument", variables)
        _check(node.args[0], text, variables)
    else:
        _fail(text, f"{type(node).__name__} is not allowed", variables)


def _evaluate(node: ast.AST, env: dict[str, Array]) -> Array:
    if isinstance(node, ast.Constant):
        return np.float64(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else np.float64(CONSTANTS[node.id])
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, env))
    # ast.Call, the only node left after _check
    return FUNCTIONS[node.func.id](_evaluate(node.args[0], env))


def parse(text, variables: Sequence[str] = ("x",)) -> ast.Expression:
    """The checked syntax tree of `text`; ValueError/TypeError naming `expression` otherwise."""
    if not isinstance(text, str):
        raise validate.ArgumentTypeError(
            "expression", f"expression must be text like 'sin(3*x)', got {text!r}"
        )
    source = text.strip()
    if not source:
        _fail(text, "it is empty", variables)
    if len(source) > MAX_LENGTH:
        _fail(text, f"it is longer than {MAX_LENGTH} characters", variables)
    try:
        tree = ast.parse(source.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        reason = getattr(error, "msg", None) or type(error).__name__
        _fail(text, f"it cannot be parsed ({reason})", variables)
    _check(tree, text, variables)
    return tree


def compile_expression(text, variables: Sequence[str] = ("x",)) -> Callable[..., Array]:
    """A function of the named `variables` (keyword arrays) that evaluates `text` with numpy.

    The result has the broadcast shape of the inputs; overflow and invalid operations give
    inf or NaN quietly (the caller decides what to do with them, see `datasets.target_function`).
    """
    variables = tuple(variables)
    tree = parse(text, variables)

    def f(**arrays) -> Array:
        missing = set(variables) - set(arrays)
        if missing:
            raise validate.ArgumentValueError(
                "expression", f"expression needs values for {', '.join(sorted(missing))}"
            )
        env = {name: np.asarray(arrays[name], dtype=np.float64) for name in variables}
        shape = np.broadcast_shapes(*(a.shape for a in env.values()))
        with np.errstate(all="ignore"):
            out = _evaluate(tree.body, env)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), shape).copy()

    f.expression = text  # type: ignore[attr-defined]
    return f
