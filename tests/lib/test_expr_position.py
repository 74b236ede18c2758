"""Where a formula goes wrong (explainer_core.expr_position): the span, and the short message with
expr's own reason in it."""

import pytest
from hypothesis import given, settings, strategies as st

from explainer_core import expr, expr_position

# text, the piece the refusal is about (text[start:end]), and words of expr's reason
CASES = [
    ("sin(3*y)", "y", "unknown name 'y'"),
    ("sin(x)+cos(y)", "y", "unknown name 'y'"),
    ("  2*zz + x", "zz", "unknown name 'zz'"),
    ("x^2 + q", "q", "unknown name 'q'"),  # ^ is read as **: the place is still in the typed text
    ("x^2^^3", "^", "cannot be parsed"),
    ("foo(x)", "foo", "unknown function 'foo'"),
    ("math.sin(x)", "math.sin", "calling Attribute is not allowed"),
    ("sin(x, 2)", "sin(x, 2)", "takes exactly one argument"),
    ("x % 2", "x % 2", "operator Mod is not allowed"),
    ("1,5", "1,5", "Tuple is not allowed"),
    ("x.real", "x.real", "Attribute is not allowed"),
    ("'a' + x", "'a'", "is not a number"),
    ("x +* 2", "*", "cannot be parsed"),
    ("π*x", "π", "unknown name 'π'"),
    ("é + x + y", "é", "unknown name 'é'"),
    ("(x + ÿ)", "ÿ", "unknown name 'ÿ'"),
    ("x\n+ y", "+", "cannot be parsed"),
    ("(x\n+ y)", "y", "unknown name 'y'"),
]


@pytest.mark.parametrize("text, piece, reason", CASES)
def test_the_span_is_the_piece_expr_refuses(text, piece, reason):
    span = expr_position.locate(text)
    assert text[span.start:span.end] == piece
    message = expr_position.message(text)
    assert reason in message
    assert f"at character {span.start + 1}" in message
    # the reason is expr's own: its message says the same
    with pytest.raises(ValueError) as error:
        expr.parse(text)
    assert reason in str(error.value)


def test_a_missing_closing_bracket_points_at_the_bracket_left_open():
    span = expr_position.locate("  sin(3*x")
    assert span.start == 5 and "never closed" in expr_position.message("  sin(3*x")


@pytest.mark.parametrize("text", ["sin(2*x)", "x^3/9", " abs(sin(2*x)) ", "exp(-x^2)", "step(x)", "3"])
def test_accepted_formulas_have_no_span_and_no_message(text):
    assert expr_position.locate(text) is None and expr_position.message(text) is None
    expr_position.check(text)


def test_empty_and_too_long():
    assert expr_position.locate("   ") == (0, 3)
    assert "empty" in expr_position.message("")
    long = "x+" * 150 + "x"
    span = expr_position.locate(long)
    assert span == (expr.MAX_LENGTH, len(long))
    assert "longer than" in expr_position.message(long)


def test_check_raises_a_named_error_with_the_span():
    with pytest.raises(ValueError) as error:
        expr_position.check("sin(3*y)")
    assert error.value.arg == "expression" and error.value.span == (6, 7)
    with pytest.raises(TypeError) as error:
        expr_position.check(3)
    assert error.value.arg == "expression"


@pytest.mark.parametrize("text", ["NaN", "inf", "-Infinity", "x + None", "null(x)", "undefined", "nan*x"])
def test_words_for_no_number_are_never_repeated(text):
    message = expr_position.message(text)
    assert not expr_position.NOT_A_VALUE.search(message) and "character" in message
    assert "digits" in message


def test_the_excerpt_marks_the_place():
    assert "sin(3*»y«)" in expr_position.message("sin(3*y)")
    assert "sin»(«3*x" in expr_position.message("sin(3*x")
    long = "sin(x) + " * 8 + "q + " + "cos(x) + " * 8 + "1"
    message = expr_position.message(long)
    assert "… + sin(x) + »q« + cos(x) + …" in message and len(message) < 300


def test_a_long_name_is_cut_in_the_message():
    text = "x" * 150 + "y"
    message = expr_position.message(text)
    assert len(message) < 300 and "…" in message


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gets_a_span_inside_it_or_is_accepted(text):
    span = expr_position.locate(text)
    try:
        expr.parse(text)
        accepted = True
    except (ValueError, TypeError):
        accepted = False
    assert (span is None) == accepted
    if span is not None:
        assert 0 <= span.start <= span.end <= len(text)
        message = expr_position.message(text)
        assert len(message) <= 300
        # never a word a program prints for a missing or non-finite number, whatever was typed
        assert not expr_position.NOT_A_VALUE.search(message), message
