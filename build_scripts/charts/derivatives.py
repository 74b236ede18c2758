"""Charts of the "Slopes" chapter (slug `derivatives`), data from
`explainer_core.chapters.derivatives`.

`derivative_error`: the error of the forward and the central difference against the step δ, from
1 down to 1e-16, for sin at x = 1 (with the two parts the reasoning predicts: truncation and
rounding) and for the gradient of a small network's loss (against backprop's).

`gradient_cost`: forward passes for one gradient of a network's loss, numerical (forward and
central differences) against backpropagation, for 10 to 1,000,000 parameters: counted by running
the numerical gradient for the sizes the build runs, by the formula beyond.

Colours from `_style` (Okabe-Ito: vermillion for forward differences, bluish green for central
ones, blue for backprop), dashes and point shapes as a second cue.
"""

from __future__ import annotations

from explainer_core.chapters import derivatives as chapter

from . import _style, register

FORWARD, CENTRAL, BACKPROP = "forward difference", "central difference", "backpropagation"
COLOURS = {FORWARD: _style.OKABE_ITO[5], CENTRAL: _style.OKABE_ITO[2],
           BACKPROP: _style.OKABE_ITO[0]}
NAMES = {"forward": FORWARD, "central": CENTRAL}
WIDTH, HEIGHT = 330, 250
# the label of a tick at log10 = value: 1, 1e−4, 1e−8, ... (every fourth decade); the axes take
# no list of values ("values" would read as inline data to the chart checks)
POWER = ("datum.value % 4 != 0 ? '' : datum.value == 0 ? '1' : "
         "'1e' + replace(toString(datum.value), '-', '−')")


def _thin(value: float) -> float:
    """4 significant digits: enough for a log axis and a tooltip, a third of the bytes."""
    return float(f"{value:.4g}")


def _sci(value: float) -> str:
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def derivative_error_data(f: str = "sine", x: str = "1", parameters: str = "100",
                          per_decade: str = "8") -> dict:
    x, per_decade = float(x), int(per_decade)
    curve = chapter.error_curve(f, x, per_decade)
    errors, parts, best = [], [], []
    for method, name in NAMES.items():
        for row in curve:
            if row[f"{method}_error"] is not None and row[f"{method}_error"] > 0:
                errors.append({"delta": row["delta"], "method": name,
                               "error": _thin(row[f"{method}_error"])})
            for part in ("truncation", "rounding"):
                value = row[f"{method}_{part}"]
                # the reference lines only where they are near the plotted range
                if value is not None and 1e-17 <= value <= 10:
                    parts.append({"delta": row["delta"], "method": name, "part": part,
                                  "line": f"{name}, {part}", "error": _thin(value)})
        d = chapter.best_delta(method, f, x, per_decade)
        e = chapter.smallest_error(method, f, x, per_decade)
        p = chapter.predicted_best_delta(method, f, x)
        best.append({"delta": d, "method": name, "error": e, "predicted": p,
                     "label": f"smallest error {_sci(e)} at δ = {_sci(d)} (predicted δ* "
                              f"{_sci(p)})"})
    network = []
    for row in chapter.network_error_curve(int(parameters)):
        if row["relative_difference"] is not None and row["relative_difference"] > 0:
            network.append({"delta": row["delta"], "method": NAMES[row["method"]],
                            "error": row["relative_difference"]})
    book = [{"delta": chapter.BOOK_DELTA, "label": "the book's δ = 0.0001"}]
    return {"slope_errors": errors, "parts": parts, "best": best, "network_errors": network,
            "book": book, "function": [{"formula": chapter.formula(f), "x": x,
                                        "parameters": int(parameters)}]}


def derivative_error_description(data: dict) -> str:
    function = data["function"][0]
    best = {row["method"]: row for row in data["best"]}
    net = data["network_errors"]

    def at(method, delta):
        rows = [r for r in net if r["method"] == method and r["delta"] == delta]
        return f"{rows[0]['error']:.1e}" if rows else "not finite"

    return (
        f"Two log-log line charts of the error of numerical derivatives against the step δ, "
        f"from 1 on the left down to 1e-16 on the right. Left: the slope of "
        f"{function['formula']} at x = {function['x']:g}; the forward difference's error is "
        f"smallest, {best[FORWARD]['error']:.1e}, at δ = {best[FORWARD]['delta']:.1e} (the "
        f"reasoning predicts {best[FORWARD]['predicted']:.1e}), the central difference's, "
        f"{best[CENTRAL]['error']:.1e}, at δ = {best[CENTRAL]['delta']:.1e} (predicted "
        f"{best[CENTRAL]['predicted']:.1e}); to the left of these the error falls with δ "
        f"(truncation, dashed lines), to the right it rises as rounding error over δ (dotted "
        f"lines). Right: the numerical gradient of the loss of a {function['parameters']}-"
        f"parameter network against backpropagation's, largest difference relative to the "
        f"largest partial derivative; at the book's δ = 1e-4 it is {at(FORWARD, 1e-4)} "
        f"(forward) and {at(CENTRAL, 1e-4)} (central), at δ = 1e-12 {at(FORWARD, 1e-12)} and "
        f"{at(CENTRAL, 1e-12)}.")


@register("derivative_error", data=derivative_error_data,
          description=derivative_error_description)
def derivative_error(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    names = [FORWARD, CENTRAL]
    color = alt.Color("method:N", title="difference", sort=names,
                      scale=alt.Scale(domain=names, range=[COLOURS[n] for n in names]),
                      legend=alt.Legend(orient="bottom", symbolType="stroke",
                                        symbolStrokeWidth=3))
    # both axes are powers of ten: plotted as log10 of δ and of the error on linear scales,
    # so that there is one tick and one grid line per decade (a log scale over 17 decades
    # draws nine of each per decade)
    lg = {"lg_delta": "log(datum.delta) / LN10", "lg_error": "log(datum.error) / LN10"}
    delta_axis = alt.X("lg_delta:Q", title="step δ (log scale, smaller to the right)",
                       scale=alt.Scale(domain=[-16, 0], reverse=True, nice=False),
                       axis=alt.Axis(tickCount=16, labelExpr=POWER, grid=True))
    tips = [alt.Tooltip("method:N", title="difference"), alt.Tooltip("delta:Q", format=".3g",
                                                                     title="δ"),
            alt.Tooltip("error:Q", format=".2e", title="error")]
    y_axis = alt.Axis(tickCount=18, labelExpr=POWER)
    y_scale = alt.Scale(domain=[-17, 1], nice=False, clamp=True)
    book = alt.Chart(alt.NamedData("book")).transform_calculate(lg_delta=lg["lg_delta"]).encode(
        x=alt.X("lg_delta:Q"))
    rule = book.mark_rule(strokeDash=[2, 2], color=_style.OKABE_ITO[7]).encode(
        tooltip=[alt.Tooltip("label:N", title="")])
    rule_label = book.mark_text(align="left", dx=4, dy=0, fontSize=12, baseline="top").encode(
        y=alt.value(4), text=alt.value("book: 0.0001"))

    def table(name):
        return alt.Chart(alt.NamedData(name)).transform_calculate(**lg)

    lines = table("slope_errors").mark_line(strokeWidth=2).encode(
        x=delta_axis, y=alt.Y("lg_error:Q", title="error of the slope (log scale)",
                              scale=y_scale, axis=y_axis),
        color=color, tooltip=tips)
    parts = table("parts").mark_line(strokeWidth=1.3, opacity=0.8).encode(
        x="lg_delta:Q", y=alt.Y("lg_error:Q", scale=y_scale), color=color,
        strokeDash=alt.StrokeDash("part:N", title="prediction", sort=["truncation", "rounding"],
                                  scale=alt.Scale(domain=["truncation", "rounding"],
                                                  range=[[6, 3], [1, 2]]),
                                  legend=alt.Legend(orient="bottom", symbolType="stroke")),
        detail="line:N",
        tooltip=[alt.Tooltip("line:N", title="predicted part"),
                 alt.Tooltip("delta:Q", format=".3g", title="δ"),
                 alt.Tooltip("error:Q", format=".2e", title="error")])
    best = table("best").mark_point(size=90, filled=True, opacity=1).encode(
        x="lg_delta:Q", y=alt.Y("lg_error:Q", scale=y_scale), color=color,
        shape=alt.Shape("method:N", sort=names, legend=None,
                        scale=alt.Scale(domain=names, range=["circle", "square"])),
        tooltip=[alt.Tooltip("method:N", title="difference"), alt.Tooltip("label:N", title="")])
    function = data["function"][0]
    left = alt.layer(lines, parts, best, rule, rule_label).properties(
        width=WIDTH, height=HEIGHT,
        title=alt.TitleParams(f"Slope of {function['formula']} at x = {function['x']:g}",
                              subtitle="dots: the smallest error"))

    net = table("network_errors").mark_line(strokeWidth=2, point=True).encode(
        x=delta_axis,
        y=alt.Y("lg_error:Q", title="largest difference / largest partial (log)",
                scale=y_scale, axis=y_axis),
        color=color, tooltip=tips)
    right = alt.layer(net, rule, rule_label).properties(
        width=WIDTH, height=HEIGHT,
        title=alt.TitleParams("Gradient of a network's loss",
                              subtitle=f"{function['parameters']} parameters: numerical against "
                                       f"backprop"))
    return alt.hconcat(left, right).resolve_scale(color="shared")


# ---- the cost -----------------------------------------------------------------------------------


def gradient_cost_data() -> dict:
    rows = []
    for row in chapter.cost_table():
        way = row["way"].replace("numerical, ", "")
        rows.append({**row, "way": way, "legend": "numerical, " + way if way != BACKPROP else way,
                     "how": ("counted while it ran" if row["source"] == "counted"
                             else "by the formula"),
                     "difference": (f"{row['relative_difference']:.1e}"
                                    if row["relative_difference"] is not None else "–")})
    return {"cost": rows, "settings": [{"examples": chapter.EXAMPLES,
                                        "backward_cost": chapter.backward_cost(),
                                        "delta": chapter.GRADIENT_DELTA}]}


def gradient_cost_description(data: dict) -> str:
    rows = data["cost"]
    n = data["settings"][0]["examples"]
    biggest = max(r["parameters"] for r in rows)
    counted = sorted({r["parameters"] for r in rows if r["source"] == "counted"})

    def passes(D, way):
        return next(r["passes"] for r in rows if r["parameters"] == D and r["way"] == way)

    return (
        f"Log-log line chart of the forward passes one gradient of a network's loss on {n} "
        f"examples costs, against the number of parameters, from 10 to {biggest:,}. "
        f"Backpropagation costs {passes(biggest, BACKPROP):,} forward-pass equivalents at every "
        f"size ({n} forward and {n} backward passes, a backward pass counted as two forward "
        f"ones). The numerical gradient costs {passes(10, FORWARD):,} (forward differences) and "
        f"{passes(10, CENTRAL):,} (central) at 10 parameters, {passes(biggest, FORWARD):,} and "
        f"{passes(biggest, CENTRAL):,} at {biggest:,}. Filled points were counted while the "
        f"numerical gradient ran ({', '.join(f'{D:,}' for D in counted)} parameters); hollow "
        f"points are the formula.")


@register("gradient_cost", data=gradient_cost_data, description=gradient_cost_description)
def gradient_cost(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    ways = [FORWARD, CENTRAL, BACKPROP]
    legend_names = ["numerical, " + FORWARD, "numerical, " + CENTRAL, BACKPROP]
    color = alt.Color("legend:N", title="gradient by", sort=legend_names,
                      scale=alt.Scale(domain=legend_names, range=[COLOURS[w] for w in ways]),
                      legend=alt.Legend(orient="bottom", columns=1, symbolType="stroke",
                                        symbolStrokeWidth=3, labelLimit=300))
    n = data["settings"][0]["examples"]
    base = alt.Chart(alt.NamedData("cost")).encode(
        x=alt.X("parameters:Q", title="parameters of the network (log scale)",
                scale=alt.Scale(type="log", domain=[10, 1_000_000], nice=False),
                axis=alt.Axis(format="~s", tickCount=6)),
        y=alt.Y("passes:Q", title=f"forward passes ({n} examples, log scale)",
                scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")),
        color=color,
        tooltip=[alt.Tooltip("legend:N", title="gradient by"),
                 alt.Tooltip("parameters:Q", format=",", title="parameters"),
                 alt.Tooltip("passes:Q", format=",", title="forward-pass equivalents"),
                 alt.Tooltip("how:N", title="how"),
                 alt.Tooltip("difference:N", title="largest difference from backprop")])
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("legend:N", sort=legend_names, legend=None,
                                  scale=alt.Scale(domain=legend_names,
                                                  range=[[1, 0], [6, 3], [2, 2]])))
    counted = base.transform_filter("datum.source == 'counted'").mark_point(
        size=70, filled=True, opacity=1)
    formula = base.transform_filter("datum.source == 'formula'").mark_point(
        size=70, filled=False, opacity=1, strokeWidth=2)
    return alt.layer(lines, counted, formula).properties(
        width=460, height=HEIGHT,
        title=alt.TitleParams("The price of one gradient of the loss",
                              subtitle="filled: counted while it ran · hollow: by the formula"))
