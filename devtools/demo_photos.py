"""Draw the demo's photos: flat illustrations of what the demo farms sell, and of the farms,
960 × 720, as small JPEGs in ``producers/demo_photos/`` (made for the demo, CC0).

    .venv/bin/python -m devtools.demo_photos

The files are committed; ``seed_demo`` only reads them (``producers.demo``). Run this again
after changing a drawing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "producers" / "demo_photos"
W, H = 960, 720
S = 2  # drawn at twice the size, then reduced: smooth edges
MAX_BYTES = 60_000

Draw = ImageDraw.ImageDraw


def _canvas(background: str) -> tuple[Image.Image, Draw]:
    image = Image.new("RGB", (W * S, H * S), background)
    return image, ImageDraw.Draw(image)


def _e(draw: Draw, cx, cy, rx, ry, fill, outline=None, width=0):
    draw.ellipse(
        [(cx - rx) * S, (cy - ry) * S, (cx + rx) * S, (cy + ry) * S],
        fill=fill,
        outline=outline,
        width=width * S,
    )


def _poly(draw: Draw, points, fill):
    draw.polygon([(x * S, y * S) for x, y in points], fill=fill)


def _rect(draw: Draw, x0, y0, x1, y1, fill, radius=0):
    draw.rounded_rectangle([x0 * S, y0 * S, x1 * S, y1 * S], radius=radius * S, fill=fill)


def _line(draw: Draw, points, fill, width):
    draw.line([(x * S, y * S) for x, y in points], fill=fill, width=width * S, joint="curve")


def _rotated(points, cx, cy, angle):
    a = math.radians(angle)
    return [
        (cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a),
         cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a))
        for x, y in points
    ]  # fmt: skip


def _table(draw: Draw, colour: str):
    _rect(draw, 0, 560, W, H, colour)


# --- Vegetables -----------------------------------------------------------------------------


def carrots(draw: Draw):
    _table(draw, "#e9d8b4")
    for cx, angle in ((360, -18), (480, 0), (600, 18)):
        body = _rotated([(cx - 45, 260), (cx + 45, 260), (cx, 640)], cx, 260, angle)
        for dx in (-30, 0, 30):
            leaf = _rotated([(cx + dx, 250), (cx + dx * 2.2, 90)], cx, 260, angle)
            _line(draw, leaf, "#3f8f3a", 16)
        _poly(draw, body, "#ef7d1a")
        for y in (340, 420, 500):
            ring = _rotated([(cx - 25, y), (cx - 5, y + 6)], cx, 260, angle)
            _line(draw, ring, "#c95f0c", 5)


def potatoes(draw: Draw):
    _table(draw, "#d7c3a0")
    rng = random.Random(2)
    for cx, cy, rx, ry in ((330, 470, 150, 100), (600, 490, 140, 95), (470, 360, 130, 90)):
        _e(draw, cx, cy, rx, ry, "#c9a063")
        for _ in range(6):
            _e(draw, cx + rng.randint(-rx + 30, rx - 30), cy + rng.randint(-ry + 25, ry - 25),
               6, 4, "#9c7440")  # fmt: skip


def chicory(draw: Draw):
    _table(draw, "#bcd3c7")
    for cx, angle in ((340, -12), (480, 0), (620, 12)):
        body = _rotated([(cx - 55, 560), (cx + 55, 560), (cx + 40, 300), (cx, 200), (cx - 40, 300)],
                        cx, 560, angle)  # fmt: skip
        _poly(draw, body, "#f6f1da")
        tip = _rotated([(cx - 35, 300), (cx + 35, 300), (cx, 200)], cx, 560, angle)
        _poly(draw, tip, "#d9e27a")


def lambs_lettuce(draw: Draw):
    _table(draw, "#f0e2c4")
    for cx, cy in ((340, 400), (600, 420), (470, 300), (470, 500)):
        for k in range(8):
            a = math.radians(k * 45)
            _e(draw, cx + 55 * math.cos(a), cy + 55 * math.sin(a) * 0.7, 45, 30, "#4c9a3f")
        _e(draw, cx, cy, 28, 22, "#7fbf5a")


def leeks(draw: Draw):
    _table(draw, "#e3d2b0")
    for x in (330, 450, 570):
        _rect(draw, x, 330, x + 70, 620, "#f4f1e4", radius=30)
        _rect(draw, x, 250, x + 70, 380, "#b9d98a", radius=10)
        _poly(draw, [(x, 260), (x + 35, 260), (x - 60, 60)], "#3f7d3a")
        _poly(draw, [(x + 35, 260), (x + 70, 260), (x + 140, 70)], "#2f6b3a")
        _line(draw, [(x + 10, 620), (x + 20, 660)], "#d8c9a3", 4)


def squash(draw: Draw):
    _table(draw, "#cfe0d4")
    _e(draw, 480, 470, 170, 140, "#f0b45c")
    _e(draw, 480, 300, 95, 130, "#f0b45c")
    _rect(draw, 465, 150, 495, 200, "#6b5a2a", radius=8)


def basket(draw: Draw):
    _table(draw, "#dcc7a0")
    _e(draw, 380, 380, 90, 80, "#ef7d1a")
    _e(draw, 560, 370, 100, 85, "#4c9a3f")
    _e(draw, 470, 330, 80, 70, "#c9a063")
    _e(draw, 650, 420, 70, 60, "#b8322a")
    _poly(draw, [(230, 420), (730, 420), (680, 630), (280, 630)], "#a8743c")
    for y in (470, 530, 590):
        _line(draw, [(250, y), (710, y)], "#8a5c2c", 6)


# --- Dairy ----------------------------------------------------------------------------------


def milk(draw: Draw):
    _table(draw, "#9cc3e4")
    for x, h in ((330, 0), (560, 40)):
        _rect(draw, x, 250 + h, x + 150, 620, "#ffffff", radius=40)
        _rect(draw, x + 40, 170 + h, x + 110, 270 + h, "#ffffff", radius=10)
        _rect(draw, x + 35, 150 + h, x + 115, 190 + h, "#2f5fa8", radius=8)
        _rect(draw, x + 10, 400 + h, x + 140, 470 + h, "#dbe9f6")


def pots(draw: Draw):
    _table(draw, "#f1d9d2")
    for x in (290, 430, 570):
        _poly(draw, [(x, 360), (x + 120, 360), (x + 105, 600), (x + 15, 600)], "#fbfbf7")
        _rect(draw, x - 8, 340, x + 128, 370, "#5aa0d8", radius=6)
        _rect(draw, x + 20, 450, x + 100, 500, "#e6eef4")


def butter(draw: Draw):
    _table(draw, "#c7dceb")
    _poly(draw, [(260, 420), (640, 420), (720, 360), (340, 360)], "#fbe6a2")
    _rect(draw, 260, 420, 640, 560, "#f6d36b")
    _poly(draw, [(640, 420), (720, 360), (720, 500), (640, 560)], "#e9be4f")
    _rect(draw, 380, 420, 500, 560, "#ffffff")


def cheese(draw: Draw):
    _table(draw, "#d8e4c8")
    _rect(draw, 260, 330, 700, 520, "#d9a441")
    _e(draw, 480, 520, 220, 70, "#c48f32")
    _e(draw, 480, 330, 220, 70, "#f4d58a")
    # a wedge cut out, its inside showing
    _poly(draw, [(480, 330), (700, 330), (700, 520), (480, 520)], "#d8e4c8")
    _poly(draw, [(480, 330), (620, 290), (620, 480), (480, 520)], "#f7e2a6")
    for cx, cy in ((560, 380), (530, 450), (590, 430)):
        _e(draw, cx, cy, 10, 8, "#e2c57e")


# --- Bakery ---------------------------------------------------------------------------------


def loaf(draw: Draw):
    _table(draw, "#e6d3b3")
    _e(draw, 480, 420, 250, 160, "#b8783a")
    _e(draw, 480, 400, 230, 135, "#c98a46")
    for dx in (-110, 0, 110):
        _line(draw, [(480 + dx - 40, 320), (480 + dx + 40, 480)], "#f0d19a", 14)


def baguette(draw: Draw):
    _table(draw, "#cfdfe8")
    points = [(150 + t * 6.6, 470 - t * 2.4) for t in range(101)]
    _line(draw, points, "#c98a46", 110)
    for t in range(12, 95, 16):
        x, y = 150 + t * 6.6, 470 - t * 2.4
        _line(draw, [(x - 25, y - 10), (x + 25, y + 5)], "#f0d19a", 10)


def brioche(draw: Draw):
    _table(draw, "#efd9c9")
    _rect(draw, 270, 420, 690, 600, "#a8743c", radius=20)
    for cx in (340, 480, 620):
        _e(draw, cx, 400, 85, 90, "#e0a24a")
        _e(draw, cx - 20, 370, 30, 22, "#f1c57a")


def flour(draw: Draw):
    _table(draw, "#d9cdb8")
    _poly(draw, [(330, 220), (630, 220), (680, 620), (280, 620)], "#f3ead7")
    _poly(draw, [(330, 220), (630, 220), (600, 170), (360, 170)], "#e4d6b8")
    _line(draw, [(480, 560), (480, 330)], "#c9a046", 8)
    for y in range(350, 540, 40):
        _e(draw, 455, y, 22, 12, "#d9b050")
        _e(draw, 505, y, 22, 12, "#d9b050")


# --- Orchard --------------------------------------------------------------------------------


def apples(draw: Draw):
    _table(draw, "#e8dcc0")
    for cx, cy, colour in ((340, 450, "#c8372d"), (600, 450, "#d9482f"), (470, 330, "#b52f2a")):
        _e(draw, cx - 35, cy, 95, 105, colour)
        _e(draw, cx + 35, cy, 95, 105, colour)
        _line(draw, [(cx, cy - 100), (cx + 10, cy - 150)], "#6b4a2a", 10)
        _e(draw, cx + 50, cy - 140, 40, 18, "#4c9a3f")
        _e(draw, cx - 45, cy - 40, 22, 14, "#ec8a7a")


def pears(draw: Draw):
    _table(draw, "#d7e1ef")
    for cx in (360, 600):
        _e(draw, cx, 480, 115, 115, "#c8c24a")
        _e(draw, cx, 340, 70, 90, "#c8c24a")
        _line(draw, [(cx, 250), (cx + 15, 200)], "#6b4a2a", 10)
        _e(draw, cx - 40, 470, 25, 15, "#e1dc86")


def bottle(draw: Draw):
    _table(draw, "#f0dcc0")
    for x, colour in ((330, "#e5a023"), (560, "#5e8f3a")):
        _rect(draw, x, 300, x + 140, 620, colour, radius=30)
        _rect(draw, x + 45, 170, x + 95, 320, colour, radius=10)
        _rect(draw, x + 40, 150, x + 100, 180, "#3a3a3a", radius=6)
        _rect(draw, x + 15, 420, x + 125, 520, "#f7f1e1", radius=8)


def jar(draw: Draw):
    _table(draw, "#cfe0d9")
    _rect(draw, 340, 280, 620, 610, "#e9f1f2", radius=40)
    _rect(draw, 355, 330, 605, 595, "#d8a860", radius=30)
    _rect(draw, 330, 230, 630, 290, "#b8322a", radius=12)
    _rect(draw, 390, 420, 570, 500, "#f7f1e1", radius=8)


# --- Poultry and eggs -----------------------------------------------------------------------


def chicken(draw: Draw):
    _table(draw, "#d6e3cf")
    _e(draw, 480, 600, 300, 50, "#f4f1e4")  # the dish
    for cx, angle in ((360, -25), (600, 25)):
        _e(draw, cx, 440, 110, 130, "#c9843e")
        _e(draw, cx - 20, 400, 50, 40, "#dea05c")
        bone = _rotated([(cx, 300), (cx, 200)], cx, 440, angle)
        _line(draw, bone, "#f6eedd", 30)
        _e(draw, bone[1][0], bone[1][1], 26, 26, "#f6eedd")


def eggs(draw: Draw):
    _table(draw, "#cbd9e6")
    _rect(draw, 220, 380, 740, 600, "#b9b2a4", radius=20)
    for row, y in enumerate((440, 540)):
        for k in range(3):
            _e(draw, 330 + k * 150, y, 58, 46, "#e8c9a0" if (row + k) % 2 else "#f6ecd9")


# --- Hive -----------------------------------------------------------------------------------


def honey(draw: Draw):
    _table(draw, "#f2e6c9")
    for x, colour in ((300, "#f0b429"), (520, "#c9791a")):
        _rect(draw, x, 300, x + 180, 600, colour, radius=30)
        _rect(draw, x - 10, 250, x + 190, 310, "#6b4a2a", radius=10)
        hexagon = [(x + 90 + 45 * math.cos(math.radians(a)), 440 + 45 * math.sin(math.radians(a)))
                   for a in range(0, 360, 60)]  # fmt: skip
        _poly(draw, hexagon, "#fbf3d9")


def gingerbread(draw: Draw):
    _table(draw, "#dfe7d6")
    _rect(draw, 250, 360, 710, 580, "#8a4f23", radius=30)
    _rect(draw, 250, 340, 710, 420, "#a2612e", radius=30)
    for x in (330, 480, 630):
        _e(draw, x, 470, 22, 22, "#c98a46")


def candle(draw: Draw):
    _table(draw, "#d9d3e8")
    _rect(draw, 400, 320, 560, 620, "#f2cf62", radius=16)
    for y in range(350, 600, 40):
        _line(draw, [(400, y), (560, y)], "#e2b946", 4)
    _line(draw, [(480, 320), (480, 280)], "#3a3a3a", 6)
    _e(draw, 480, 240, 26, 48, "#f59a23")
    _e(draw, 480, 252, 13, 26, "#fde28a")


# --- Farms ----------------------------------------------------------------------------------


def _landscape(draw: Draw, *, sky: str, hill: str, field: str):
    draw.rectangle([0, 0, W * S, H * S], fill=sky)
    _e(draw, 800, 120, 60, 60, "#fbd46b")
    _e(draw, 250, 520, 500, 200, hill)
    _e(draw, 800, 560, 450, 180, hill)
    _rect(draw, 0, 520, W, H, field)


def _barn(draw: Draw, x, y, colour="#b8322a"):
    _rect(draw, x, y, x + 220, y + 160, colour)
    _poly(draw, [(x - 20, y), (x + 240, y), (x + 110, y - 100)], "#5a3a2a")
    _rect(draw, x + 80, y + 70, x + 140, y + 160, "#5a3a2a")


def _tree(draw: Draw, x, y, r=60, fruit=None):
    _rect(draw, x - 10, y, x + 10, y + 90, "#6b4a2a")
    _e(draw, x, y - 20, r, r, "#3f7d3a")
    if fruit:
        for dx, dy in ((-25, -30), (20, -10), (0, -50), (30, -45)):
            _e(draw, x + dx, y + dy, 8, 8, fruit)


def farm_market_garden(draw: Draw):
    _landscape(draw, sky="#bfe0f2", hill="#8dbf6a", field="#6f9f48")
    _barn(draw, 120, 380)
    for x in (450, 640):  # greenhouses
        _rect(draw, x, 400, x + 170, 520, "#e6f2f0", radius=70)
        for k in range(1, 4):
            _line(draw, [(x + k * 42, 405), (x + k * 42, 520)], "#b9d1cc", 3)
    for y in range(560, 720, 40):
        _line(draw, [(0, y), (W, y)], "#4f8a36", 10)


def farm_dairy(draw: Draw):
    _landscape(draw, sky="#cfe6f5", hill="#9ccc72", field="#7fb254")
    _barn(draw, 560, 360, "#f4f1e4")
    for x in (150, 280, 400):
        _tree(draw, x, 400, 70)
    for cx in (260, 420):  # two cows
        _e(draw, cx, 610, 70, 40, "#ffffff")
        _e(draw, cx + 20, 600, 25, 18, "#2a2a2a")
        _e(draw, cx + 75, 585, 22, 18, "#ffffff")
        for dx in (-45, -20, 25, 50):
            _line(draw, [(cx + dx, 640), (cx + dx, 680)], "#ffffff", 10)


def farm_bakery(draw: Draw):
    _landscape(draw, sky="#f6dcc0", hill="#c9b86a", field="#d9c27a")
    _rect(draw, 300, 330, 660, 560, "#e8d3b0")
    _poly(draw, [(280, 330), (680, 330), (480, 210)], "#8a4f23")
    _rect(draw, 590, 170, 630, 270, "#7a6a5a")
    for k, r in enumerate((22, 30, 38)):
        _e(draw, 620 + k * 30, 140 - k * 40, r, r * 0.8, "#f4f1ea")
    _e(draw, 480, 480, 70, 60, "#3a2a20")
    _e(draw, 480, 490, 45, 35, "#f59a23")
    for y in range(560, 720, 30):
        _line(draw, [(0, y), (W, y)], "#c9ae5e", 6)


def farm_orchard(draw: Draw):
    _landscape(draw, sky="#d4e9f4", hill="#a5cc78", field="#86b55a")
    for row, y in enumerate((420, 540)):
        for k in range(5):
            _tree(draw, 120 + k * 180 + row * 90, y, 60 + row * 8, fruit="#d9482f")


def farm_poultry(draw: Draw):
    _landscape(draw, sky="#d9ecf2", hill="#6f9f48", field="#93bd62")
    for x in range(0, W + 60, 70):  # the forest's edge
        _poly(draw, [(x - 50, 420), (x + 50, 420), (x, 250)], "#2f6b3a")
    _rect(draw, 380, 430, 600, 540, "#c98a46")
    _poly(draw, [(360, 430), (620, 430), (490, 360)], "#5a3a2a")
    rng = random.Random(5)
    for _ in range(7):  # hens
        cx, cy = rng.randint(120, 840), rng.randint(590, 680)
        _e(draw, cx, cy, 26, 18, "#f4f1e4" if rng.random() < 0.5 else "#b8672e")
        _e(draw, cx + 22, cy - 16, 10, 10, "#b8322a")


def farm_apiary(draw: Draw):
    _landscape(draw, sky="#dbeaf6", hill="#a9cf80", field="#8cbc5e")
    for x in (180, 420, 660):  # hives
        _rect(draw, x, 450, x + 140, 600, "#f2cf62")
        _rect(draw, x - 10, 430, x + 150, 460, "#ffffff")
        _line(draw, [(x, 520), (x + 140, 520)], "#d9b246", 5)
        _rect(draw, x + 50, 570, x + 90, 585, "#6b4a2a")
    rng = random.Random(9)
    for _ in range(40):  # flowers
        cx, cy = rng.randint(0, W), rng.randint(620, 710)
        _e(draw, cx, cy, 8, 8, rng.choice(["#ffffff", "#f3d250", "#c6a0e0"]))


DRAWINGS: dict[str, tuple[str, Callable[[Draw], None]]] = {
    "carottes.jpg": ("#f6e7c1", carrots),
    "pommes-de-terre.jpg": ("#f4ead8", potatoes),
    "chicons.jpg": ("#e4efe8", chicory),
    "mache.jpg": ("#fbf3df", lambs_lettuce),
    "poireaux.jpg": ("#f7eedc", leeks),
    "courge.jpg": ("#e7f0e9", squash),
    "panier.jpg": ("#f4ead8", basket),
    "lait.jpg": ("#d8e8f5", milk),
    "pots.jpg": ("#fbeee9", pots),
    "beurre.jpg": ("#e3eef6", butter),
    "tomme.jpg": ("#eef4e6", cheese),
    "pain.jpg": ("#f6ecdc", loaf),
    "baguette.jpg": ("#e8f1f6", baguette),
    "brioche.jpg": ("#fbf0e6", brioche),
    "farine.jpg": ("#f1ebe0", flour),
    "pommes.jpg": ("#f8f0dd", apples),
    "poires.jpg": ("#ecf1f8", pears),
    "bouteilles.jpg": ("#fbf0e0", bottle),
    "bocal.jpg": ("#e9f2ee", jar),
    "poulet.jpg": ("#edf3e9", chicken),
    "oeufs.jpg": ("#e6eef5", eggs),
    "miel.jpg": ("#fdf6e3", honey),
    "pain-d-epices.jpg": ("#f0f4eb", gingerbread),
    "bougie.jpg": ("#efecf6", candle),
    "ferme-maraichage.jpg": ("#bfe0f2", farm_market_garden),
    "ferme-laitiere.jpg": ("#cfe6f5", farm_dairy),
    "ferme-fournil.jpg": ("#f6dcc0", farm_bakery),
    "ferme-verger.jpg": ("#d4e9f4", farm_orchard),
    "ferme-volailles.jpg": ("#d9ecf2", farm_poultry),
    "ferme-rucher.jpg": ("#dbeaf6", farm_apiary),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (background, drawing) in DRAWINGS.items():
        image, draw = _canvas(background)
        drawing(draw)
        image = image.resize((W, H), Image.Resampling.LANCZOS)
        for quality in (85, 80, 75, 70, 60):
            path = OUT / name
            image.save(path, "JPEG", quality=quality, optimize=True)
            if path.stat().st_size <= MAX_BYTES:
                break
        print(f"{name}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
