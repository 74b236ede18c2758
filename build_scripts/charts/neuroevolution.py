"""Charts of the chapter "Evolution is noisy gradient descent" (slug `neuroevolution`), data from
`explainer_core.chapters.neuroevolution`:

- `neuroevolution_trends`: the distance Delta between the average of R runs and gradient descent
  at t = 2 (beta = inf), against the number of runs R (left, one line per sigma, with the noise
  formula t sigma sqrt(2 pi) / (2 R) dashed) and against sigma (right, one line per R); option
  `network` ("shallow" or "deep").
"""

from __future__ import annotations


from explainer_core.chapters import neuroevolution as chapter

from . import _style, register

WIDTH, HEIGHT = 300, 220
NETWORK_LABELS = {"shallow": "shallow network (1-30-1)", "deep": "deep network (1-8-8-8-1)"}


def neuroevolution_trends_data(network: str = "shallow") -> dict:
    t = chapter.PAGE_T
    rows, formula = [], []
    for r in chapter.records(network):
        if abs(r["t"] - t) > 1e-12:
            continue
        rows.append({"sigma": r["sigma"], "sigma_label": f"σ = {r['sigma']:g}",
                     "runs": r["runs"], "runs_label": f"R = {r['runs']}",
                     "delta": float(f"{r['delta']:.4g}"), "gd_moved": float(f"{r['gd_moved']:.4g}"),
                     "noise": float(f"{chapter.predicted_delta(t, r['sigma'], r['runs']):.4g}")})
    for sigma in chapter.CHART_SIGMAS:
        for runs in chapter.CHART_RUNS:
            formula.append({"sigma_label": f"σ = {sigma:g}", "runs": runs,
                            "noise": float(f"{chapter.predicted_delta(t, sigma, runs):.4g}")})
    return {"deltas": rows, "formula": formula,
            "settings": [{"network": network, "t": t, "label": NETWORK_LABELS[network]}]}


def neuroevolution_trends_description(data: dict) -> str:
    s = data["settings"][0]
    d = {(r["sigma"], r["runs"]): r for r in data["deltas"]}
    sigmas = sorted({r["sigma"] for r in data["deltas"]}, reverse=True)
    runs = sorted({r["runs"] for r in data["deltas"]})
    moved = data["deltas"][0]["gd_moved"]
    parts = [f"sigma {sg:g}: from {d[sg, runs[0]]['delta']:.3g} with {runs[0]} run to "
             f"{d[sg, runs[-1]]['delta']:.3g} with {runs[-1]}" for sg in sigmas]
    return (f"Two log-log line charts for the {s['label']} at t = {s['t']:g}: the distance "
            "Delta, the mean squared difference per weight between the average of R runs of "
            "neuroevolution (beta infinite) and normalised gradient descent, against the number "
            "of runs R (left, one line per sigma, the noise formula t sigma sqrt(2 pi) / (2R) "
            "dashed) and against sigma (right, one line per R). Delta falls as R grows and as "
            f"sigma shrinks; " + "; ".join(parts) + f". Descent itself moved {moved:.3g} from "
            "the start.")


@register("neuroevolution_trends", data=neuroevolution_trends_data,
          description=neuroevolution_trends_description)
def neuroevolution_trends(data: dict):
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    label = data["settings"][0]["label"]
    sigma_labels = [f"σ = {s:g}" for s in chapter.CHART_SIGMAS]
    runs_labels = [f"R = {r}" for r in chapter.CHART_RUNS]
    log_delta = alt.Scale(type="log")
    delta_axis = alt.Y("delta:Q", title="Δ: mean sq. weight gap (not a loss)", scale=log_delta)
    tips = [alt.Tooltip("sigma:Q", title="σ"), alt.Tooltip("runs:Q", title="runs R"),
            alt.Tooltip("delta:Q", title="Δ", format=".3g"),
            alt.Tooltip("noise:Q", title="noise formula", format=".3g"),
            alt.Tooltip("gd_moved:Q", title="descent moved", format=".3g")]
    sigma_colour = alt.Color("sigma_label:N", title="mutation scale", sort=sigma_labels,
                             scale=alt.Scale(domain=sigma_labels, range=_style.OKABE_ITO[:4]),
                             legend=alt.Legend(orient="bottom", columns=2, symbolType="stroke"))
    runs_colour = alt.Color("runs_label:N", title="runs averaged", sort=runs_labels,
                            scale=alt.Scale(domain=runs_labels, range=_style.OKABE_ITO[:5]),
                            legend=alt.Legend(orient="bottom", columns=3, symbolType="stroke"))
    base = alt.Chart(alt.NamedData("deltas"))
    by_runs = alt.layer(
        alt.Chart(alt.NamedData("formula")).mark_line(strokeDash=[4, 3], strokeWidth=1.2,
                                                      opacity=0.8).encode(
            x=alt.X("runs:Q", scale=alt.Scale(type="log")),
            y=alt.Y("noise:Q", scale=log_delta), color=sigma_colour, detail="sigma_label:N"),
        base.mark_line(point=True, strokeWidth=2).encode(
            x=alt.X("runs:Q", title="runs averaged R", scale=alt.Scale(type="log"),
                    axis=alt.Axis(values=list(chapter.CHART_RUNS))),
            y=delta_axis, color=sigma_colour, tooltip=tips),
    ).properties(width=WIDTH, height=HEIGHT,
                 title=alt.TitleParams("Δ against runs averaged (dashed: noise only)",
                                       subtitle=label))
    by_sigma = base.mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("sigma:Q", title="mutation scale σ", scale=alt.Scale(type="log"),
                axis=alt.Axis(values=list(chapter.CHART_SIGMAS))),
        y=delta_axis, color=runs_colour, tooltip=tips,
    ).properties(width=WIDTH, height=HEIGHT,
                 title=alt.TitleParams("Δ against mutation scale", subtitle=f"t = {chapter.PAGE_T:g}"))
    return alt.hconcat(by_runs, by_sigma).resolve_scale(color="independent")
