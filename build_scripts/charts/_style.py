"""One look for every chart: colour-blind-safe colours, readable type, transparent background.

Colours: the Okabe–Ito palette for categories (distinguishable with every common colour-vision
deficiency) and viridis for continuous values such as loss. Backgrounds stay transparent and the
text colour is left to the theme, so the page's runtime can switch the vega-embed theme when the
reader toggles Material's dark palette and the same spec reads well on both.
"""

from __future__ import annotations

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
]
LOSS_SCHEME = "viridis"

CONFIG = {
    "background": None,
    "view": {"stroke": None},
    "range": {"category": OKABE_ITO},
    "font": "Roboto, Helvetica, Arial, sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
}


def merge_config(config: dict) -> dict:
    merged = {**CONFIG, **config}
    merged.pop("background")  # transparent: the page's background shows through
    return merged
