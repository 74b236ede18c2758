"""Loss landscapes as heatmaps with optimisation paths on them: surfaces, saddles, slices, planes.

One chart function, `landscape_panels`, draws any data in the `panels` / `grid` / `paths` shape
of `explainer_core.landscape_figures` (one heatmap per panel, side by side); it is registered
under one name per experiment. Paths start at a circle and end at a cross; a white halo keeps
every colour readable on every part of the colour scale, in light and dark mode.
"""

from __future__ import annotations

from explainer_core.chapters import real_landscapes as landscape_figures

from . import _style, register


def surface_paths_data(surface: str = "rosenbrock", n: str = "41") -> dict:
    return landscape_figures.surface_paths(surface, n=int(n))


def saddle_paths_data(n: str = "41") -> dict:
    return landscape_figures.saddle_paths(n=int(n))


def training_slices_data(hidden: str = "12", steps: str = "400", n: str = "31") -> dict:
    data = landscape_figures.training_slices(int(hidden), int(steps), int(n))
    data.pop("variance")  # already in the panel title
    return data


def connectivity_plane_data(hidden: str = "8", n: str = "41") -> dict:
    data = landscape_figures.mode_connectivity(int(hidden), n=int(n))
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
    alt="Heatmap of a benchmark loss surface (Rosenbrock by default; darker is lower) with the "
    "paths of gradient descent, momentum, Adam and local search from the same start; circles "
    "mark where they start and crosses where they stop after the same compute.",
)(landscape_panels)

register(
    "saddle_paths",
    data=saddle_paths_data,
    alt="Heatmap of the saddle x squared minus y squared. Gradient descent paths start at x = 1 "
    "with small offsets in y: they slide to the saddle at the origin and leave along y, later "
    "the smaller the offset; Adam leaves at once.",
)(landscape_panels)

register(
    "training_slices",
    data=training_slices_data,
    alt="Two heatmaps of a small network's loss around the end of its training. Left: the plane "
    "of the path's two principal directions, where the training path curves down into the "
    "minimum. Right: a random filter-normalised plane, where the same path collapses to a "
    "short stub near the centre.",
)(landscape_panels)

register(
    "connectivity_plane",
    data=connectivity_plane_data,
    alt="Heatmap of the loss in the plane through two trained networks and the middle point of "
    "a trained Bezier curve. The straight line between the two solutions crosses a high ridge; "
    "the curve bends around it through low loss.",
)(landscape_panels)
