"""The page's side of the demo protocol, for tests: JSON requests in, decoded answers out."""

import json

from explainer_core import demos


def call(demo: str, method: str, args: dict) -> dict:
    """One call, as the worker makes it: `{"ok": ..., "result" | "error": ...}`."""
    return json.loads(demos.call(json.dumps({"demo": demo, "method": method, "args": args})))


def run(demo: str, method: str, args: dict, max_frames: int = 100) -> tuple[dict, list[dict]]:
    """A streamed run advanced chunk by chunk to its end: (last chunk, every frame)."""
    stream = demos.start(json.dumps({"demo": demo, "method": method, "args": args}))
    frames = []
    while True:
        out = json.loads(stream.advance(max_frames=max_frames, budget_ms=2000))
        frames += out["frames"]
        if out["done"] or not out["ok"]:
            return out, frames
