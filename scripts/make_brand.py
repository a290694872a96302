"""Draw the brand images in custom_components/cloud_bridge/brand/.

A bridge (arch, hangers and deck) between two clouds; the logo adds the name.
Run again after a change: .venv/bin/python scripts/make_brand.py
"""

from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

BRAND = Path(__file__).parent.parent / "custom_components/cloud_bridge/brand"
SCALE = 4  # draw this much larger, then shrink: smooth edges
CLOUD = "#41BDF5"  # Home Assistant blue
BRIDGE = {"light": "#0B4F8A", "dark": "#E8F4FD"}
TEXT = {"light": "#1C2630", "dark": "#F2F5F8"}


def cloud_shape(draw: ImageDraw.ImageDraw, big: int, grow: float) -> None:
    """Draw both clouds, each part grown by `grow`, in white on a mask."""
    width, bottom = 0.4, 0.9  # of each cloud, drawn at 0..1 wide then placed
    for side in (-1, 1):

        def px(x: float, y: float, side: int = side) -> tuple[int, int]:
            x = 0.5 + side * (width * x - 0.5)  # mirrored: big bumps face the bridge
            return round(x * big), round((bottom + width * (y - 0.72)) * big)

        def circle(cx: float, cy: float, r: float) -> None:
            r += grow / width
            (x0, y0), (x1, y1) = px(cx - r, cy - r), px(cx + r, cy + r)
            draw.ellipse((min(x0, x1), y0, max(x0, x1), y1), fill=255)

        circle(0.3, 0.42, 0.2)
        circle(0.62, 0.34, 0.28)
        (x0, y0), (x1, y1) = px(0, 0.42), px(1, 0.72)
        g, r = round(grow * big), round(0.15 * width * big + grow * big)
        draw.rounded_rectangle(
            (min(x0, x1) - g, y0 - g, max(x0, x1) + g, y1 + g), radius=r, fill=255
        )


def mark(size: int, theme: str) -> Image.Image:
    """Return the square mark, trimmed and centred, size pixels wide."""
    big = 1024 * SCALE
    image = Image.new("RGBA", (big, big))
    draw = ImageDraw.Draw(image)

    def px(*values: float) -> list[int]:
        return [round(v * big) for v in values]

    bridge = BRIDGE[theme]
    # Deck, arch and hangers: the arch is the top half of an ellipse on the deck.
    deck_y, arch_top, half_span, stroke = 0.68, 0.3, 0.33, 0.06
    draw.rounded_rectangle(
        px(0.5 - half_span, deck_y - 0.026, 0.5 + half_span, deck_y + 0.026),
        radius=px(0.026)[0],
        fill=bridge,
    )
    box = px(0.5 - half_span, arch_top, 0.5 + half_span, 2 * deck_y - arch_top)
    draw.arc(box, 180, 360, fill=bridge, width=px(stroke)[0])
    rx, ry = half_span - stroke / 2, deck_y - arch_top - stroke / 2
    for dx in (-0.1, 0.0, 0.1):
        top = deck_y - ry * (1 - (dx / rx) ** 2) ** 0.5
        draw.line(px(0.5 + dx, top, 0.5 + dx, deck_y), fill=bridge, width=px(0.024)[0])
    # Two clouds over the ends of the bridge, with a thin transparent gap around them.
    gap, clouds = Image.new("L", image.size), Image.new("L", image.size)
    cloud_shape(ImageDraw.Draw(gap), big, 0.02)
    cloud_shape(ImageDraw.Draw(clouds), big, 0.0)
    image.putalpha(ImageChops.subtract(image.getchannel("A"), gap))
    image.paste(CLOUD, mask=clouds)

    image = image.crop(image.getbbox())
    side_len = max(image.size)
    square = Image.new("RGBA", (side_len, side_len))
    square.paste(image, ((side_len - image.width) // 2, (side_len - image.height) // 2))
    return square.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int, theme: str) -> Image.Image:
    """Return the mark followed by the name, height pixels tall."""
    icon = mark(height * SCALE, theme)
    icon = icon.crop(icon.getbbox())
    font = ImageFont.load_default(size=height * SCALE * 0.32)
    text, bold = "Cloud Bridge", SCALE * 2  # the bundled font has no bold face
    left, _, right, _ = map(round, font.getbbox(text, stroke_width=bold))
    _, cap_top, _, baseline = map(round, font.getbbox("CB", stroke_width=bold))
    gap = height * SCALE // 6
    image = Image.new("RGBA", (icon.width + gap + right - left, icon.height))
    image.paste(icon)
    ImageDraw.Draw(image).text(
        # capitals centred on the mark
        (icon.width + gap - left, (icon.height - (baseline - cap_top)) // 2 - cap_top),
        text,
        font=font,
        fill=TEXT[theme],
        stroke_width=bold,
        stroke_fill=TEXT[theme],
    )
    image = image.crop(image.getbbox())
    width = 2 * round(image.width * height / image.height / 2)  # even
    return image.resize((width, height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write the PNG files."""
    BRAND.mkdir(exist_ok=True)
    images = {}
    for theme, prefix in (("light", ""), ("dark", "dark_")):
        # The 1x images are the 2x ones halved, so the sizes are exactly double.
        for kind, image in (("icon", mark(512, theme)), ("logo", logo(512, theme))):
            half = (image.width // 2, image.height // 2)
            images[f"{prefix}{kind}.png"] = image.resize(half, Image.Resampling.LANCZOS)
            images[f"{prefix}{kind}@2x.png"] = image
    for name, image in images.items():
        # A 256-colour palette (with alpha) looks the same and is 4x smaller.
        palette = image.quantize(256, method=Image.Quantize.FASTOCTREE)
        palette.save(BRAND / name, optimize=True)
        print(f"{BRAND / name}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
