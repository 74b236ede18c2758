"""Charts of the chapter "The verdict" (slug `conclusion`), data from
`explainer_core.chapters.conclusion`:

- `conclusion_race`: Adam and local search at equal compute on the three race tasks (the smooth
  fit, the sphere in 100 dimensions, the binary-step XOR), loss on a log axis against the forward
  passes spent, the target of each task as a dotted rule.

Methods keep the colours of the other charts: Adam blue and solid, local search vermillion and
dashed (Okabe-Ito, `_style`).
"""

from __future__ import annotations

from explainer_core.chapters import conclusion as chapter

from . import _style, register

METHOD_LABELS = [chapter.METHOD_NAMES[m] for m in chapter.METHODS]  # Adam, local search
METHOD_COLOURS = [_style.OKABE_ITO[0], _style.OKABE_ITO[5]]  # blue, vermillion
METHOD_DASHES = [[1, 0], [6, 3]]
WIDTH, HEIGHT = 220, 200
# the log axes' ranges: a loss below the bottom is drawn on the bottom edge (Adam on the sphere
# passes through losses near 1e-45 on its way; the description says so)
DOMAINS = {"fit": [1e-5, 1], "sphere": [1e-6, 2], "xor": [0.1, 0.5]}
TITLES = {"fit": "Smooth 1-D fit (25 parameters)", "sphere": "Sphere (100 parameters)",
          "xor": "Binary-step XOR (33 parameters)"}


def conclusion_race_data(budget: str = str(chapter.BUDGET), points: str = "60") -> dict:
    budget, points = int(budget), int(points)
    rows, targets = [], []
    for task in chapter.TASKS:
        for r in chapter.race(task, budget=budget, points=points):
            rows.append({"task": TITLES[task], "method": chapter.METHOD_NAMES[r["method"]],
                         "compute": int(round(r["compute"])), "loss": float(f"{r['loss']:.4g}"),
                         "updates": int(r["step"])})
        targets.append({"task": TITLES[task], "target": chapter.target(task)})
    return {"race": rows, "targets": targets, "settings": [{"budget": budget}]}


def conclusion_race_description(data: dict) -> str:
    budget = data["settings"][0]["budget"]
    last = {(r["task"], r["method"]): r for r in data["race"] if r["compute"] == budget}
    parts = []
    for task in chapter.TASKS:
        low = min(r["loss"] for r in data["race"] if r["task"] == TITLES[task])
        if low < DOMAINS[task][0]:
            parts.append(f"{TITLES[task]}: the lowest loss, {low:.2g}, lies below the axis "
                         f"and is drawn on its bottom edge at {DOMAINS[task][0]:g}")
        title = TITLES[task]
        adam, ls = last[title, "Adam"], last[title, "local search"]
        parts.append(f"{title}: Adam ends at loss {adam['loss']:.3g} after {adam['updates']:,} "
                     f"steps, local search at {ls['loss']:.3g} after {ls['updates']:,} generations")
    return (f"Three line charts, one per task, of the loss (log scale) against the compute spent, "
            f"0 to {budget:,} forward passes, for Adam (solid) and local search (dashed); a dotted "
            "line marks each task's target. " + "; ".join(parts) + ".")


@register("conclusion_race", data=conclusion_race_data, description=conclusion_race_description)
def conclusion_race(data: dict):
    import altair as alt

    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5,
                        symbolOpacity=1, labelLimit=320)
    colour = alt.Color("method:N", title="method", sort=METHOD_LABELS, legend=legend,
                       scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_COLOURS))
    dash = alt.StrokeDash("method:N", title="method", sort=METHOD_LABELS, legend=None,
                          scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_DASHES))
    budget = data["settings"][0]["budget"]
    panels = []
    for task in chapter.TASKS:
        title = TITLES[task]
        lines = alt.Chart(alt.NamedData("race")).transform_filter(
            alt.datum.task == title).mark_line(strokeWidth=2, interpolate="step-after").encode(
            x=alt.X("compute:Q", title="compute (forward passes)",
                    scale=alt.Scale(domain=[0, budget], nice=False),
                    axis=alt.Axis(format=",.0f", tickCount=3)),
            y=alt.Y("loss:Q", title="loss (log scale)",
                    scale=alt.Scale(type="log", domain=DOMAINS[task], clamp=True),
                    axis=alt.Axis(format="~g", tickCount=6)),
            color=colour, strokeDash=dash,
            tooltip=[alt.Tooltip("method:N"), alt.Tooltip("compute:Q", format=","),
                     alt.Tooltip("loss:Q", format=".4g"),
                     alt.Tooltip("updates:Q", title="steps or generations", format=",")],
        )
        rule = alt.Chart(alt.NamedData("targets")).transform_filter(
            alt.datum.task == title).mark_rule(strokeDash=[2, 3], color="#999999").encode(
            y="target:Q", tooltip=[alt.Tooltip("target:Q", title="target loss")])
        panels.append(alt.layer(lines, rule).properties(width=WIDTH, height=HEIGHT, title=title))
    return alt.hconcat(*panels)
