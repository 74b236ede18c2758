"""Charts of the chapter "Gradient descent" (slug `gradient-descent`), data from
`explainer_core.chapters.gradient_descent`:

- `gd_learning_rates`: full-batch gradient descent on the chapter's 1-16-1 network, the training
  loss against the steps for learning rates from 0.001 to 10 (four orders of magnitude), a cross
  where a run diverged (its loss stopped being a finite number);
- `gd_batch_sizes`: the final training and test loss against the batch size, one point per seed
  and the mean as a line, at equal steps and at equal compute.
"""

from __future__ import annotations

import math

from explainer_core.chapters import gradient_descent as chapter

from . import _style, register

WIDTH, HEIGHT = 330, 220
LR_COLOURS = [_style.OKABE_ITO[k] for k in (7, 4, 0, 2, 1, 5)]
LR_DASHES = [[2, 2], [6, 3], [1, 0], [8, 2, 2, 2], [4, 4], [1, 0]]


def _lr_label(lr: float) -> str:
    return f"η = {lr:g}"


def gd_learning_rates_data() -> dict:
    curves, ends = [], []
    for lr in chapter.LEARNING_RATES:
        curve = chapter.lr_curve(lr)
        label = _lr_label(lr)
        for r in curve:
            if math.isfinite(r["loss"]) and (r["step"] % 2 == 0 or r["step"] < 40):
                curves.append({"rate": label, "lr": lr, "step": r["step"],
                               "loss": float(f"{r['loss']:.5g}")})
        diverged = chapter.lr_outcome(lr, "diverged_at")
        finite = [r for r in curve if math.isfinite(r["loss"])]
        ends.append({"rate": label, "lr": lr, "diverged_at": diverged,
                     "step": finite[-1]["step"], "loss": float(f"{finite[-1]['loss']:.5g}"),
                     "outcome": (f"overflowed at step {diverged}" if diverged
                                 else f"{chapter.LR_STEPS} steps")})
    return {"curves": curves, "ends": ends,
            "settings": [{"steps": chapter.LR_STEPS, "n_train": chapter.N_TRAIN}]}


def gd_learning_rates_description(data: dict) -> str:
    parts = []
    for e in data["ends"]:
        if e["diverged_at"]:
            parts.append(f"at {e['rate']} the loss overflows at step {e['diverged_at']} "
                         f"(last finite loss {e['loss']:.3g} at step {e['step']})")
        else:
            parts.append(f"at {e['rate']} it ends at {e['loss']:.3g}")
    steps = data["settings"][0]["steps"]
    return (f"A line chart of the training loss (mean squared error, log scale) against the step, "
            f"for {steps} steps of full-batch gradient descent at six learning rates from 0.001 "
            f"to 10; a cross marks the last finite loss of a run that diverged. "
            + "; ".join(parts) + ".")


@register("gd_learning_rates", data=gd_learning_rates_data,
          description=gd_learning_rates_description)
def gd_learning_rates(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    labels = [e["rate"] for e in data["ends"]]
    colour = alt.Color("rate:N", title="learning rate", sort=labels,
                       scale=alt.Scale(domain=labels, range=LR_COLOURS),
                       legend=alt.Legend(orient="right", symbolType="stroke",
                                         symbolStrokeWidth=2.5))
    dash = alt.StrokeDash("rate:N", sort=labels, legend=None,
                          scale=alt.Scale(domain=labels, range=LR_DASHES))
    x = alt.X("step:Q", title="step (one full-batch gradient step each)",
              scale=alt.Scale(domain=[0, data["settings"][0]["steps"]]))
    y = alt.Y("loss:Q", title="training loss (MSE, log scale)",
              scale=alt.Scale(type="log"), axis=alt.Axis(format="~g"))
    lines = alt.Chart(alt.NamedData("curves")).mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, strokeDash=dash,
        tooltip=[alt.Tooltip("rate:N", title="learning rate"), alt.Tooltip("step:Q"),
                 alt.Tooltip("loss:Q", format=".4g", title="training loss")])
    crosses = alt.Chart(alt.NamedData("ends")).transform_filter(
        alt.datum.diverged_at > 0).mark_point(shape="cross", size=140, filled=True).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip("rate:N", title="learning rate"),
                 alt.Tooltip("outcome:N", title="run"),
                 alt.Tooltip("loss:Q", format=".4g", title="last finite loss")])
    return alt.layer(lines, crosses).properties(
        width=WIDTH + 110, height=HEIGHT + 40,
        title="Full-batch gradient descent at six learning rates")


BUDGET_LABELS = {"steps": f"equal steps ({chapter.BATCH_STEPS})", "compute": "equal compute"}
SET_LABELS = {"loss": "training set", "test_loss": "test set (held out)"}


def gd_batch_sizes_data() -> dict:
    points, means = [], []
    for budget, budget_label in BUDGET_LABELS.items():
        results = chapter.batch_results(budget)
        for r in results:
            for what, set_label in SET_LABELS.items():
                points.append({"budget": budget_label, "set": set_label,
                               "batch_size": r["batch_size"], "seed": r["seed"],
                               "steps": r["steps"], "loss": float(f"{r[what]:.5g}")})
        for b in chapter.BATCH_SIZES:
            for what, set_label in SET_LABELS.items():
                means.append({"budget": budget_label, "set": set_label, "batch_size": b,
                              "loss": float(f"{chapter.batch_summary(b, what, budget):.5g}"),
                              "steps": chapter.batch_summary(b, "steps", budget, "min")})
    return {"points": points, "means": means,
            "settings": [{"seeds": chapter.SEED_COUNT, "lr": chapter.BATCH_LR,
                          "steps": chapter.BATCH_STEPS, "compute": chapter.equal_compute()}]}


def gd_batch_sizes_description(data: dict) -> str:
    s = data["settings"][0]

    def means(budget, set_label):
        rows = [m for m in data["means"] if m["budget"] == budget and m["set"] == set_label]
        return ", ".join(f"B = {m['batch_size']}: {m['loss']:.3g}" for m in rows)

    parts = [f"{budget}, mean {set_label} loss {means(budget, set_label)}"
             for budget in BUDGET_LABELS.values() for set_label in SET_LABELS.values()]
    return (f"Two panels of the final loss against the batch size (log scale), one point per "
            f"seed ({s['seeds']} seeds) and a line through the means, for the training set and "
            f"the held-out test set, at learning rate {s['lr']:g}: left at equal steps "
            f"({s['steps']}), right at equal compute ({s['compute']:,} forward-pass "
            f"equivalents). " + "; ".join(parts) + ".")


@register("gd_batch_sizes", data=gd_batch_sizes_data, description=gd_batch_sizes_description)
def gd_batch_sizes(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    sets = list(SET_LABELS.values())
    colour = alt.Color("set:N", title="loss on the", sort=sets,
                       scale=alt.Scale(domain=sets, range=[_style.OKABE_ITO[0],
                                                           _style.OKABE_ITO[5]]),
                       legend=alt.Legend(orient="bottom", labelLimit=320))
    shape = alt.Shape("set:N", sort=sets, legend=None,
                      scale=alt.Scale(domain=sets, range=["circle", "triangle-up"]))
    dash = alt.StrokeDash("set:N", sort=sets, legend=None,
                          scale=alt.Scale(domain=sets, range=[[1, 0], [6, 3]]))
    sizes = list(chapter.BATCH_SIZES)
    x = alt.X("batch_size:Q", title="batch size B (examples per step, log scale)",
              scale=alt.Scale(type="log", base=2, domain=[sizes[0] / 1.3, sizes[-1] * 1.3]),
              axis=alt.Axis(values=sizes, format="d"))
    y = alt.Y("loss:Q", title="final loss (MSE, log scale)",
              scale=alt.Scale(type="log"), axis=alt.Axis(format="~g"))
    panels = []
    for budget in BUDGET_LABELS.values():
        pts = alt.Chart(alt.NamedData("points")).transform_filter(
            alt.datum.budget == budget).mark_point(size=45, opacity=0.75, filled=True).encode(
            x=x, y=y, color=colour, shape=shape,
            tooltip=[alt.Tooltip("set:N", title="loss on the"), alt.Tooltip("batch_size:Q",
                                                                             title="batch size"),
                     alt.Tooltip("seed:N"), alt.Tooltip("steps:Q", format=",", title="steps"),
                     alt.Tooltip("loss:Q", format=".4g", title="final loss")])
        line = alt.Chart(alt.NamedData("means")).transform_filter(
            alt.datum.budget == budget).mark_line(strokeWidth=2).encode(
            x=x, y=y, color=colour, strokeDash=dash,
            tooltip=[alt.Tooltip("set:N", title="loss on the"),
                     alt.Tooltip("batch_size:Q", title="batch size"),
                     alt.Tooltip("loss:Q", format=".4g", title="mean over the seeds")])
        panels.append(alt.layer(line, pts).properties(width=WIDTH, height=HEIGHT,
                                                      title=f"Final loss at {budget}"))
    return alt.hconcat(*panels).resolve_scale(y="shared")
