"""Render resources/icons/sanhui.svg's drawing as PNGs (hicolor sizes) and a Windows .ico with Pillow.

The SVG is the source; this repeats its few shapes so no SVG renderer is needed. Run after editing it:
    python installers/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
RED, GOLD, WHITE = "#C8102E", "#FFD34E", "#FFFFFF"
PNG_SIZES = (16, 32, 48, 64, 128, 256)


def draw(size: int = 256) -> Image.Image:
    scale = 4  # draw large, then downsample: Pillow has no anti-aliasing of its own
    s = scale * size / 256

    def box(*xy: float) -> list[float]:
        return [v * s for v in xy]

    img = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(box(8, 8, 248, 248), radius=48 * s, fill=RED)
    d.rounded_rectangle(box(100, 40, 156, 144), radius=28 * s, fill=GOLD)
    w = round(14 * s)
    d.arc(box(72 - 7, 56 - 7, 184 + 7, 168 + 7), start=0, end=180, fill=GOLD, width=w)
    d.line(box(128, 170, 128, 196), fill=GOLD, width=w)
    d.line(box(96, 204, 160, 204), fill=GOLD, width=w)
    for x1, y, x2 in ((36, 60, 68), (36, 84, 68), (36, 108, 56)):
        d.line(box(x1, y, x2, y), fill=WHITE, width=round(8 * s))
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    big = draw(256)
    for size in PNG_SIZES:
        if size in (48, 256):  # the sizes the .deb installs into the hicolor theme
            draw(size).save(ICONS / f"sanhui-{size}.png")
    big.save(ICONS / "sanhui.ico", sizes=[(n, n) for n in PNG_SIZES])


if __name__ == "__main__":
    main()
