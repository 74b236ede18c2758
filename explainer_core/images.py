"""Images as regression targets: a network learns (x, y) -> intensity, pixel by pixel.

Two pictures, both grey levels in [0, 1] as arrays (H, W), row 0 at the top:

- `smiley(size)`: drawn procedurally with signed distances (face, two eyes, a mouth), edges
  softened over one pixel so the target is continuous;
- `photo(size)`: a real photograph, scikit-image's public-domain "camera" picture (CC0, by
  Lav Varshney), shipped at 64 x 64 in `data/camera64.npy` (see `data/PROVENANCE.txt`) and
  averaged down to `size`.

`image_data(image)` turns a picture into a data set X (H W, 2) of pixel centres in [-1, 1]^2
(x to the right, y up) and y (H W, 1) of intensities; `to_image` turns predictions back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import validate

Array = np.ndarray

DATA = Path(__file__).resolve().parent / "data"
PHOTO_FILE = DATA / "camera64.npy"
PHOTO_SIZE = 64
IMAGES = ("smiley", "photo")


def pixel_grid(height: int, width: int) -> tuple[Array, Array]:
    """Pixel-centre coordinates x (H, W) in [-1, 1] left to right, y (H, W) bottom to top."""
    xs = (np.arange(width) + 0.5) / width * 2.0 - 1.0
    ys = 1.0 - (np.arange(height) + 0.5) / height * 2.0
    return np.meshgrid(xs, ys)


def _inside(distance: Array, pixel: float) -> Array:
    """1 inside a shape (signed distance < 0), 0 outside, a linear ramp one pixel wide."""
    return np.clip(0.5 - distance / pixel, 0.0, 1.0)


def smiley(size: int = 32) -> Array:
    """A smiling face, (size, size) grey levels in [0, 1]: a bright disc on black."""
    size = validate.integer_in_range("size", size, 4, 512)
    x, y = pixel_grid(size, size)
    pixel = 2.0 / size
    face = _inside(np.hypot(x, y) - 0.85, pixel)
    eyes = np.maximum(
        _inside(np.hypot(x + 0.32, y - 0.28) - 0.13, pixel),
        _inside(np.hypot(x - 0.32, y - 0.28) - 0.13, pixel),
    )
    # the mouth: a ring of radius 0.5 and half-width 0.07, lower half only
    ring = np.abs(np.hypot(x, y + 0.02) - 0.5) - 0.07
    mouth = _inside(np.maximum(ring, y + 0.15), pixel)
    return face * (1.0 - np.maximum(eyes, mouth))


def photo(size: int = 32) -> Array:
    """The public-domain "camera" photograph, (size, size) grey levels in [0, 1], size <= 64.

    Each output pixel is the mean of a block of the 64 x 64 original (blocks of unequal size
    when 64 is not a multiple of `size`).
    """
    size = validate.integer_in_range("size", size, 1, PHOTO_SIZE)
    image = np.load(PHOTO_FILE).astype(np.float64) / 255.0
    edges = np.floor(np.linspace(0, PHOTO_SIZE, size + 1)).astype(np.intp)[:-1]
    counts = np.diff(np.append(edges, PHOTO_SIZE))
    rows = np.add.reduceat(image, edges, axis=0) / counts[:, None]
    return np.add.reduceat(rows, edges, axis=1) / counts[None, :]


def image(name: str, size: int = 32) -> Array:
    """The picture called `name` ("smiley" or "photo") at `size` x `size`."""
    validate.choice("image", name, IMAGES)
    return smiley(size) if name == "smiley" else photo(size)


def image_data(picture) -> tuple[Array, Array]:
    """X (H W, 2) pixel centres (x, y) in [-1, 1]^2 and y (H W, 1) intensities, row by row."""
    picture = validate.float_array("image", picture, ndim=2)
    height, width = picture.shape
    if height < 1 or width < 1:
        raise validate.ArgumentValueError(
            "image", f"image must not be empty, got shape {picture.shape}"
        )
    x, y = pixel_grid(height, width)
    return np.stack([x.ravel(), y.ravel()], axis=1), picture.reshape(-1, 1)


def to_image(predictions, height: int, width: int) -> Array:
    """Predictions (H W,) or (H W, 1) back to an (H, W) picture, clipped to [0, 1]."""
    predictions = validate.float_array("predictions", predictions, allow_nan=True)
    height = validate.integer_in_range("height", height, 1, 4096)
    width = validate.integer_in_range("width", width, 1, 4096)
    if predictions.size != height * width:
        raise validate.ArgumentValueError(
            "predictions",
            f"predictions must have {height * width} values for a {height} x {width} "
            f"image, got {predictions.size}",
        )
    return np.clip(np.nan_to_num(predictions.reshape(height, width), nan=0.0), 0.0, 1.0)
