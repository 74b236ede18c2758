"""Where a reader's formula goes wrong: `expr`'s refusal, short, with the place it happened.

`expr.parse` says *why* it refuses a formula ("unknown name 'y'", "it cannot be parsed ('(' was
never closed)") and lists everything that is allowed. Beside a six-word text field a reader also
needs *where*: this module finds the piece of the text that the refusal is about, by parsing it
the same way (Python's `ast`, never `eval`) and walking the tree in the order `expr` checks it,
and words the refusal briefly, with that place:

    check("sin(3*y)")    ArgumentValueError("expression",
                                            "unknown name 'y' at character 7: sin(3*»y«); use x, ...")
    locate("sin(3*y)")   Span(6, 7): the characters text[6:7] == "y"

Positions are of the text as typed (before `expr` trims it and reads ^ as **).
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple, Sequence

from . import expr, validate

QUOTED = 24  # a name or a value quoted in a message is cut to this many characters


class Span(NamedTuple):
    """text[start:end] is the piece a refusal is about (end == start: a point, as "missing")."""

    start: int
    end: int


def _source(text: str) -> tuple[str, list[int]]:
    """The source `expr.parse` gives to `ast.parse` (trimmed, ^ as **), and for each of its
    characters (and one past the end) the index of the typed character it came from."""
    lead = len(text) - len(text.lstrip())
    trimmed = text.strip()
    source, origin = [], []
    for k, ch in enumerate(trimmed):
        for piece in ("**" if ch == "^" else ch):
            source.append(piece)
            origin.append(lead + k)
    origin.append(lead + len(trimmed))
    return "".join(source), origin


_LINE_END = re.compile(r"\r\n|\r|\n")


def _line_starts(source: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_END.finditer(source)]


def _index(source: str, starts: list[int], lineno: int, byte_col: int) -> int:
    """The character index in `source` of ast's (line, UTF-8 byte column)."""
    line_start = starts[min(max(lineno, 1), len(starts)) - 1]
    line = source[line_start:]
    prefix = line.encode("utf-8")[:max(byte_col, 0)].decode("utf-8", errors="ignore")
    return min(line_start + len(prefix), len(source))


def _offending(node: ast.AST, variables: Sequence[str]) -> ast.AST | None:
    """The first node `expr._check` refuses, depth first as it goes; None if all are allowed."""
    if isinstance(node, ast.Expression):
        return _offending(node.body, variables)
    if isinstance(node, ast.Constant):
        ok = not isinstance(node.value, bool) and isinstance(node.value, (int, float))
        return None if ok else node
    if isinstance(node, ast.Name):
        return None if node.id in variables or node.id in expr.CONSTANTS else node
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            return node
        return _offending(node.left, variables) or _offending(node.right, variables)
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            return node
        return _offending(node.operand, variables)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in expr.FUNCTIONS:
            return node.func
        if node.keywords or len(node.args) != 1:
            return node
        return _offending(node.args[0], variables)
    return node


def _short(text: str) -> str:
    return text if len(text) <= QUOTED else text[:QUOTED - 1] + "…"


def _reason(error: Exception, text: str) -> str:
    """`expr`'s reason without the quoted formula and the list of what is allowed."""
    message = str(error)
    prefix = f"expression {text!r}: "
    if message.startswith(prefix):
        message = message[len(prefix):]
    cut = message.rfind("; allowed: ")
    if cut >= 0:
        message = message[:cut]
    # a quoted name or value: at most QUOTED characters of it
    return re.sub(r"'([^']*)'", lambda m: repr(_short(m.group(1))), message)


def locate(text, variables: Sequence[str] = ("x",)) -> Span | None:
    """The span of `text` that `expr.parse` refuses (None when it accepts the text)."""
    if not isinstance(text, str):
        return None
    try:
        expr.parse(text, variables)
        return None
    except (ValueError, TypeError):
        pass
    trimmed = text.strip()
    lead = len(text) - len(text.lstrip())
    if not trimmed:
        return Span(0, len(text))
    if len(trimmed) > expr.MAX_LENGTH:
        return Span(lead + expr.MAX_LENGTH, len(text))
    source, origin = _source(text)
    starts = _line_starts(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        # since Python 3.10 the offsets of a SyntaxError count characters, from 1
        lineno = error.lineno or 1
        line_start = starts[min(max(lineno, 1), len(starts)) - 1]
        start = min(line_start + max((error.offset or 1) - 1, 0), len(source))
        end = min(start + 1, len(source))  # the character there (none at the very end)
        if error.end_offset and (error.end_lineno or lineno) == lineno and error.end_offset > error.offset:
            end = min(line_start + error.end_offset - 1, len(source))
        return Span(origin[start], origin[end] if end > start else origin[start])
    except (ValueError, RecursionError, MemoryError):  # a null byte; nesting too deep
        null = source.find("\0")
        return Span(origin[null], origin[null] + 1) if null >= 0 else Span(lead, lead + len(trimmed))
    node = _offending(tree, tuple(variables))
    if node is None or not hasattr(node, "col_offset"):
        return Span(lead, lead + len(trimmed))
    start = _index(source, starts, node.lineno, node.col_offset)
    end = _index(source, starts, node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
    return Span(origin[start], origin[max(end, start)] if end > start else origin[start])


# words a program prints for a number that is not finite, or for no value: a reader may type
# them, but a message never repeats them (they read as the page's own failure)
NOT_A_VALUE = re.compile(r"(?<![\w.])(?:nan|inf|infinity|none|null|undefined)(?![\w])", re.IGNORECASE)
EXCERPT = 12  # characters shown on either side of the place


def _plain(reason: str) -> str:
    """The reason with no word for a non-finite number or for no value in it."""
    reason = reason.replace("null bytes", "zero bytes")
    if not NOT_A_VALUE.search(reason):
        return reason
    # a quoted name that is such a word is left out; a bare one (the constant None) is described
    reason = re.sub(r" ?'([^']*)'", lambda m: "" if NOT_A_VALUE.fullmatch(m.group(1)) else m.group(0), reason)
    reason = NOT_A_VALUE.sub("an empty value", reason)
    return reason + " (write numbers in digits; a target's must be finite)"


def _excerpt(text: str, span: Span) -> str:
    """The text around the place, the place between » and «: '…(3*»y«)'."""
    start, end = span.start, max(span.end, span.start)
    left = text[max(0, start - EXCERPT):start]
    right = text[end:end + EXCERPT]
    return ("…" if start > EXCERPT else "") + left + "»" + _short(text[start:end]) + "«" + right + (
        "…" if end + EXCERPT < len(text) else "")


def message(text, variables: Sequence[str] = ("x",)) -> str | None:
    """`expr`'s refusal of `text` in a sentence short enough for a field, with its place (the
    character, and the text around it with the place between » and «); None when the text is
    accepted."""
    try:
        expr.parse(text, variables)
        return None
    except (ValueError, TypeError) as error:
        reason = _reason(error, text) if isinstance(text, str) else str(error)
    reason = _plain(reason)
    span = locate(text, variables)
    where = ""
    if span is not None and isinstance(text, str) and text.strip() and len(text.strip()) <= expr.MAX_LENGTH:
        where = f" at character {span.start + 1}"
        excerpt = _excerpt(text, span).replace("\n", " ")
        if not NOT_A_VALUE.search(excerpt):
            where += f": {excerpt}"
    allowed = (f"use {', '.join(variables)}, numbers, pi, e, + - * / ^ ( ) and "
               + " ".join(expr.FUNCTIONS))
    return f"{reason}{where}; {allowed}"


def check(text, variables: Sequence[str] = ("x",)) -> ast.Expression:
    """`expr.parse(text)`, or an ArgumentValueError naming `expression` with `message(text)` and
    the span as `.span`."""
    try:
        return expr.parse(text, variables)
    except TypeError as error:
        raise validate.ArgumentTypeError("expression", str(error)) from None
    except ValueError:
        error = validate.ArgumentValueError("expression", message(text, variables))
        error.span = locate(text, variables)  # type: ignore[attr-defined]
        raise error from None
