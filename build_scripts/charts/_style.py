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
    # no text under 12 px (Vega's defaults are 10-11): a chart may be shown at 11/12 of its size
    "title": {"subtitleFontSize": 12},
    # room above a title: the browser's fonts can draw it a few pixels taller than measured
    "padding": {"top": 10, "bottom": 5, "left": 5, "right": 5},
    "text": {"fontSize": 12},
}


def merge_config(config: dict) -> dict:
    merged = {**CONFIG, **config}
    merged.pop("background")  # transparent: the page's background shows through
    return merged
