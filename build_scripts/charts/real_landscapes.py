"""Charts of the "Real landscapes" chapter (slug `real-landscapes`), data from
`explainer_core.chapters.real_landscapes`.

Heatmaps with optimisation paths on them (surfaces, saddles, slices, planes): one chart function,
`landscape_panels`, draws any data in the `panels` / `grid` / `paths` shape (one heatmap per panel,
side by side) and is registered under one name per experiment. Paths start at a circle and end at
a cross; a white halo keeps every colour readable on every part of the colour scale, in light and
dark mode.

Line charts: optimizer races, barriers, Hessian spectra, and sharpness.
Colours from `_style` (Okabe-Ito), dashes as a second cue.
"""

from __future__ import annotations

from explainer_core.chapters import real_landscapes

from . import _style, register


def surface_paths_data(surface: str = "rosenbrock", n: str = "41") -> dict:
    return real_landscapes.surface_paths(surface, n=int(n))


def saddle_paths_data(n: str = "41") -> dict:
    return real_landscapes.saddle_paths(n=int(n))


def training_slices_data(hidden: str = "12", steps: str = "400", n: str = "31") -> dict:
    data = real_landscapes.training_slices(int(hidden), int(steps), int(n))
    data.pop("variance")  # already in the panel title
    return data


def connectivity_plane_data(hidden: str = "8", n: str = "41") -> dict:
    data = real_landscapes.mode_connectivity(int(hidden), n=int(n))
    return {key: data[key] for key in ("panels", "grid", "paths")}


def landscape_panels(data: dict) -> alt.HConcatChart:
    """One heatmap of the loss per panel, with the paths drawn on it, start and end marked."""
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    views = []
    for panel in data["panels"]:
        name = panel["panel"]
        cells = [c for c in data["grid"] if c["panel"] == name]
        xs = sorted({c["x"] for c in cells})
        ys = sorted({c["y"] for c in cells})
        # cell edges from the grid spacing (a 10% overlap hides anti-aliasing seams)
        hx = 1.1 * (xs[-1] - xs[0]) / (len(xs) - 1) / 2
        hy = 1.1 * (ys[-1] - ys[0]) / (len(ys) - 1) / 2
        low = min(c["loss"] for c in cells)
        high = max(c["loss"] for c in cells)
        # colour scale: log when the loss spans decades above zero, symlog when it reaches zero
        # (a valley floor), linear when it goes negative (a saddle)
        if low > 0 and high / low > 50:
            scale = alt.Scale(scheme=_style.LOSS_SCHEME, type="log")
        elif low >= 0 and high > 50 * max(low, 1e-300):
            scale = alt.Scale(scheme=_style.LOSS_SCHEME, type="symlog",
                              constant=max(high * 1e-3, 1e-12))
        else:
            scale = alt.Scale(scheme=_style.LOSS_SCHEME)
        x_scale = alt.Scale(domain=[xs[0] - hx, xs[-1] + hx], nice=False, zero=False)
        y_scale = alt.Scale(domain=[ys[0] - hy, ys[-1] + hy], nice=False, zero=False)

        heat = (
            alt.Chart(alt.NamedData("grid"))
            .transform_filter(alt.datum.panel == name)
            .transform_calculate(x0=f"datum.x - {hx!r}", x1=f"datum.x + {hx!r}",
                                 y0=f"datum.y - {hy!r}", y1=f"datum.y + {hy!r}")
            .mark_rect()
            .encode(
                x=alt.X("x0:Q", title=panel["x_title"], scale=x_scale, axis=alt.Axis(grid=False)),
                x2="x1:Q",
                y=alt.Y("y0:Q", title=panel["y_title"], scale=y_scale, axis=alt.Axis(grid=False)),
                y2="y1:Q",
                color=alt.Color("loss:Q", title="loss", scale=scale,
                                legend=alt.Legend(orient="right", gradientLength=200)),
                tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g"),
                         alt.Tooltip("loss:Q", format=".4g")],
            )
        )
        paths = alt.Chart(alt.NamedData("paths")).transform_filter(alt.datum.panel == name)
        position = dict(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale))
        tips = [alt.Tooltip("method:N", title="optimizer"), alt.Tooltip("step:Q"),
                alt.Tooltip("loss:Q", format=".4g"), alt.Tooltip("x:Q", format=".3g"),
                alt.Tooltip("y:Q", format=".3g")]
        # Paths are coloured through the stroke and fill channels, not color, so that their
        # legend is shared by all panels while each heatmap keeps its own loss scale. Dashes
        # as well as colours keep the paths apart without colour vision.
        legend = alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=2.5, labelLimit=320,
                            symbolType="stroke")
        stroke = alt.Stroke("method:N", title="path", legend=legend)
        dash = alt.StrokeDash("method:N", title="path", legend=legend,
                              scale=alt.Scale(range=[[1, 0], [6, 3], [2, 2], [8, 3, 2, 3],
                                                     [12, 4], [3, 5]]))
        fill = alt.Fill("method:N", legend=None)
        halo = paths.mark_line(color="white", strokeWidth=5, opacity=0.8, clip=True).encode(
            detail="method:N", order="step:Q", **position)
        line = paths.mark_line(strokeWidth=2.2, clip=True).encode(
            stroke=stroke, strokeDash=dash, order="step:Q", tooltip=tips, **position)
        start = paths.transform_filter(alt.datum.step == 0).mark_point(
            shape="circle", size=90, filled=True, stroke="white", strokeWidth=1.5, opacity=1,
            clip=True,
        ).encode(fill=fill, tooltip=tips, **position)
        end = (
            paths.transform_joinaggregate(last="max(step)", groupby=["method"])
            .transform_filter("datum.step == datum.last")
            .mark_point(shape="cross", size=140, filled=True, stroke="white", strokeWidth=1.2,
                        opacity=1, clip=True)
            .encode(fill=fill, tooltip=tips, **position)
        )
        views.append(
            alt.layer(heat, halo, line, start, end)
            .properties(
                width=340, height=300,
                title=alt.TitleParams(panel["title"], subtitle="● start   ✚ end", fontSize=13),
            )
        )
    return alt.hconcat(*views).resolve_scale(color="independent")


register(
    "surface_paths",
    data=surface_paths_data,
    description="Heatmap of a benchmark loss surface (Rosenbrock by default; darker is lower) with "
    "the paths of gradient descent, momentum, Adam and local search from the same start; circles "
    "mark where they start and crosses where they stop after the same compute.",
)(landscape_panels)

register(
    "saddle_paths",
    data=saddle_paths_data,
    description="Heatmap of the saddle x squared minus y squared. Gradient descent paths start at "
    "x = 1 with small offsets in y: they slide to the saddle at the origin and leave along y, "
    "later the smaller the offset; Adam leaves at once.",
)(landscape_panels)

register(
    "training_slices",
    data=training_slices_data,
    description="Two heatmaps of a small network's loss around the end of its training. Left: the "
    "plane of the path's two principal directions, where the training path curves down into the "
    "minimum. Right: a random filter-normalised plane, where the same path collapses to a short "
    "stub near the centre.",
)(landscape_panels)

register(
    "connectivity_plane",
    data=connectivity_plane_data,
    description="Heatmap of the loss in the plane through two trained networks and the middle "
    "point of a trained Bezier curve. The straight line between the two solutions crosses a high "
    "ridge; the curve bends around it through low loss.",
)(landscape_panels)


def optimizer_race_data(task: str = "sine", steps: str = "", lr_scale: str = "1",
                        seed: str = "0") -> dict:
    return real_landscapes.optimizer_race(task, int(steps) if steps else None, int(seed),
                                          float(lr_scale))


def optimizer_race_description(data: dict) -> str:
    final: dict[str, dict] = {}
    for row in sorted(data["runs"], key=lambda row: row["compute"]):
        final[row["method"]] = row
    ranked = sorted(final.values(), key=lambda row: row["loss"])
    return (
        "Two line charts of the training loss on a logarithmic axis. Left: against the number "
        "of steps. Right: against the compute spent, in forward-pass equivalents (a backward pass "
        "counts as two forward passes), with the "
        "same budget for every method. Final loss, lowest first: "
        + "; ".join(f"{row['method']} {row['loss']:.3g} after {row['compute']:,} forward-pass equivalents"
                    for row in ranked) + "."
        + "".join(f" {row['method']} diverged after step {row['step']} (a cross marks it)."
                  for row in data.get("diverged", []))
    )


@register("optimizer_race", data=optimizer_race_data, description=optimizer_race_description)
def optimizer_race(data: dict) -> alt.HConcatChart:
    """Loss per step and per compute. Every method keeps its colour whatever the task (the legend
    lists the methods that ran, in `RACE_METHODS`' order, and the last one, OpenAI-ES, is the one a
    surface race leaves out). A diverging loss is drawn up to a ceiling (1000 times the worst
    starting loss) so it does not squash the other curves, and a cross marks where a run
    diverged; tooltips give the true loss. Steps are on a log axis: evolution's generations cost
    more compute each, so its runs have far fewer steps than gradient descent's. The loss axis
    is titled from the `task` table (what the loss measures on that task), so a demo that races
    another task relabels it by replacing one row.
    """
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    base = (
        alt.Chart(alt.NamedData("runs"))
        .transform_filter("datum.loss > 0")
        .transform_calculate(start="datum.step == 0 ? datum.loss : 0")
        .transform_joinaggregate(ceiling="max(start)")
        .transform_calculate(shown="min(datum.loss, 1000 * datum.ceiling)")
    )
    legend = alt.Legend(orient="bottom", columns=3, symbolStrokeWidth=2.5, labelLimit=320,
                        symbolType="stroke")
    methods = list(real_landscapes.RACE_METHODS)
    palette = [_style.OKABE_ITO[i] for i in (0, 1, 2, 3, 5)]  # skip sky blue, too close to blue
    # the domain is the methods present, sorted as RACE_METHODS: colours stay put when the last
    # one is missing
    color = alt.Color("method:N", title="optimizer", legend=legend, sort=methods,
                      scale=alt.Scale(range=palette))
    # (one legend, the colours': Vega-Lite does not merge it with the dashes' across layers)
    dash = alt.StrokeDash("method:N", title="optimizer", legend=None, sort=methods,
                          scale=alt.Scale(range=[[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]]))
    # labels no wider than "1e-20" (an exponent outside 0.001 to 1,000), so the loss axis's title
    # (drawn at a fixed distance, below) never overlaps them
    y = alt.Y("shown:Q", title=None, scale=alt.Scale(type="log"),
              axis=alt.Axis(format="~g", tickCount=6, labelOverlap="greedy", labelExpr=(
                  "datum.value >= 1e4 || datum.value < 1e-3 ? "
                  "replace(format(datum.value, '.0e'), 'e+', 'e') : datum.label")))
    tips = [alt.Tooltip("method:N", title="optimizer"), alt.Tooltip("step:Q"),
            alt.Tooltip("compute:Q", format=",", title="compute (forward-pass equivalents)"),
            alt.Tooltip("loss:Q", format=".4g")]
    width, height = 330, 260
    # the loss axis's title, from the task table, where an axis title would be
    y_title = alt.Chart(alt.NamedData("task")).mark_text(
        angle=270, fontSize=13, align="center", baseline="bottom", clip=False, aria=False,
    ).encode(
        text=alt.Text("loss_label:N"),
        x=alt.value(-48), y=alt.value(height / 2),
    ).transform_calculate(loss_label="datum.loss_label + ' (log scale)'")
    # (hidden from screen readers, as the title is: the description says where runs diverged)
    marks = alt.Chart(alt.NamedData("diverged")).mark_point(
        shape="cross", size=120, filled=True, opacity=1, aria=False)

    def panel(x, title, marker_x):
        lines = base.mark_line(strokeWidth=2).encode(
            x=x, y=y, color=color, strokeDash=dash, tooltip=tips)
        crosses = marks.encode(
            x=marker_x, y=alt.Y("loss:Q", scale=alt.Scale(type="log")),
            color=color, strokeDash=dash,  # the same channels as the lines: one legend
            tooltip=[alt.Tooltip("method:N", title="diverged here"), alt.Tooltip("step:Q"),
                     alt.Tooltip("loss:Q", format=".4g", title="last finite loss")])
        return alt.layer(lines, crosses, y_title).properties(width=width, height=height, title=title)

    steps = alt.Scale(type="symlog")  # like a log axis, with room for step 0
    by_step = panel(
        alt.X("step:Q", title="steps (log scale; generations for evolution)", scale=steps,
              axis=alt.Axis(format="d", labelFlush=True, labelOverlap="greedy",
                            values=[0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
                                    10000, 20000, 50000, 100000])),
        "Loss per step",
        alt.X("step:Q", scale=steps),
    )
    by_compute = panel(
        alt.X("compute:Q", title="compute (forward passes + 2 × backward passes)",
              axis=alt.Axis(format="~s")),
        "Loss per unit of compute (same budget)",
        alt.X("compute:Q"),
    )
    return alt.hconcat(by_step, by_compute).resolve_scale(color="shared", strokeDash="shared")


def connectivity_barrier_data(hidden: str = "8") -> dict:
    data = real_landscapes.mode_connectivity(int(hidden))
    return {key: data[key] for key in ("curves", "barriers")}


def connectivity_barrier_description(data: dict) -> str:
    barriers = "; ".join(f"{b['path']}: barrier {b['barrier']:.3g} at t = {b['t']:g}"
                         for b in data["barriers"])
    return ("Loss along two paths between two trained networks, from the first (t = 0) to the "
            "second (t = 1), with each path's barrier, its highest rise above the straight mix "
            f"of the two end losses, marked. {barriers}.")


@register("connectivity_barrier", data=connectivity_barrier_data,
          description=connectivity_barrier_description)
def connectivity_barrier(data: dict) -> alt.LayerChart:
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    color = alt.Color("path:N", title="path", legend=alt.Legend(orient="bottom"))
    shape = alt.Shape("path:N", title="path", legend=alt.Legend(orient="bottom"))
    tips = [alt.Tooltip("path:N"), alt.Tooltip("t:Q", format=".3f"),
            alt.Tooltip("loss:Q", format=".4g")]
    curves = alt.Chart(alt.NamedData("curves")).encode(
        x=alt.X("t:Q", title="position on the path, t (0 = first network, 1 = second)"),
        y=alt.Y("loss:Q", title="loss (mean squared error)"),
        color=color, tooltip=tips,
    )
    line = curves.mark_line(strokeWidth=2.5).encode(color=alt.Color("path:N", legend=None))
    # point shapes as well as colours tell the paths apart without colour vision; colour and
    # shape in one layer share one legend
    points = curves.mark_point(filled=True, size=30, opacity=1).encode(shape=shape)
    barriers = alt.Chart(alt.NamedData("barriers"))
    rule = barriers.mark_rule(strokeDash=[3, 3]).encode(
        x="t:Q", y=alt.Y("loss:Q"), y2=alt.datum(0), color=alt.Color("path:N", legend=None),
    )
    label = barriers.transform_calculate(
        text="'barrier ' + format(datum.barrier, '.3g')"
    ).mark_text(align="left", dx=6, dy=-8, fontSize=12, fontWeight="bold").encode(
        x="t:Q", y="loss:Q", text="text:N", color=alt.Color("path:N", legend=None),
        tooltip=[alt.Tooltip("path:N"), alt.Tooltip("barrier:Q", format=".4g")],
    )
    return alt.layer(line, points, rule, label).properties(
        width=520, height=280,
        title=alt.TitleParams("Mode connectivity: loss between two trained networks",
                              subtitle="barrier = highest rise above the straight mix of the "
                              "two end losses"),
    )


def hessian_spectrum_data(hidden: str = "3", steps: str = "300") -> dict:
    return real_landscapes.hessian_along_training(int(hidden), int(steps))


def hessian_spectrum_description(data: dict) -> str:
    losses = data["loss"]
    start = losses[0]["loss"]
    drop = next((r["step"] for r in losses if r["loss"] < 0.5 * start), None)
    smallest = {r["step"]: r["eigenvalue"] for r in data["eigenvalues"] if r["which"] == "smallest"}
    first, last = min(smallest), max(smallest)
    when = (f"falls below half its starting value {start:.3g} at step {drop}" if drop is not None
            else f"stays above half its starting value {start:.3g}")
    return ("Top: the training loss of a small network under gradient descent; it " + when
            + ". Bottom: the eigenvalues of its Hessian at each recorded step. The smallest "
            f"eigenvalue is {smallest[first]:.3g} at step {first} and {smallest[last]:.3g} at "
            f"step {last}; a negative one is a direction of negative curvature, a saddle.")


@register("hessian_spectrum", data=hessian_spectrum_data, description=hessian_spectrum_description)
def hessian_spectrum(data: dict) -> alt.VConcatChart:
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    step = alt.X("step:Q", title="gradient descent step")
    # bluish green: above 3:1 contrast on both the light and the dark page
    loss = alt.Chart(alt.NamedData("loss")).mark_line(strokeWidth=2.5,
                                                      color=_style.OKABE_ITO[2]).encode(
        x=step,
        y=alt.Y("loss:Q", title="loss (MSE, log scale)", scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".4g")],
    ).properties(width=520, height=140, title="Training loss")
    which = alt.Color(
        "which:N", title="eigenvalue",
        scale=alt.Scale(domain=["smallest", "largest", "others"],
                        range=[_style.OKABE_ITO[5], _style.OKABE_ITO[0], _style.OKABE_ITO[7]]),
        legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5),
    )
    eig = alt.Chart(alt.NamedData("eigenvalues")).mark_line(strokeWidth=1.8).encode(
        x=step,
        y=alt.Y("eigenvalue:Q", title="Hessian eigenvalue (symmetric log scale)",
                scale=alt.Scale(type="symlog", constant=0.01)),
        detail="index:N",
        color=which,
        strokeDash=alt.StrokeDash("which:N", legend=None,
                                  scale=alt.Scale(domain=["smallest", "largest", "others"],
                                                  range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("index:Q", title="eigenvalue number"),
                 alt.Tooltip("eigenvalue:Q", format=".4g")],
    )
    # one rule (the table aggregated to a row), hidden from screen readers: it is a guide
    zero = (alt.Chart(alt.NamedData("loss")).transform_aggregate(rows="count()")
            .mark_rule(color=_style.OKABE_ITO[7], aria=False).encode(y=alt.datum(0)))
    spectrum = alt.layer(zero, eig).properties(
        width=520, height=240,
        title=alt.TitleParams("Hessian spectrum along the path",
                              subtitle="below zero: a direction of negative curvature, "
                              "so a saddle"),
    )
    return alt.vconcat(loss, spectrum)


def flat_sharp_data(directions: str = "20") -> dict:
    return real_landscapes.flat_and_sharp(directions=int(directions))


def flat_sharp_description(data: dict) -> str:
    directions = len({r["direction"] for r in data["profiles"]})
    minima = "; ".join(
        f"learning rate {m['lr']:g}: loss {m['loss']:.3g}, top Hessian eigenvalue "
        f"{m['sharpness']:.3g} (limit 2 / learning rate = {m['limit']:.3g})"
        for m in data["minima"])
    return ("Loss along random filter-normalised directions through two minima of the same "
            f"network, the median over {directions} directions and the band of the middle half. "
            f"The minima, reached with two learning rates: {minima}. The sharper minimum's loss "
            "rises faster away from the centre.")


@register("flat_sharp", data=flat_sharp_data, description=flat_sharp_description)
def flat_sharp(data: dict) -> alt.LayerChart:
    import altair as alt  # imported only when a chart is rendered, not on a cached build

    # two Okabe-Ito colours (blue, orange) stay distinct with every common colour deficiency
    color = alt.Color("minimum:N", title="minimum reached with",
                      legend=alt.Legend(orient="bottom", labelLimit=320, symbolType="stroke",
                                        symbolStrokeWidth=3, symbolOpacity=1))
    # (the band's 0.25 opacity would otherwise fade the legend's keys to near nothing in dark mode)
    base = alt.Chart(alt.NamedData("profiles")).encode(
        x=alt.X("alpha:Q", title="step along a random direction (× each neuron's weight norm)"),
        color=color,
    )
    band = base.mark_errorband(extent="iqr", opacity=0.25).encode(
        y=alt.Y("loss:Q", title="loss (mean squared error)"))
    median = base.mark_line(strokeWidth=2.5).encode(
        y="median(loss):Q",
        tooltip=[alt.Tooltip("minimum:N"), alt.Tooltip("alpha:Q", format=".3f"),
                 alt.Tooltip("median(loss):Q", format=".4g", title="median loss")],
    )
    return alt.layer(band, median).properties(
        width=520, height=300,
        title=alt.TitleParams("Flat and sharp minima of one network",
                              subtitle="median over random directions, band: middle half; "
                              "gradient descent settles only where λ_max ≤ 2 / learning rate"),
    )


