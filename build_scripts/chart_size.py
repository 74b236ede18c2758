"""The drawn size of a chart, read from the static fallback the build rendered for it.

The page reserves this box before Vega draws (docs/css/charts.css), so nothing below a chart
moves when it appears. vl-convert draws the fallback with the same Vega-Lite spec the browser
draws, so the SVG's width and height are the chart's; a PNG fallback is drawn at
`PNG_SCALE` (charts.fallback_image), so its pixel size is divided by it.
"""

from __future__ import annotations

import re
import struct

PNG_SCALE = 1.5  # the `scale` charts.fallback_image passes to vl_convert.vegalite_to_png
_SVG_SIZE = re.compile(rb'<svg\b[^>]*?\swidth="(?P<w>[\d.]+)"[^>]*?\sheight="(?P<h>[\d.]+)"')


def fallback_size(fallback: bytes, ext: str) -> tuple[int, int]:
    """(width, height) in CSS pixels of the chart whose fallback image is `fallback`."""
    if ext == "svg":
        match = _SVG_SIZE.search(fallback[:2000])
        if not match:
            raise ValueError("the SVG fallback has no width and height on its <svg> element")
        return round(float(match["w"])), round(float(match["h"]))
    if ext == "png":
        if fallback[:8] != b"\x89PNG\r\n\x1a\n" or fallback[12:16] != b"IHDR":
            raise ValueError("the PNG fallback has no PNG header")
        width, height = struct.unpack(">II", fallback[16:24])
        return round(width / PNG_SCALE), round(height / PNG_SCALE)
    raise ValueError(f"no size for a fallback of type {ext!r}")
