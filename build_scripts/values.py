"""Numbers in the prose, computed at build time: the `[[value: ...]]` inline directive.

    The tweak-and-keep run reaches an accuracy of [[value: random_search.tweak_accuracy data=vertical format=.0%]].

`random_search.tweak_accuracy` names `explainer_core.chapters.random_search.tweak_accuracy`: a
number, or a function returning one, called with the directive's options as keyword arguments
(`data=vertical` passes the string "vertical"; `steps=40` the int 40; `lr=0.5` the float 0.5;
`True`/`False` booleans). `format=` is a Python format spec (`.3g` significant figures, `,d`
thousands separators, `.1%` percent); without one, an int gets thousands separators and a float
three significant figures (no exponent from 0.001 to 100,000). An exponent is written as
"× 10⁻⁵" in the page, never "e-05".

Values are cached like charts (.cache/values/), under a hash of the option text and the source of
every explainer_core module the chapter module imports: a warm build computes nothing, and a
change to the code behind a number recomputes it. A name that does not exist, a function that
fails or returns something that is not a finite real number is a build error with the page and
line (an error under `mkdocs build --strict`).
"""

from __future__ import annotations

import ast
import hashlib
import html
import importlib
import json
import math
import numbers
import re
from pathlib import Path

from build_scripts import charts as chart_lib

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "values"
# anywhere in a line: [[value: module.name key=value ...]]
INLINE = re.compile(r"\[\[\s*value\s*:\s*(?P<name>[^\s\]]*)(?P<opts>[^\]]*)\]\]")
NAME = re.compile(r"^(?P<module>[a-z_][a-z0-9_]*)\.(?P<attr>[A-Za-z_][A-Za-z0-9_]*)$")
SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


class ValueProblem(ValueError):
    """A value directive that cannot be computed: the message says why, for the page's author."""


def _argument(text: str):
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return parsed if isinstance(parsed, (bool, int, float)) else text


def compute(name: str, options: dict[str, str]) -> float | int:
    """The number `name` (module.attribute of explainer_core.chapters) with `options`, uncached."""
    match = NAME.match(name)
    if not match:
        raise ValueProblem(f"cannot read value name {name!r}; write module.name, for example "
                          "landscape.lowest_loss")
    module_name = f"explainer_core.chapters.{match['module']}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise ValueProblem(f"unknown value {name!r}: there is no chapter module {module_name}") from None
    if not hasattr(module, match["attr"]):
        known = ", ".join(n for n in dir(module) if not n.startswith("_") and not n[0].isupper())
        raise ValueProblem(f"unknown value {name!r}: {module_name} has no {match['attr']!r} "
                          f"(it has: {known})")
    found = getattr(module, match["attr"])
    kwargs = {key: _argument(value) for key, value in options.items()}
    if callable(found):
        try:
            found = found(**kwargs)
        except Exception as error:  # the author's code failed: say how, where the directive is
            raise ValueProblem(f"value {name!r} with options {options} failed: "
                              f"{type(error).__name__}: {error}") from error
    elif kwargs:
        raise ValueProblem(f"value {name!r} is a constant: it takes no options ({options})")
    if isinstance(found, bool) or not isinstance(found, numbers.Real):
        raise ValueProblem(f"value {name!r} is {type(found).__name__}, not a number")
    if not math.isfinite(found):
        raise ValueProblem(f"value {name!r} is {found}, not a finite number")
    return found.item() if hasattr(found, "item") else found


def cache_key(name: str, options: dict[str, str]) -> str:
    match = NAME.match(name)
    module = f"explainer_core.chapters.{match['module']}" if match else name
    h = hashlib.sha256(json.dumps([name, sorted(options.items())]).encode())
    try:
        files = chart_lib.core_dependencies(module)
    except ImportError:
        files = []
    for path in sorted(files):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def value(name: str, options: dict[str, str], cache_dir: Path = CACHE) -> float | int:
    """The number, from the cache when nothing it depends on changed."""
    path = Path(cache_dir) / f"{cache_key(name, options)}.json"
    if path.exists():
        return json.loads(path.read_text())["value"]
    found = compute(name, options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"name": name, "options": options, "value": found}))
    return found


def _exponent(text: str) -> str:
    """'1.2e-05' -> '1.2 × 10⁻⁵' (and a bare mantissa of 1 is dropped: '10⁻⁵')."""
    mantissa, _, power = text.partition("e")
    power = str(int(power)).translate(SUPERSCRIPT)
    return f"10{power}" if mantissa in ("1", "1.0") else f"{mantissa} × 10{power}"


def format_value(number: float | int, spec: str | None = None) -> str:
    """The number as the prose shows it (see the module docstring); a minus sign, not a hyphen."""
    if spec is None:
        if isinstance(number, int):
            spec = ","
        elif number != 0 and not 1e-3 <= abs(number) < 1e5:
            spec = ".3g"
        elif abs(number) >= 1000:
            spec = ",.0f"
        else:
            spec = ".3g"
    try:
        text = format(number, spec)
    except ValueError as error:
        raise ValueProblem(f"format {spec!r} does not apply to {number!r}: {error}") from None
    if re.search(r"\de[+-]\d", text):
        text = re.sub(r"(-?[\d.]+e[+-]\d+)", lambda m: _exponent(m.group(1)), text)
    return text.replace("-", "−")


def render(name: str, options: dict[str, str], cache_dir: Path = CACHE) -> str:
    """The HTML the directive becomes: the formatted number, the exact one in data-value."""
    options = dict(options)
    spec = options.pop("format", None)
    number = value(name, options, cache_dir)
    shown = format_value(number, spec)
    called = html.escape(f"{name}({', '.join(f'{k}={v}' for k, v in options.items())})", quote=True)
    return (f'<span class="gde-value" data-value="{number!r}" data-source="{called}" '
            f'title="computed by explainer_core.chapters.{called}">{shown}</span>')
