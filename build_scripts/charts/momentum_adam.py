"""The chart of "Momentum and Adam": the ravine's condition number against the steps each
gradient method needs (each with its best fixed settings; Adam with one learning rate)."""

from __future__ import annotations

from explainer_core.chapters import momentum_adam as chapter

from . import _style, register

# The demo's colours (momentum-adam.js), all Okabe-Ito: gradient descent vermillion, momentum
# blue, Nesterov bluish green, Adam reddish purple.
METHOD_COLOURS = {"gradient descent": _style.OKABE_ITO[5], "momentum": _style.OKABE_ITO[0],
                  "Nesterov": _style.OKABE_ITO[2], "Adam": _style.OKABE_ITO[3]}
# and the demo's markers, so that colour is never the only cue
METHOD_SHAPES = {"gradient descent": "circle", "momentum": "square", "Nesterov": "diamond",
                 "Adam": "triangle-up"}


def ravine_condition_data() -> dict:
    rows = [{**r, "label": f"{r['method']}: {r['steps']:,} steps at condition number "
                           f"{r['condition']:,}"} for r in chapter.ravine_steps()]
    return {"steps": rows}


def ravine_condition_description(data: dict) -> str:
    rows = data["steps"]
    k_lo = min(r["condition"] for r in rows)
    k_hi = max(r["condition"] for r in rows)
    at = {(r["method"], r["condition"]): r["steps"] for r in rows}
    parts = [f"{m} from {at[(m, k_lo)]:,} to {at[(m, k_hi)]:,}" for m in METHOD_COLOURS]
    return (f"Log-log line chart: the steps each method needs to bring the ravine's loss to a "
            f"millionth of its start, as the condition number grows from {k_lo:,} to {k_hi:,}. "
            f"Steps: " + "; ".join(parts) + ".")


def decades(low: float, high: float) -> list[int]:
    """The powers of ten from `low` up to the first at or above `high` (and `low` itself when it
    is not one): the log axes' ticks, few enough that none overlap at 240 px."""
    out, power = [], 1
    while power < high * 10:  # up to the first power of ten at or above `high`
        if power >= low:
            out.append(power)
        power *= 10
    return sorted({int(low), *out}) if low not in out else out


@register("ravine_condition", data=ravine_condition_data, description=ravine_condition_description)
def ravine_condition(data: dict):
    import altair as alt  # lazily: a warm build with every chart cached never imports Altair

    methods = list(METHOD_COLOURS)
    conditions = sorted({r["condition"] for r in data["steps"]})
    base = alt.Chart(alt.NamedData("steps")).encode(
        x=alt.X("condition:Q", title="condition number κ (largest / smallest curvature)",
                scale=alt.Scale(type="log", domain=[min(conditions), max(conditions)]),
                axis=alt.Axis(values=decades(min(conditions), max(conditions)), format=",d")),
        y=alt.Y("steps:Q", title="steps until loss ≤ 10⁻⁶ × start loss",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(values=decades(1, max(r["steps"] for r in data["steps"])),
                              format=",d")),
        color=alt.Color("method:N", title="method", sort=methods,
                        scale=alt.Scale(domain=methods, range=[METHOD_COLOURS[m] for m in methods]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("label:N", title="")],
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("method:N", sort=methods, scale=alt.Scale(domain=methods),
                                  legend=None))
    points = base.mark_point(filled=True, size=50).encode(
        shape=alt.Shape("method:N", title="method", sort=methods, scale=alt.Scale(domain=methods,
                                        range=[METHOD_SHAPES[m] for m in methods]),
                        legend=alt.Legend(orient="bottom", columns=2)))
    return alt.layer(lines, points).properties(width=330, height=260)
