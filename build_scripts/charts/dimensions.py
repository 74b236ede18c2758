"""Charts of the chapter "The curse of dimensionality" (slug `dimensions`), data from
`explainer_core.chapters.dimensions`:

- `dimensions_fraction`: the share of random mutations that improve, against D, on the sphere
  (measured and the formula Phi(-sigma D / 2)) and on a 1-h-1 tanh network;
- `dimensions_best_sigma`: the measured best mutation size against D, beside 1.224 / D;
- `dimensions_compute`: compute to bring the sphere from 1 to 0.5 against D, local search,
  OpenAI-ES and gradient descent, three seeds (log-log);
- `dimensions_minima`: the share of random curvatures that make a minimum, against D, beside 2^-D.
"""

from __future__ import annotations

import statistics

from explainer_core.chapters import dimensions as chapter

from . import _style, register

WIDTH, HEIGHT = 330, 220
METHOD_LABELS = [chapter.METHOD_NAMES[m] for m in ("tweak_and_keep", "openai_es",
                                                    "gradient_descent")]
METHOD_COLOURS = [_style.OKABE_ITO[5], _style.OKABE_ITO[3], _style.OKABE_ITO[0]]
FRACTION_DIMENSIONS = (2, 5, 10, 20, 50, 100, 200, 500, 1000, 3000, 10000)


def _legend(columns: int = 1):
    import altair as alt
    return alt.Legend(orient="bottom", labelLimit=320, columns=columns, symbolStrokeWidth=2.5)


def _d_axis(title="number of parameters D (log scale)"):
    import altair as alt
    return alt.X("parameters:Q", title=title, scale=alt.Scale(type="log"))


# ---------------------------------------------------------------- dimensions_fraction


def fraction_data(sigma: str = "0.01", network_sigma: str = "1.0") -> dict:
    sphere = chapter.improvement_by_dimension(FRACTION_DIMENSIONS, float(sigma), 2000, "sphere")
    network = chapter.improvement_by_dimension((5, 10, 20, 50, 100, 200, 500, 1000),
                                               float(network_sigma), 1000, "network")
    rows = [{"parameters": r["parameters"], "series": f"sphere, measured (σ = {sigma})",
             "fraction": round(r["fraction"], 5)} for r in sphere]
    rows += [{"parameters": r["parameters"], "series": "sphere, formula Φ(−σD/2)",
              "fraction": float(f"{r['approx']:.4g}")} for r in sphere]
    rows += [{"parameters": r["parameters"], "series": f"1-h-1 tanh network (σ = {network_sigma})",
              "fraction": round(r["fraction"], 5)} for r in network]
    return {"fractions": rows}


def fraction_description(data: dict) -> str:
    parts = []
    for series in dict.fromkeys(r["series"] for r in data["fractions"]):
        rows = [r for r in data["fractions"] if r["series"] == series]
        parts.append(f"{series}: {rows[0]['fraction']:.1%} at D = {rows[0]['parameters']:,}, "
                     f"{rows[-1]['fraction']:.1%} at D = {rows[-1]['parameters']:,}")
    return ("The share of random mutations that lower the loss, against the number of "
            "parameters D (log scale). " + "; ".join(parts) + ".")


@register("dimensions_fraction", data=fraction_data, description=fraction_description)
def dimensions_fraction(data: dict):
    import altair as alt
    series = list(dict.fromkeys(r["series"] for r in data["fractions"]))
    colour = alt.Color("series:N", title="", sort=series, legend=_legend(),
                       scale=alt.Scale(domain=series, range=[_style.OKABE_ITO[0],
                                                             _style.OKABE_ITO[7],
                                                             _style.OKABE_ITO[1]]))
    return alt.Chart(alt.NamedData("fractions")).mark_line(point=True, strokeWidth=2).encode(
        x=_d_axis(),
        y=alt.Y("fraction:Q", title="share of mutations that improve",
                axis=alt.Axis(format="%")),
        color=colour,
        strokeDash=alt.StrokeDash("series:N", sort=series, legend=None,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("parameters:Q", title="D", format=","),
                 alt.Tooltip("fraction:Q", format=".2%", title="share")],
    ).properties(width=WIDTH + 150, height=HEIGHT,
                 title=alt.TitleParams("Random mutations that help",
                                       subtitle="sphere from distance 1; network at its start"))


# ---------------------------------------------------------------- dimensions_best_sigma


def best_sigma_data() -> dict:
    rows = chapter.best_sigma_by_dimension()
    return {"best": [{"parameters": r["parameters"], "series": "measured best (grid of 25)",
                      "sigma": float(f"{r['best_sigma']:.4g}"),
                      "gain": float(f"{r['gain']:.4g}")} for r in rows]
            + [{"parameters": r["parameters"], "series": "theory 1.224 / D",
                "sigma": float(f"{r['theory_sigma']:.4g}"), "gain": None} for r in rows]}


def best_sigma_description(data: dict) -> str:
    measured = [r for r in data["best"] if r["series"].startswith("measured")]
    theory = {r["parameters"]: r["sigma"] for r in data["best"] if r["series"].startswith("theory")}
    pairs = ", ".join(f"D = {r['parameters']:,}: {r['sigma']:.3g} (theory {theory[r['parameters']]:.3g})"
                      for r in measured[::2])
    return ("The mutation size per parameter with the largest mean gain on the sphere, measured "
            f"from 2,000 mutations at 25 sizes, against D, both on log scales: {pairs}.")


@register("dimensions_best_sigma", data=best_sigma_data, description=best_sigma_description)
def dimensions_best_sigma(data: dict):
    import altair as alt
    series = ["measured best (grid of 25)", "theory 1.224 / D"]
    colour = alt.Color("series:N", title="", sort=series, legend=_legend(2),
                       scale=alt.Scale(domain=series, range=[_style.OKABE_ITO[5],
                                                             _style.OKABE_ITO[7]]))
    base = alt.Chart(alt.NamedData("best")).encode(
        x=_d_axis(),
        y=alt.Y("sigma:Q", title="σ lowering the loss most (log)",
                scale=alt.Scale(type="log")),
        color=colour,
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("parameters:Q", title="D", format=","),
                 alt.Tooltip("sigma:Q", format=".3g", title="σ"),
                 alt.Tooltip("gain:Q", format=".3g", title="mean gain per mutation")],
    )
    line = base.transform_filter(alt.datum.series == series[1]).mark_line(
        strokeDash=[6, 3], strokeWidth=2)
    points = base.transform_filter(alt.datum.series == series[0]).mark_point(
        size=60, filled=True)
    return alt.layer(line, points).properties(
        width=WIDTH + 150, height=HEIGHT + 40,
        title=alt.TitleParams("The best mutation size",
                              subtitle="sphere, from distance 1"))


# ---------------------------------------------------------------- dimensions_compute


def compute_data(seeds: str = "3") -> dict:
    rows = chapter.compute_by_dimension(chapter.CHART_DIMENSIONS, int(seeds))
    out = [{"parameters": r["parameters"], "method": chapter.METHOD_NAMES[r["method"]],
            "seed": r["seed"], "compute": r["compute"], "reached": r["reached"]} for r in rows]
    medians = []
    for method in METHOD_LABELS:
        for d in chapter.CHART_DIMENSIONS:
            values = [r["compute"] for r in out if r["method"] == method and r["parameters"] == d]
            medians.append({"parameters": d, "method": method,
                            "compute": float(statistics.median(values))})
    return {"runs": out, "median": medians}


def compute_description(data: dict) -> str:
    parts = []
    for method in METHOD_LABELS:
        rows = [r for r in data["median"] if r["method"] == method]
        parts.append(f"{method}: {rows[0]['compute']:,.0f} at D = {rows[0]['parameters']:,}, "
                     f"{rows[-1]['compute']:,.0f} at D = {rows[-1]['parameters']:,}")
    return ("Compute (forward passes plus two per backward pass) to bring the sphere from 1 "
            "to 0.5, against the number of parameters D, both on log scales, median of the "
            "seeds: " + "; ".join(parts) + ".")


@register("dimensions_compute", data=compute_data, description=compute_description)
def dimensions_compute(data: dict):
    import altair as alt
    colour = alt.Color("method:N", title="", sort=METHOD_LABELS, legend=_legend(),
                       scale=alt.Scale(domain=METHOD_LABELS, range=METHOD_COLOURS))
    y = alt.Y("compute:Q", title="compute to reach U ≤ 0.5 (forward passes, log)",
              scale=alt.Scale(type="log"))
    line = alt.Chart(alt.NamedData("median")).mark_line(strokeWidth=2).encode(
        x=_d_axis(), y=y, color=colour,
        strokeDash=alt.StrokeDash("method:N", sort=METHOD_LABELS, legend=None,
                                  scale=alt.Scale(domain=METHOD_LABELS,
                                                  range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("parameters:Q", title="D", format=","),
                 alt.Tooltip("compute:Q", format=",.0f", title="median compute")])
    runs = alt.Chart(alt.NamedData("runs")).mark_point(size=40, filled=True, opacity=0.7).encode(
        x=_d_axis(), y=y, color=colour,
        shape=alt.Shape("method:N", sort=METHOD_LABELS, legend=None),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("parameters:Q", title="D", format=","),
                 alt.Tooltip("seed:Q"), alt.Tooltip("compute:Q", format=",", title="compute")])
    return alt.layer(line, runs).properties(
        width=WIDTH + 150, height=HEIGHT + 40,
        title=alt.TitleParams("Compute to halve the loss",
                              subtitle="sphere, three seeds and their median"))


# ---------------------------------------------------------------- dimensions_minima


def minima_data() -> dict:
    rows = chapter.minimum_shares()
    return {"shares": [{"parameters": r["parameters"], "series": "random curvature (measured)",
                        "share": r["share"]} for r in rows]
            + [{"parameters": r["parameters"], "series": "a coin flip per direction, 2^−D",
                "share": r["coin"]} for r in rows]}


def minima_description(data: dict) -> str:
    measured = [r for r in data["shares"] if r["series"].startswith("random")]
    listed = ", ".join(f"{r['share']:.2%} at D = {r['parameters']}" for r in measured)
    return ("The share of 100,000 random symmetric matrices that are positive definite, the "
            "chance that a flat point is a minimum rather than a saddle, against the number "
            f"of parameters D: {listed}; a coin flip per direction would give 2^−D.")


@register("dimensions_minima", data=minima_data, description=minima_description)
def dimensions_minima(data: dict):
    import altair as alt
    series = ["random curvature (measured)", "a coin flip per direction, 2^−D"]
    colour = alt.Color("series:N", title="", sort=series, legend=_legend(),
                       scale=alt.Scale(domain=series, range=[_style.OKABE_ITO[2],
                                                             _style.OKABE_ITO[7]]))
    return alt.Chart(alt.NamedData("shares")).transform_filter(
        alt.datum.share > 0).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("parameters:Q", title="number of parameters D", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("share:Q", title="share that are minima (log)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="%")),
        color=colour,
        strokeDash=alt.StrokeDash("series:N", sort=series, legend=None,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]])),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("parameters:Q", title="D"),
                 alt.Tooltip("share:Q", format=".3%")],
    ).properties(width=WIDTH + 150, height=HEIGHT,
                 title=alt.TitleParams("Flat points that are minima",
                                       subtitle="random symmetric curvature matrices"))
