"""Chart of the chapter "Evolution": a sweep of population x mutation rate at equal compute.

Every cell runs mutate-many local search on the 1-32-32-1 tanh network for the same number of
children (rounds = children / population), data from `explainer_core.chapters.evolution.sweep`.
"""

from __future__ import annotations

from explainer_core.chapters import evolution as chapter

from . import _style, register


def evolution_sweep_data(children: str = str(chapter.SWEEP_CHILDREN)) -> dict:
    rows = chapter.sweep(int(children))
    cells = [{"population": r["population"], "rate": r["rate"], "rounds": r["rounds"],
              "forward passes": r["forward_passes"],
              "final loss": float(f"{r['final_loss']:.4g}")} for r in rows]
    best = min(cells, key=lambda c: c["final loss"])
    return {"sweep": cells, "best": [dict(best, label="best")],
            "settings": [{"children": int(children)}]}


def evolution_sweep_description(data: dict) -> str:
    cells = data["sweep"]
    best = data["best"][0]
    worst = max(cells, key=lambda c: c["final loss"])
    return (f"Heatmap of the final loss of evolution for {len(cells)} settings, population "
            f"(rows) against mutation rate (columns), each spending "
            f"{data['settings'][0]['children']:,} children. The best cell, population "
            f"{best['population']} and rate {best['rate']:g}, ends at {best['final loss']:.2g}; "
            f"the worst, population {worst['population']} and rate {worst['rate']:g}, at "
            f"{worst['final loss']:.2g}. Darker is lower; a ring marks the best.")


@register("evolution_sweep", data=evolution_sweep_data, description=evolution_sweep_description)
def evolution_sweep(data: dict):
    import altair as alt

    rates = [str(r) for r in chapter.SWEEP_RATES]
    pops = [str(p) for p in chapter.SWEEP_POPULATIONS]
    x = alt.X("rate:O", title="mutation rate (noise standard deviation)",
              sort=[float(r) for r in rates], axis=alt.Axis(labelAngle=0))
    y = alt.Y("population:O", title="population (children per round)",
              sort=[int(p) for p in pops])
    tooltip = [alt.Tooltip("population:O"), alt.Tooltip("rate:O", title="mutation rate"),
               alt.Tooltip("rounds:Q"), alt.Tooltip("forward passes:Q", format=","),
               alt.Tooltip("final loss:Q", format=".3g")]
    heat = alt.Chart(alt.NamedData("sweep")).mark_rect().encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("final loss:Q", title="final loss (MSE)",
                        scale=alt.Scale(scheme=_style.LOSS_SCHEME, type="log")))
    best = alt.Chart(alt.NamedData("best")).mark_point(
        shape="circle", size=300, filled=False, strokeWidth=2.5, color=_style.OKABE_ITO[5]
    ).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(heat, best).properties(width=330, height=240)
