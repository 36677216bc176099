"""Pictures for demo content, drawn in code so the repository ships no photos."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

PALETTES = [
    ((200, 16, 46), (255, 255, 255)),  # red and white
    ((18, 52, 86), (240, 200, 80)),
    ((34, 94, 60), (250, 240, 220)),
    ((90, 40, 120), (250, 220, 120)),
    ((20, 20, 20), (230, 60, 60)),
]


def picture(seed, width=1600, height=1000):
    """A poster-like picture: a two-colour field, a band and a few 'lanterns'."""
    rng = random.Random(seed)
    background, accent = PALETTES[rng.randrange(len(PALETTES))]
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    band = height // 3
    draw.rectangle([0, band, width, band * 2], fill=accent)
    for _ in range(rng.randint(3, 9)):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(height // 30, height // 10)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 214, 102), outline=background)
    return image


def picture_upload(seed, name="demo.jpg", **kwargs):
    buffer = io.BytesIO()
    picture(seed, **kwargs).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
