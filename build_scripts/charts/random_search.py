"""Charts of the chapter "Searching blindly" (slug `random-search`), data from
`explainer_core.chapters.random_search`:

- `random_search_seeds`: the book's experiment over ten seeds: loss and accuracy against the
  iterations, per method and data set, the range of the seeds as a band, their median as a line;
- `random_search_new_bests`: reason 1, random search's new bests get rarer: each seed's count of
  new lowest losses against the iterations (log axis), with the count expected of blind draws;
- `random_search_parameters`: reason 2, the parameters do not matter equally: how much a step of
  0.05 along each one raises the loss, and the loss along three of them;
- `random_search_kept`: reason 3, tweak-and-keep's share of tweaks kept per 500 iterations,
  falling towards zero as it settles in a minimum.

Methods keep one colour and dash everywhere: random search vermillion and dashed, tweak-and-keep
blue and solid (Okabe-Ito, `_style`).
"""

from __future__ import annotations

import math

import numpy as np

from explainer_core.chapters import random_search as chapter

from . import _style, register

METHOD_LABELS = [chapter.NAMES[m] for m in chapter.METHODS]  # random search, tweak-and-keep
METHOD_COLOURS = [_style.OKABE_ITO[5], _style.OKABE_ITO[0]]  # vermillion, blue
METHOD_DASHES = [[6, 3], [1, 0]]
DATA_LABELS = {"vertical": "Vertical data", "spiral": "Spiral data"}
WIDTH, HEIGHT = 330, 200


def _methods(title: str = "method"):
    import altair as alt

    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5,
                        symbolOpacity=1, labelLimit=320)
    colour = alt.Color("method:N", title=title, sort=METHOD_LABELS, legend=legend,
                       scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_COLOURS))
    dash = alt.StrokeDash("method:N", title=title, sort=METHOD_LABELS, legend=None,
                          scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_DASHES))
    return colour, dash


# ---- the book's experiment over seeds ----------------------------------------------------------


def random_search_seeds_data(seeds: str = str(chapter.SEEDS), every: str = "100") -> dict:
    seeds, every = int(seeds), int(every)
    rows = []
    for method in chapter.METHODS:
        for data in chapter.DATA:
            runs = [chapter.trajectory(method, data, seed=seed) for seed in range(seeds)]
            keep = [k for k, step in enumerate(runs[0].steps) if step % every == 0]
            for metric in ("loss", "accuracy"):
                values = np.array([getattr(run, metric)[keep] for run in runs])  # (seeds, T)
                for column, k in enumerate(keep):
                    rows.append({
                        "method": chapter.NAMES[method], "data": DATA_LABELS[data],
                        "metric": metric, "iteration": int(runs[0].steps[k]),
                        "low": round(float(values[:, column].min()), 4),
                        "high": round(float(values[:, column].max()), 4),
                        "median": round(float(np.median(values[:, column])), 4),
                    })
    return {"seeds": rows, "settings": [{"seeds": seeds, "iterations": chapter.ITERATIONS}]}


def random_search_seeds_description(data: dict) -> str:
    seeds = data["settings"][0]["seeds"]
    last = {(r["method"], r["data"], r["metric"]): r for r in data["seeds"]
            if r["iteration"] == data["settings"][0]["iterations"]}

    def ends(method, data_label):
        loss, acc = last[method, data_label, "loss"], last[method, data_label, "accuracy"]
        return (f"{method} ends at loss {loss['low']:.3f} to {loss['high']:.3f} and accuracy "
                f"{acc['low']:.0%} to {acc['high']:.0%}")

    return (f"Four line charts of the book's experiment over {seeds} seeds, loss (top) and "
            "accuracy (bottom) against the iterations, for the vertical data (left) and the spiral "
            "data (right); a band spans the seeds, a line is their median. "
            + ". ".join(f"{label}: " + "; ".join(ends(m, label) for m in METHOD_LABELS)
                        for label in DATA_LABELS.values()) + ".")


@register("random_search_seeds", data=random_search_seeds_data,
          description=random_search_seeds_description)
def random_search_seeds(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    colour, dash = _methods()
    metrics = {"loss": ("loss (cross-entropy)", [0, 1.2]),
               "accuracy": ("accuracy (share of points right)", [0, 1])}
    rows = []
    for metric, (title, domain) in metrics.items():
        panels = []
        for data_label in DATA_LABELS.values():
            base = alt.Chart(alt.NamedData("seeds")).transform_filter(
                (alt.datum.metric == metric) & (alt.datum.data == data_label))
            x = alt.X("iteration:Q", title="iterations", scale=alt.Scale(domain=[0, 10_000]))
            tips = [alt.Tooltip("method:N"), alt.Tooltip("iteration:Q", format=","),
                    alt.Tooltip("median:Q", format=".4f", title=f"median {metric}"),
                    alt.Tooltip("low:Q", format=".4f", title="lowest seed"),
                    alt.Tooltip("high:Q", format=".4f", title="highest seed")]
            band = base.mark_area(opacity=0.25).encode(
                x=x, y=alt.Y("low:Q", title=title, scale=alt.Scale(domain=domain)), y2="high:Q",
                color=colour, tooltip=tips)
            line = base.mark_line(strokeWidth=2).encode(
                x=x, y=alt.Y("median:Q", scale=alt.Scale(domain=domain)), color=colour,
                strokeDash=dash, tooltip=tips)
            panels.append(alt.layer(band, line).properties(
                width=WIDTH, height=HEIGHT, title=f"{data_label}: {metric}"))
        rows.append(alt.hconcat(*panels))
    return alt.vconcat(*rows).resolve_scale(color="shared", strokeDash="shared")


# ---- reason 1: new bests get rarer ------------------------------------------------------------


def random_search_new_bests_data(seeds: str = str(chapter.SEEDS)) -> dict:
    seeds = int(seeds)
    n = chapter.ITERATIONS
    counts, expected, summary = [], [], []
    t = np.unique(np.round(np.logspace(0, math.log10(n), 41)).astype(int))
    for data in chapter.DATA:
        ps = []
        for seed in range(seeds):
            run = chapter.trajectory("random_search", data, seed=seed)
            steps = [int(s) for s in run.kept_steps]
            counts.append({"data": DATA_LABELS[data], "seed": seed, "iteration": 1, "count": 0})
            counts += [{"data": DATA_LABELS[data], "seed": seed, "iteration": s, "count": k + 1}
                       for k, s in enumerate(steps)]
            counts.append({"data": DATA_LABELS[data], "seed": seed, "iteration": n,
                           "count": len(steps)})
            draws = chapter.random_draw_losses(data, seed)
            ps.append(float(np.mean(draws < chapter.start_loss(data, seed))))
        p = float(np.mean(ps))
        k = np.arange(1, n + 1)
        cumulative = np.cumsum((1.0 - (1.0 - p) ** k) / k)
        expected += [{"data": DATA_LABELS[data], "iteration": int(i),
                      "count": round(float(cumulative[i - 1]), 3)} for i in t]
        summary.append({"data": DATA_LABELS[data], "p": round(p, 4),
                        "mean": float(np.mean([c["count"] for c in counts
                                               if c["data"] == DATA_LABELS[data]
                                               and c["iteration"] == n])),
                        "expected": round(float(cumulative[-1]), 3)})
    return {"counts": counts, "expected": expected, "summary": summary}


def random_search_new_bests_description(data: dict) -> str:
    parts = [f"{s['data']}: on average {s['mean']:.1f} new bests in 10,000 draws, "
             f"{s['expected']:.1f} expected" for s in data["summary"]]
    return ("Two step charts of random search's count of new lowest losses against the "
            "iterations, on a logarithmic axis, one thin line per seed, with the count expected "
            "of independent blind draws as a thick line: it grows like the logarithm of the "
            "iterations, so the steps are about evenly spaced on this axis and each tenfold "
            "more draws adds about two. " + "; ".join(parts) + ".")


@register("random_search_new_bests", data=random_search_new_bests_data,
          description=random_search_new_bests_description)
def random_search_new_bests(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    x = alt.X("iteration:Q", title="iterations (log scale)",
              scale=alt.Scale(type="log", domain=[1, 10_000]),
              axis=alt.Axis(values=[1, 10, 100, 1000, 10_000], format=","))
    y = alt.Y("count:Q", title="new lowest losses found (count)", scale=alt.Scale(domain=[0, 14]))
    kind = alt.Color("line:N", title=None, legend=alt.Legend(orient="bottom", symbolType="stroke",
                                                             symbolStrokeWidth=2.5),
                     scale=alt.Scale(domain=["one seed's run", "expected of blind draws"],
                                     range=[_style.OKABE_ITO[5], _style.OKABE_ITO[7]]))
    panels = []
    for label in DATA_LABELS.values():
        runs = alt.Chart(alt.NamedData("counts")).transform_filter(
            alt.datum.data == label).transform_calculate(line="\"one seed's run\"").mark_line(
            interpolate="step-after", strokeWidth=1.3, opacity=0.75).encode(
            x=x, y=y, detail="seed:N", color=kind,
            tooltip=[alt.Tooltip("seed:N"), alt.Tooltip("iteration:Q", format=","),
                     alt.Tooltip("count:Q", title="new bests so far")])
        expected = alt.Chart(alt.NamedData("expected")).transform_filter(
            alt.datum.data == label).transform_calculate(
            line="'expected of blind draws'").mark_line(strokeWidth=3, strokeDash=[4, 2]).encode(
            x=x, y=y, color=kind,
            tooltip=[alt.Tooltip("iteration:Q", format=","),
                     alt.Tooltip("count:Q", format=".2f", title="expected new bests")])
        panels.append(alt.layer(runs, expected).properties(
            width=WIDTH, height=HEIGHT, title=f"{label}: random search"))
    return alt.hconcat(*panels)


# ---- reason 2: the parameters do not matter equally ---------------------------------------------


def random_search_parameters_data(data: str = "vertical", seed: str = "0") -> dict:
    seed = int(seed)
    names = chapter.parameter_names()
    rises = chapter.parameter_rises(data, seed)
    order = chapter.ranked_parameters(data, seed)
    # a dead neuron's parameters change nothing at all: drawn at a floor below the others
    floor = max(1e-12, float(np.min(rises[rises > 0])) / 10 if np.any(rises > 0) else 1e-12)
    bars = [{"parameter": names[i], "rank": r + 1, "rise": float(f"{rises[i]:.4g}"),
             "shown": max(float(rises[i]), floor),
             "layer": "first layer" if i < 9 else "second layer"} for r, i in enumerate(order)]
    picks = {"steepest": order[0], "middle": order[len(order) // 2], "flattest": order[-1]}
    slices = []
    for which, index in picks.items():
        t, loss = chapter.one_parameter_slice(index, data, seed, span=1.0, n=81)
        slices += [{"which": f"{which}: {names[index]}", "offset": round(float(a), 4),
                    "loss": round(float(v), 5)} for a, v in zip(t, loss)]
    return {"bars": bars, "slices": slices,
            "point": [{"loss": chapter.final("tweak_and_keep", data, "loss", seed),
                       "ratio": chapter.rise("ratio", data, seed),
                       "data": data, "seed": seed}]}


def random_search_parameters_description(data: dict) -> str:
    bars = data["bars"]
    top, bottom = bars[0], bars[-1]
    point = data["point"][0]
    return ("Left: a bar per parameter of the network at the end of tweak-and-keep's run on the "
            f"{point['data']} data (seed {point['seed']}), how much a step of 0.05 along that "
            "parameter alone raises the loss, on a logarithmic axis. The steepest, "
            f"{top['parameter']}, raises it by {top['rise']:.2g}; the flattest, "
            f"{bottom['parameter']}, by {bottom['rise']:.2g}: {point['ratio']:,.0f} times less. "
            "Right: the loss along three parameters (the steepest, a middle one and the "
            "flattest) moved alone from -1 to 1, the others kept; the grey band is the size of "
            "one tweak, plus or minus 0.05.")


@register("random_search_parameters", data=random_search_parameters_data,
          description=random_search_parameters_description)
def random_search_parameters(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    floor = min(row["shown"] for row in data["bars"])
    bars = alt.Chart(alt.NamedData("bars")).mark_bar().encode(
        y=alt.Y("parameter:N", title=None, sort=alt.EncodingSortField("rank"),
                axis=alt.Axis(labelLimit=120)),
        x=alt.X("shown:Q", title="loss rise for a 0.05 step (log scale)",
                scale=alt.Scale(type="log", domainMin=floor / 2), axis=alt.Axis(format="~e")),
        x2=alt.datum(floor / 2),
        color=alt.Color("layer:N", title="layer",
                        scale=alt.Scale(domain=["first layer", "second layer"],
                                        range=[_style.OKABE_ITO[0], _style.OKABE_ITO[1]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("parameter:N"), alt.Tooltip("rise:Q", format=".3g",
                                                         title="loss rise for a 0.05 step")],
    ).properties(width=WIDTH - 60, height=21 * 14,
                 title="How much one parameter's step matters")
    which = list(dict.fromkeys(row["which"] for row in data["slices"]))  # steepest first
    band = alt.Chart(alt.NamedData("point")).mark_rect(opacity=0.18, color="#999999",
                                                       aria=False).encode(
        x=alt.datum(-0.05), x2=alt.datum(0.05))
    line = alt.Chart(alt.NamedData("slices")).mark_line(strokeWidth=2.2).encode(
        x=alt.X("offset:Q", title="change of that parameter alone"),
        y=alt.Y("loss:Q", title="loss (cross-entropy)", scale=alt.Scale(zero=False)),
        color=alt.Color("which:N", title="parameter", sort=which,
                        legend=alt.Legend(orient="bottom", columns=1, symbolType="stroke",
                                          labelLimit=320),
                        scale=alt.Scale(domain=which, range=[_style.OKABE_ITO[5],
                                                             _style.OKABE_ITO[2],
                                                             _style.OKABE_ITO[3]])),
        strokeDash=alt.StrokeDash("which:N", legend=None, sort=which,
                                  scale=alt.Scale(domain=which, range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("which:N", title="parameter"), alt.Tooltip("offset:Q", format=".3f"),
                 alt.Tooltip("loss:Q", format=".4f")],
    )
    slices = alt.layer(band, line).properties(width=WIDTH, height=21 * 14,
                                              title="The loss along one parameter")
    return alt.hconcat(bars, slices).resolve_scale(color="independent",
                                                   strokeDash="independent")


# ---- reason 3: fewer and fewer tweaks are kept -------------------------------------------------


def random_search_kept_data(seeds: str = str(chapter.SEEDS)) -> dict:
    seeds = int(seeds)
    window = chapter.WINDOW
    rows, medians = [], []
    for data in chapter.DATA:
        fractions = np.array([chapter.kept_fractions("tweak_and_keep", data, seed)
                              for seed in range(seeds)])  # (seeds, windows)
        for seed in range(seeds):
            rows += [{"data": DATA_LABELS[data], "seed": seed,
                      "iteration": int((k + 0.5) * window), "kept": float(f)}
                     for k, f in enumerate(fractions[seed])]
        medians += [{"data": DATA_LABELS[data], "iteration": int((k + 0.5) * window),
                     "kept": float(np.median(fractions[:, k])),
                     "first": k * window + 1, "last": (k + 1) * window}
                    for k in range(fractions.shape[1])]
    return {"windows": rows, "median": medians,
            "settings": [{"seeds": seeds, "window": window}]}


def random_search_kept_description(data: dict) -> str:
    window = data["settings"][0]["window"]
    parts = []
    for label in DATA_LABELS.values():
        rows = [r for r in data["median"] if r["data"] == label]
        parts.append(f"{label}: {rows[0]['kept']:.1%} of tweaks kept in the first {window} "
                     f"iterations, {rows[-1]['kept']:.1%} in the last {window} (median of the "
                     "seeds)")
    return (f"Two line charts of the share of tweaks that tweak-and-keep kept in each window of "
            f"{window} iterations, one thin line per seed and the median thick, falling towards "
            "zero. " + "; ".join(parts) + ".")


@register("random_search_kept", data=random_search_kept_data,
          description=random_search_kept_description)
def random_search_kept(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    x = alt.X("iteration:Q", title="iterations (middle of each window of 500)",
              scale=alt.Scale(domain=[0, 10_000]))
    y = alt.Y("kept:Q", title="share of tweaks kept", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 0.4]))
    kind = alt.Color("line:N", title=None,
                     legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5),
                     scale=alt.Scale(domain=["one seed", "median of the seeds"],
                                     range=[_style.OKABE_ITO[4], _style.OKABE_ITO[0]]))
    panels = []
    for label in DATA_LABELS.values():
        seeds = alt.Chart(alt.NamedData("windows")).transform_filter(
            alt.datum.data == label).transform_calculate(line="'one seed'").mark_line(
            strokeWidth=1, opacity=0.7).encode(
            x=x, y=y, detail="seed:N", color=kind,
            tooltip=[alt.Tooltip("seed:N"), alt.Tooltip("iteration:Q", format=","),
                     alt.Tooltip("kept:Q", format=".1%", title="tweaks kept")])
        median = alt.Chart(alt.NamedData("median")).transform_filter(
            alt.datum.data == label).transform_calculate(
            line="'median of the seeds'").mark_line(strokeWidth=3, point=True).encode(
            x=x, y=y, color=kind,
            tooltip=[alt.Tooltip("first:Q", format=",", title="from iteration"),
                     alt.Tooltip("last:Q", format=",", title="to iteration"),
                     alt.Tooltip("kept:Q", format=".1%", title="median share kept")])
        panels.append(alt.layer(seeds, median).properties(
            width=WIDTH, height=HEIGHT, title=f"{label}: tweak-and-keep"))
    return alt.hconcat(*panels)
