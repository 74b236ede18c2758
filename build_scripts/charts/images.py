"""Charts of the chapter "The image race" (slug `images`), data from `explainer_core.chapters.images`:

- `images_race`: the three methods at equal compute on the smiley and on the photo, loss (log
  scale) against image passes, the range over the seeds as a band and their median as a line;
- `images_checkpoints`: a strip of what each method had drawn on the smiley after a tenth and
  after all of the budget (seed 0), beside the target.

Methods keep one colour and dash everywhere (Okabe-Ito): evolution vermillion dashed, SGD orange
dotted, Adam blue solid.
"""

from __future__ import annotations

import numpy as np

from explainer_core.chapters import images as chapter

from . import _style, register

METHOD_LABELS = [chapter.NAMES[m] for m in chapter.METHODS]
METHOD_COLOURS = [_style.OKABE_ITO[5], _style.OKABE_ITO[1], _style.OKABE_ITO[0]]
METHOD_DASHES = [[7, 4], [2, 3], [1, 0]]
PICTURE_LABELS = {"smiley": "Smiley", "photo": "Photo (camera)"}
WIDTH, HEIGHT = 330, 220
FRACTIONS = (0.1, 1.0)
SHORT = {"evolution": "Evolution", "sgd": "SGD", "adam": "Adam"}


def images_race_data(seeds: str = str(chapter.SEEDS)) -> dict:
    seeds = int(seeds)
    rows, ends = [], []
    for picture, label in PICTURE_LABELS.items():
        runs = [chapter.run(picture, seed)["records"] for seed in range(seeds)]
        for method in chapter.METHODS:
            for k, record in enumerate(runs[0]):
                values = np.array([run[k]["methods"][method]["loss"] for run in runs])
                rows.append({"method": chapter.NAMES[method], "picture": label,
                             "passes": round(record["compute"], 2),
                             "low": round(float(values.min()), 5),
                             "high": round(float(values.max()), 5),
                             "median": round(float(np.median(values)), 5)})
            ends.append({"method": chapter.NAMES[method], "picture": label,
                         "median": float(np.median([run[-1]["methods"][method]["loss"]
                                                    for run in runs]))})
    return {"race": rows, "ends": ends,
            "settings": [{"seeds": seeds, "budget": chapter.BUDGET, "size": chapter.SIZE,
                          "parameters": chapter.parameters()}]}


def images_race_description(data: dict) -> str:
    s = data["settings"][0]
    parts = []
    for label in PICTURE_LABELS.values():
        ends = sorted((e for e in data["ends"] if e["picture"] == label), key=lambda e: e["median"])
        parts.append(f"{label}: " + ", ".join(f"{e['method']} {e['median']:.4f}" for e in ends)
                     + f" (lowest: {ends[0]['method']})")
    return (f"Two line charts of the loss (mean squared error, log scale) against compute, up to "
            f"{s['budget']:,} image passes, for a network of {s['parameters']:,} parameters "
            f"painting a {s['size']} by {s['size']} smiley (left) and photo (right); a band spans "
            f"{s['seeds']} seeds, a line is their median. Median final losses: "
            + "; ".join(parts) + ".")


def _methods():
    import altair as alt

    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5,
                        symbolOpacity=1, labelLimit=320, columns=2)
    colour = alt.Color("method:N", title="method", sort=METHOD_LABELS, legend=legend,
                       scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_COLOURS))
    dash = alt.StrokeDash("method:N", title="method", sort=METHOD_LABELS, legend=None,
                          scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_DASHES))
    return colour, dash


@register("images_race", data=images_race_data, description=images_race_description)
def images_race(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    colour, dash = _methods()
    budget = data["settings"][0]["budget"]
    panels = []
    for label in PICTURE_LABELS.values():
        base = alt.Chart(alt.NamedData("race")).transform_filter(alt.datum.picture == label)
        x = alt.X("passes:Q", title="compute (image passes; backward = 2 forward)",
                  scale=alt.Scale(domain=[0, budget]))
        y = alt.Y("low:Q", title="loss (mean squared error, log scale)",
                  scale=alt.Scale(type="log"))
        tips = [alt.Tooltip("method:N"), alt.Tooltip("passes:Q", format=",.0f", title="image passes"),
                alt.Tooltip("median:Q", format=".4f", title="median loss"),
                alt.Tooltip("low:Q", format=".4f", title="lowest seed"),
                alt.Tooltip("high:Q", format=".4f", title="highest seed")]
        band = base.mark_area(opacity=0.22).encode(x=x, y=y, y2="high:Q", color=colour,
                                                   tooltip=tips)
        line = base.mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y("median:Q", scale=alt.Scale(type="log")), color=colour,
            strokeDash=dash, tooltip=tips)
        panels.append(alt.layer(band, line).properties(width=WIDTH, height=HEIGHT,
                                                       title=f"{label}: same compute"))
    return alt.hconcat(*panels).resolve_scale(color="shared", strokeDash="shared")


# ---- the strip of checkpoints ------------------------------------------------------------------


def images_checkpoints_data(picture: str = "smiley") -> dict:
    shots = chapter.checkpoints(picture, 0, FRACTIONS)
    target = chapter.target(picture, chapter.SIZE)
    rows, panels = [], []
    pictures = [("target", "Target", "loss 0", target)]
    for f in FRACTIONS:
        for m in chapter.METHODS:
            pictures.append((f"{m}-{f}", f"{SHORT[m]} at {f:.0%}",
                             f"loss {chapter.loss_at(m, picture, f, 0):.4f}", shots[f][m]))
    for k, (key, title, subtitle, image) in enumerate(pictures):
        grey = np.rint(np.clip(image, 0, 1) * 255).astype(int).ravel()
        rows += [{"p": k, "i": i, "v": int(v)} for i, v in enumerate(grey)]
        panels.append({"p": k, "title": title, "subtitle": subtitle})
    losses = [{"method": chapter.NAMES[m], "fraction": f,
               "loss": chapter.loss_at(m, picture, f, 0)} for f in FRACTIONS for m in chapter.METHODS]
    return {"pixels": rows, "panels": panels, "losses": losses,
            "settings": [{"size": chapter.SIZE, "picture": picture}]}


def images_checkpoints_description(data: dict) -> str:
    s = data["settings"][0]
    parts = [f"{r['method']} after {r['fraction']:.0%} of the budget: loss {r['loss']:.4f}"
             for r in data["losses"]]
    return (f"A strip of {len(data['panels'])} grey pictures, {s['size']} by {s['size']} pixels: "
            f"the {s['picture']} target, then what each method's network draws after a tenth of "
            "the budget (top row) and after all of it (bottom row), seed 0. "
            + "; ".join(parts) + ".")


@register("images_checkpoints", data=images_checkpoints_data,
          description=images_checkpoints_description)
def images_checkpoints(data: dict):
    import altair as alt

    size = data["settings"][0]["size"]
    cell = 100
    charts = []
    for panel in data["panels"]:
        base = alt.Chart(alt.NamedData("pixels")).transform_filter(
            alt.datum.p == panel["p"]).transform_calculate(
            col=f"datum.i % {size}", row=f"floor(datum.i / {size})")
        grey = alt.Color("v:Q", scale=alt.Scale(domain=[0, 255], range=["#000000", "#ffffff"]),
                         legend=None)
        chart = base.mark_rect(strokeWidth=0.6).encode(
            x=alt.X("col:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)),
            y=alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)),
            color=grey,
            stroke=alt.Stroke("v:Q", scale=alt.Scale(domain=[0, 255], range=["#000000", "#ffffff"]),
                              legend=None),
            tooltip=[alt.Tooltip("col:O", title="column"), alt.Tooltip("row:O", title="row"),
                     alt.Tooltip("v:Q", title="grey level (0-255)")],
        ).properties(width=cell, height=cell,
                     title=alt.TitleParams(panel["title"], subtitle=panel["subtitle"]))
        charts.append(chart)
    first = alt.hconcat(charts[0], *charts[1:4])
    second = alt.hconcat(*charts[4:])
    return alt.vconcat(first, second)
