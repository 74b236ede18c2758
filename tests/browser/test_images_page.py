"""What a reader sees on "The image race", in headless Chromium against the built site.

The demo's numbers are checked against CPython (the demo's own module through the JSON entry
points the worker calls). Screenshots: test-artifacts/images-{light,dark,phone}.png.
"""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="images"]'


def python_frames(**args) -> list[dict]:
    return pagekit.python_frames("images", "race", **args)


def open_demo(page, server, fragment=""):
    return pagekit.open_demo(page, server, "images/", DEMO, fragment)


def play_to_end(page):
    pagekit.play_to_end(page, DEMO)


def png(width: int, height: int) -> bytes:
    """A small grey PNG written by hand (a left-to-right ramp)."""
    rows = b"".join(b"\x00" + bytes(int(255 * x / max(1, width - 1)) for x in range(width))
                    for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_race_gives_the_numbers_cpython_gives(page, server, artifacts):
    demo = open_demo(page, server)
    demo.locator('[name="budget"]').fill("300")
    page.wait_for_timeout(300)
    play_to_end(page)
    last = python_frames(budget="300")[-1]
    for name in ("evolution", "sgd", "adam"):
        assert shown(demo, f"{name}-loss") == pytest.approx(last["methods"][name]["loss"], rel=1e-9)
        assert shown(demo, f"{name}-step") == last["methods"][name]["step"]
    assert demo.locator(".gde-message").text_content() == last["reason"]
    assert demo.locator('[data-role="parameters"]').text_content() == "1,185"
    run_ms, redraws = int(demo.get_attribute("data-run-ms")), int(demo.get_attribute("data-redraws"))
    print(f"\nbrowser: a 300-pass race in {run_ms} ms, {redraws} redraws")
    shoot(page, demo, artifacts / "images-light.png")


def test_bad_input_gets_its_message_beside_the_control(page, server, record):
    demo = open_demo(page, server)
    demo.locator('[name="sigma"]').fill("0")
    slot = demo.locator('.gde-field-error[data-error-for="mutation scale"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "mutation scale must be a number above 0 and at most 10, got 0"
    assert demo.locator('[name="sigma"]').get_attribute("aria-invalid") == "true"
    demo.locator('[name="sigma"]').fill("0.02")
    demo.locator('[name="width"]').fill("256")
    demo.locator('[name="depth"]').fill("6")
    slot = demo.locator('.gde-field-error[data-error-for="width"]')
    slot.wait_for(state="visible")
    assert "over the memory budget of 20,000 parameters" in slot.text_content()
    demo.locator('[name="width"]').fill("32")
    demo.locator('[name="depth"]').fill("2")
    # a file that is not an image, then a corrupt "PNG": a message, the previous target kept
    files = demo.locator('[data-role="file"]')
    file_slot = demo.locator('.gde-field-error[data-error-for="your picture"]')
    files.set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"})
    file_slot.wait_for(state="visible")
    assert "not an image" in file_slot.text_content() and "previous target is kept" in file_slot.text_content()
    files.set_input_files({"name": "broken.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\nnot really"})
    page.wait_for_function(
        """() => document.querySelector('[data-demo="images"] [data-error-for="your picture"]').textContent.includes("could not be read")""")
    assert demo.locator('[name="picture"]').input_value() == "smiley"
    # an image 40,000 pixels wide, one of 0 pixels, and a file over 20 MB: refused, smiley kept
    def refused(upload, words):
        files.set_input_files({"name": "x.png", "mimeType": "image/png", "buffer": b""})  # clears the slot
        files.set_input_files(upload)
        page.wait_for_function(
            """(words) => document.querySelector('[data-demo="images"] [data-error-for="your picture"]').textContent.includes(words)""",
            arg=words)
        assert "previous target is kept" in file_slot.text_content()
        assert demo.locator('[name="picture"]').input_value() == "smiley"
    refused({"name": "wide.png", "mimeType": "image/png", "buffer": png(40_000, 1)},
            "this image is 40000 × 1 pixels; a side must be from 1 to 10,000")
    zero = png(1, 1).replace(struct.pack(">II", 1, 1), struct.pack(">II", 0, 1), 1)
    refused({"name": "zero.png", "mimeType": "image/png", "buffer": zero}, "could not be read")
    refused({"name": "huge.png", "mimeType": "image/png", "buffer": png(8, 8) + bytes(21 * 1024 * 1024)},
            "this file is 21.0 MB; the limit is 20 MB")
    # a real picture becomes the target, and its race gives CPython's numbers
    files.set_input_files({"name": "ramp.png", "mimeType": "image/png", "buffer": png(48, 40)})
    page.wait_for_function(
        """() => document.querySelector('[data-demo="images"] [name="picture"]').value === "yours" """)
    assert file_slot.text_content() == ""
    page.wait_for_function(
        """() => document.querySelector('[data-demo="images"] .gde-message').textContent.startsWith("Your picture")""")


def test_stop_stops_within_half_a_second(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server)
    page.evaluate("""() => { document.body.setAttribute("data-md-color-scheme", "slate"); }""")
    demo.locator('[name="budget"]').fill("100000")
    demo.locator('[name="sgd_lr"]').fill("50")
    page.wait_for_timeout(300)
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="images"]');
                   return r.dataset.state === "running" && Number(r.querySelector('[data-role="adam-step"]').dataset.value) >= 100
                 && r.querySelector('[data-role="sgd-note"]').textContent !== ""; }""",
        timeout=RUN_TIMEOUT)
    note = demo.locator('[data-role="sgd-note"]')
    assert note.text_content().startswith("SGD (mini-batches) diverged at step")
    # the other two go on (each method runs in a worker of its own)
    steps = {m: shown(demo, f"{m}-step") for m in ("evolution", "adam")}
    page.wait_for_function(
        f"""() => {{ const r = document.querySelector('[data-demo="images"]');
                    return Number(r.querySelector('[data-role="adam-step"]').dataset.value) > {steps["adam"]}
                      && Number(r.querySelector('[data-role="evolution-step"]').dataset.value) > {steps["evolution"]}; }}""",
        timeout=RUN_TIMEOUT)
    shoot(page, demo, artifacts / "images-dark.png")
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="images"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you at")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    shoot(page, demo, artifacts / "images-phone.png")
