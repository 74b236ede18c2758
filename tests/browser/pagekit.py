"""What the chapter page tests share: CPython's frames for a demo run, opening a demo until it
is ready, reading a number the page shows, a screenshot of one demo, and a run played to its end.
"""

from __future__ import annotations

import json

from explainer_core import demos

READY_TIMEOUT = 120_000
RUN_TIMEOUT = 60_000


def python_frames(demo: str, method: str, /, **args) -> list[dict]:
    """Every frame of a demo's streamed `method` in CPython, as the page receives them (JSON)."""
    stream = demos.start(json.dumps({"demo": demo, "method": method, "args": args}))
    frames = []
    while True:
        chunk = json.loads(stream.advance(100_000, 60_000))
        assert chunk["ok"], chunk
        frames += chunk["frames"]
        if chunk["done"]:
            return frames


def open_demo(page, server, path: str, selector: str, fragment: str = ""):
    """Open the chapter at `path` (its slug and a slash) and wait until the demo is ready."""
    page.goto(server.url + path + fragment)
    page.locator(selector).scroll_into_view_if_needed()
    page.locator(f'{selector}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    return page.locator(selector)


def shown(demo, role: str) -> float | None:
    """A number as the page holds it: the exact float from Python in its data-value."""
    value = demo.locator(f'[data-role="{role}"]').get_attribute("data-value")
    return None if value in (None, "") else float(value)


def shoot(page, demo, path) -> None:
    """A picture of the whole demo, without the page's fixed header over it."""
    box = demo.bounding_box()
    x, y = page.evaluate("() => [window.scrollX, window.scrollY]")
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": box["x"] + x, "y": box["y"] + y, "width": box["width"],
                          "height": box["height"]})


def wait_ready_with_message(page, selector: str, start: str, timeout: int = RUN_TIMEOUT) -> None:
    """Wait until the demo is ready again and its message begins with `start`."""
    page.wait_for_function(
        f"""() => {{ const r = document.querySelector({json.dumps(selector)});
                   return r.dataset.state === "ready"
                     && r.querySelector(".gde-message").textContent.startsWith({json.dumps(start)}); }}""",
        timeout=timeout)


def play_to_end(page, selector: str, timeout: int = RUN_TIMEOUT) -> None:
    """Press the demo's Play and wait for its "Done" message."""
    page.locator(f'{selector} [data-action="play"]').click()
    wait_ready_with_message(page, selector, "Done", timeout)
