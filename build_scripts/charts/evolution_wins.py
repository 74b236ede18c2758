"""Charts of the chapter "Where evolution still wins" (slug `evolution-wins`), data from
`explainer_core.chapters.evolution_wins`:

- `evolution_wins_divergence`: objective search and novelty search in the deceptive square: every
  point each evaluated in one run (seed 0), coloured by generation, with the trap and the goal,
  and how many of the runs found the goal;
- `evolution_wins_starts`: many starts of gradient descent and of local search on one small
  network: the loss where each run ends, and for each pair of solutions their distance (after
  aligning hidden units) against the loss barrier on the straight line between them.
"""

from __future__ import annotations

import numpy as np

from explainer_core.chapters import evolution_wins as chapter

from . import _style, register

WIDTH, HEIGHT = 300, 300
METHOD_LABELS = {"objective": "objective search", "novelty": "novelty search"}
RUN_LABELS = {"gd": "gradient descent", "evolution": "local search"}
PAIR_LABELS = {"gd": "two gradient-descent runs", "evolution": "two local-search runs",
               "across": "one of each, same start"}
PAIR_COLOURS = [_style.OKABE_ITO[0], _style.OKABE_ITO[5], _style.OKABE_ITO[2]]


# ---- divergence -----------------------------------------------------------------------------


def evolution_wins_divergence_data(seed: str = "0", every: str = "3") -> dict:
    seed, every = int(seed), int(every)
    points = []
    for method, label in METHOD_LABELS.items():
        run = chapter.divergent_search(method, seed)
        keep = run["generation"] % every == 0
        for (x, y), g in zip(run["points"][keep], run["generation"][keep]):
            points.append({"method": label, "x": round(float(x), 2), "y": round(float(y), 2),
                           "generation": int(g)})
    summary = []
    rows = chapter.divergence_summary()
    for method, label in METHOD_LABELS.items():
        mine = [r for r in rows if r["method"] == method]
        summary.append({"method": label, "solved": sum(r["solved_at"] is not None for r in mine),
                        "runs": len(mine),
                        "cells": float(np.median([r["cells"] for r in mine]))})
    marks = [{"x": float(chapter.TRAP[0]), "y": float(chapter.TRAP[1]), "what": "trap (loss 0.5)"},
             {"x": float(chapter.GOAL[0]), "y": float(chapter.GOAL[1]), "what": "goal (loss 0)"},
             {"x": 0.0, "y": 0.0, "what": "start"}]
    return {"points": points, "summary": summary, "marks": marks,
            "settings": [{"seed": seed, "generations": chapter.NOVELTY["generations"],
                          "box": chapter.BOX}]}


def evolution_wins_divergence_description(data: dict) -> str:
    s = {r["method"]: r for r in data["summary"]}
    o, n = s["objective search"], s["novelty search"]
    return (f"Two scatter plots of the points each method tried in one run of "
            f"{data['settings'][0]['generations']} generations, in the square from "
            f"−{data['settings'][0]['box']:g} to {data['settings'][0]['box']:g}, coloured by "
            f"generation: objective search stays in a small cloud around the trap next to the "
            f"start (a median of {o['cells']:.0f} grid cells visited), novelty search spreads over "
            f"the square (a median of {n['cells']:.0f} cells). A bar chart: objective search found "
            f"the goal in {o['solved']} of {o['runs']} runs, novelty search in {n['solved']} of "
            f"{n['runs']}.")


@register("evolution_wins_divergence", data=evolution_wins_divergence_data,
          description=evolution_wins_divergence_description)
def evolution_wins_divergence(data: dict):
    import altair as alt

    box = data["settings"][0]["box"]
    scale = alt.Scale(domain=[-box, box], nice=False)
    panels = []
    for label in METHOD_LABELS.values():
        dots = alt.Chart(alt.NamedData("points")).transform_filter(
            alt.datum.method == label).mark_circle(size=14, opacity=0.7).encode(
            x=alt.X("x:Q", title="x₁ (position, no unit)", scale=scale),
            y=alt.Y("y:Q", title="x₂ (position, no unit)", scale=scale),
            color=alt.Color("generation:Q", title="generation",
                            scale=alt.Scale(scheme=_style.LOSS_SCHEME),
                            legend=alt.Legend(orient="bottom", gradientLength=160)),
            tooltip=[alt.Tooltip("method:N"), alt.Tooltip("generation:Q"),
                     alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f")])
        marks = alt.Chart(alt.NamedData("marks")).mark_point(
            size=160, filled=False, strokeWidth=2.5, color=_style.OKABE_ITO[5]).encode(
            x="x:Q", y="y:Q",
            shape=alt.Shape("what:N", title=None, legend=None,
                            scale=alt.Scale(domain=["start", "trap (loss 0.5)", "goal (loss 0)"],
                                            range=["circle", "triangle-up", "diamond"])),
            tooltip=[alt.Tooltip("what:N", title="point"), alt.Tooltip("x:Q"), alt.Tooltip("y:Q")])
        panels.append(alt.layer(dots, marks).properties(
            width=WIDTH, height=HEIGHT,
            title=alt.Title(f"{label}: points tried",
                            subtitle="○ start   △ trap (loss 0.5)   ◇ goal (loss 0)")))
    bars = alt.Chart(alt.NamedData("summary")).mark_bar(color=_style.OKABE_ITO[0]).encode(
        x=alt.X("method:N", title=None, sort=list(METHOD_LABELS.values()),
                axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')")),
        y=alt.Y("solved:Q", title="runs that found the goal (of 20)",
                scale=alt.Scale(domain=[0, 20])),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("solved:Q", title="runs that found it"),
                 alt.Tooltip("runs:Q", title="runs"),
                 alt.Tooltip("cells:Q", title="median cells visited")]).properties(
        width=160, height=HEIGHT, title="goal found")
    return alt.hconcat(*panels, bars).resolve_scale(color="shared", shape="shared")


# ---- many starts ------------------------------------------------------------------------------


def evolution_wins_starts_data() -> dict:
    result = chapter.many_starts()
    runs = [{"method": RUN_LABELS[r["method"]], "run": r["run"], "loss": round(r["loss"], 5)}
            for r in result["runs"]]
    pairs = [{"pair": PAIR_LABELS[p["method"]], "a": p["a"], "b": p["b"],
              "distance": round(p["distance"], 3), "aligned": round(p["aligned_distance"], 3),
              "barrier": round(max(p["barrier"], 0.0), 4)} for p in result["pairs"]]
    return {"runs": runs, "pairs": pairs}


def evolution_wins_starts_description(data: dict) -> str:
    def med(key, label, table="pairs", field="pair"):
        return float(np.median([r[key] for r in data[table] if r[field] == label]))

    losses = ", ".join(f"{label}: {min(r['loss'] for r in data['runs'] if r['method'] == label):.3f}"
                       f" to {max(r['loss'] for r in data['runs'] if r['method'] == label):.3f}"
                       for label in RUN_LABELS.values())
    pairs = "; ".join(f"{label}: median distance {med('aligned', label):.2f}, median barrier "
                      f"{med('barrier', label):.3f}" for label in PAIR_LABELS.values())
    return (f"A strip chart of the final loss (mean squared error) of "
            f"{len(data['runs']) // 2} runs of each method ({losses}), and a scatter plot of "
            f"every pair of solutions: their distance after aligning hidden units, against the "
            f"loss barrier on the straight line between them. {pairs}.")


@register("evolution_wins_starts", data=evolution_wins_starts_data,
          description=evolution_wins_starts_description)
def evolution_wins_starts(data: dict):
    import altair as alt

    runs = alt.Chart(alt.NamedData("runs")).mark_point(size=70, filled=True).encode(
        x=alt.X("method:N", title=None, sort=list(RUN_LABELS.values()),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("loss:Q", title="final loss (MSE)", scale=alt.Scale(zero=True)),
        color=alt.Color("method:N", title="runs", sort=list(RUN_LABELS.values()),
                        scale=alt.Scale(domain=list(RUN_LABELS.values()),
                                        range=PAIR_COLOURS[:2]),
                        legend=None),
        shape=alt.Shape("method:N", sort=list(RUN_LABELS.values()), legend=None),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("run:Q", title="start"),
                 alt.Tooltip("loss:Q", format=".4f")]).properties(
        width=200, height=HEIGHT - 60, title="where each run ends")
    pairs = alt.Chart(alt.NamedData("pairs")).mark_point(size=60, filled=True, opacity=0.85).encode(
        x=alt.X("aligned:Q", title="distance (aligned, weight units)",
                scale=alt.Scale(zero=True)),
        y=alt.Y("barrier:Q", title="straight-line barrier (MSE)"),
        color=alt.Color("pair:N", title="pair", sort=list(PAIR_LABELS.values()),
                        scale=alt.Scale(domain=list(PAIR_LABELS.values()), range=PAIR_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=320)),
        shape=alt.Shape("pair:N", sort=list(PAIR_LABELS.values()), legend=None,
                        scale=alt.Scale(range=["circle", "square", "triangle-up"])),
        tooltip=[alt.Tooltip("pair:N"), alt.Tooltip("a:Q", title="run"),
                 alt.Tooltip("b:Q", title="other run"),
                 alt.Tooltip("distance:Q", format=".2f", title="distance, raw"),
                 alt.Tooltip("aligned:Q", format=".2f", title="distance, aligned"),
                 alt.Tooltip("barrier:Q", format=".4f")]).properties(
        width=WIDTH, height=HEIGHT - 60, title="pairs of solutions")
    return alt.hconcat(runs, pairs).resolve_scale(color="independent", shape="independent")
