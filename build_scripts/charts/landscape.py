"""The loss landscape of y = f(a·x + b) fitting sin(x) at three points, minimum marked."""

from __future__ import annotations

import numpy as np

from explainer_core.chapters import landscape as chapter

from . import _style, register


def toy_landscape_data(activation: str = "tanh", loss: str = "mse", n: str = "51") -> dict:
    grid = chapter.loss_grid(activation, loss, int(n))  # x holds the weight a, y the bias b
    half = 0.52 * (grid.x[1] - grid.x[0])  # cells overlap a little: no anti-aliasing seams
    aa, bb = np.meshgrid(grid.x, grid.y)
    cells = [
        {"a0": round(a - half, 4), "a1": round(a + half, 4), "b0": round(b - half, 4),
         "b1": round(b + half, 4), "a": round(a, 3), "b": round(b, 3), "loss": float(f"{v:.4g}")}
        for a, b, v in zip(aa.ravel(), bb.ravel(), grid.loss.ravel())
    ]
    a_min, b_min, l_min = chapter.global_minimum(activation, loss)
    minimum = [{"a": a_min, "b": b_min, "loss": l_min,
                "label": f"global minimum: a = {a_min:.3f}, b = {b_min:.3f}, loss = {l_min:.2g}"}]
    return {"grid": cells, "minimum": minimum}


@register(
    "toy_landscape",
    data=toy_landscape_data,
    description="Heatmap of the loss over the two parameters a and b, from -5 to 5; darker is "
    "lower loss, and a cross marks the lowest point.",
)
def toy_landscape(data: dict):
    import altair as alt  # lazily: a warm build with every chart cached never imports Altair

    heat = (
        alt.Chart(alt.NamedData("grid"))
        .mark_rect()
        .encode(
            x=alt.X("a0:Q", title="weight a", scale=alt.Scale(domain=[-5, 5], nice=False),
                    axis=alt.Axis(grid=False)),
            x2="a1:Q",
            y=alt.Y("b0:Q", title="bias b", scale=alt.Scale(domain=[-5, 5], nice=False),
                    axis=alt.Axis(grid=False)),
            y2="b1:Q",
            color=alt.Color(
                "loss:Q",
                title="loss",
                scale=alt.Scale(scheme=_style.LOSS_SCHEME, type="sqrt"),
            ),
            tooltip=[alt.Tooltip("a:Q", format=".2f"), alt.Tooltip("b:Q", format=".2f"),
                     alt.Tooltip("loss:Q", format=".4f")],
        )
    )
    minimum = alt.Chart(alt.NamedData("minimum")).encode(
        x="a:Q", y="b:Q", tooltip=[alt.Tooltip("label:N", title="")]
    )
    marker = minimum.mark_point(shape="cross", size=260, filled=True, color="#D55E00",
                                stroke="white", strokeWidth=1)
    label = minimum.mark_text(align="left", dx=10, dy=-10, fontWeight="bold", color="white").encode(
        text=alt.value("minimum")
    )
    return alt.layer(heat, marker, label).properties(width=360, height=360)
