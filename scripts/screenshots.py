"""Make the README's screenshots: SVGs of the main screens at 120×36 from the demo caseload.

    uv run python scripts/screenshots.py [--out screenshots] [--size 120x36]

The demo is built with a fixed seed and a fixed 'today', so the pictures only change when
the screens (or the demo generator) do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

TODAY = date(2026, 3, 16)
SEED = 2016

# (file name, keys pressed from the previous shot); "@employer" opens the first employer.
SHOTS: list[tuple[str, list[str]]] = [
    ("today", []),
    ("clients", ["f3"]),
    ("client-card", ["enter"]),
    ("client-notes", ["2"]),
    ("note-editor", ["1", "n", *"Tavattiin toimistolla. Asiakas kiinnostunut työkokeilusta."]),
    ("voucher-issue", ["escape", "v"]),
    ("employers", ["escape", "f4"]),
    ("employer-card", ["down", "enter"]),
    ("visit-form", ["v", "tab", "tab", *"hitsaaja 2, myyjä"]),
    ("vouchers", ["escape", "f5"]),
    ("budgets", ["b"]),
    ("sync", ["escape", "f6"]),
    ("help", ["f2", "f1"]),
]


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


async def make(out: Path, size: tuple[int, int]) -> list[Path]:
    from kenttä.services.data import ensure_demo_database
    from kenttä.ui.app import KenttaApp

    written = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KENTTA_CONFIG"] = str(Path(tmp) / "none.toml")
        ws = ensure_demo_database(Path(tmp) / "demo.db", seed=SEED, today=TODAY)
        app = KenttaApp(ws, today=TODAY, language="fi")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for name, keys in SHOTS:
                for key in keys:
                    await pilot.press(key)
                await settle(pilot)
                path = out / f"{name}.svg"
                app.save_screenshot(path.name, str(out))
                written.append(path)
        ws.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--size", default="120x36")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(make(args.out, (width, height))):
        print(path)


if __name__ == "__main__":
    main()
