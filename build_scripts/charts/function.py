"""The chart of "A network is a function with knobs" (slug `function`): the lowest error training
reached against the number of neurons, for four targets, with tanh neurons and with ReLU neurons.

Data from `explainer_core.chapters.function.best_errors`: for each number of neurons n, the best
of RESTARTS runs of STEPS Adam steps (one press of the demo's Fit each) from random knobs.
"""

from __future__ import annotations

import math

from explainer_core.chapters import function as chapter

from . import _style, register

PANELS = {"tanh": "tanh neurons", "relu": "ReLU neurons"}
SHAPES = ["circle", "square", "triangle-up", "diamond"]


def best_error_data(activations: str = "tanh,relu") -> dict:
    rows = []
    for activation in activations.split(","):
        rows += chapter.best_errors(activation)
    for row in rows:
        row["panel"] = PANELS.get(row["activation"], row["activation"])
        row["mse"] = float(f"{row['mse']:.4g}")
    return {"errors": rows}


def _sentence(rows: list[dict], activation: str) -> str:
    mine = [r for r in rows if r["activation"] == activation]
    if not mine:
        return ""
    widths = sorted({r["neurons"] for r in mine})
    parts = []
    for label in dict.fromkeys(r["label"] for r in mine):
        line = {r["neurons"]: r["mse"] for r in mine if r["label"] == label}
        best_n = min(line, key=line.get)
        parts.append(f"{label} from {line[widths[0]]:.2g} with {widths[0]} to {line[widths[-1]]:.2g} "
                     f"with {widths[-1]} (lowest {line[best_n]:.2g}, at {best_n})")
    return f"With {PANELS.get(activation, activation)}: " + "; ".join(parts) + "."


def best_error_description(data: dict) -> str:
    rows = data["errors"]
    widths = sorted({r["neurons"] for r in rows})
    return (
        "Line charts, one panel per activation, of the lowest loss (mean squared error) that "
        f"{chapter.STEPS} steps of Adam reached (best of {chapter.RESTARTS} random starts) against "
        f"the number of neurons, {widths[0]} to {widths[-1]} (3n + 1 parameters), on a log scale, "
        "for four targets. "
        + " ".join(_sentence(rows, a) for a in dict.fromkeys(r["activation"] for r in rows))
    )


@register("function_best_error", data=best_error_data, description=best_error_description)
def function_best_error(data: dict):
    import altair as alt  # lazily: a warm build with every chart cached never imports Altair

    rows = data["errors"]
    widths = sorted({r["neurons"] for r in rows})
    low = min(r["mse"] for r in rows)
    high = max(r["mse"] for r in rows)
    domain = [10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    colour = alt.Color("label:N", title="target", sort=labels,
                       scale=alt.Scale(domain=labels, range=_style.OKABE_ITO[:len(labels)]),
                       legend=alt.Legend(orient="bottom", columns=2))
    shape = alt.Shape("label:N", title="target", sort=labels,
                      scale=alt.Scale(domain=labels, range=SHAPES[:len(labels)]))
    # two-line tick labels: the neurons n, and under them the parameters 3n + 1
    x = alt.X("neurons:Q", title="neurons n (and parameters 3n + 1)",
              scale=alt.Scale(type="log", base=2, domain=[widths[0] / 1.25, widths[-1] * 1.25],
                              nice=False),
              axis=alt.Axis(values=widths, labelExpr="[datum.value, '(' + (3 * datum.value + 1) + ')']",
                            labelAngle=0, labelOverlap=False, labelFlush=False, grid=False))
    y = alt.Y("mse:Q", title="lowest loss (mean squared error)",
              scale=alt.Scale(type="log", domain=domain, nice=False),
              axis=alt.Axis(format="~e", tickCount=6))
    tooltip = [alt.Tooltip("panel:N", title="network"), alt.Tooltip("label:N", title="target"),
               alt.Tooltip("neurons:Q", title="neurons"), alt.Tooltip("parameters:Q", title="parameters"),
               alt.Tooltip("mse:Q", title="mean squared error", format=".3~e")]
    panels = []
    for activation in dict.fromkeys(r["activation"] for r in rows):
        base = alt.Chart(alt.NamedData("errors")).transform_filter(
            alt.datum.activation == activation).encode(x=x, y=y, color=colour, tooltip=tooltip)
        lines = base.mark_line(strokeWidth=2)
        points = base.mark_point(size=55, filled=True, opacity=1).encode(shape=shape)
        panels.append(alt.layer(lines, points).properties(
            width=330, height=240, title=PANELS.get(activation, activation)))
    return alt.hconcat(*panels).resolve_scale(color="shared", shape="shared")
