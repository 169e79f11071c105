#!/usr/bin/env python3
"""Draw Waypoint's app icons (a map pin on blue) as PNG files, with no imaging library.

`any` icons put the pin on a rounded square; `maskable` ones fill the whole square and keep the
pin inside the central safe zone (80 %), as platforms crop them to circles or squircles.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

BLUE = (11, 95, 255)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "pwa" / "public" / "icons"


def _png(size: int, pixels: list[bytes]) -> bytes:
    raw = b"".join(b"\x00" + row for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _inside_pin(x: float, y: float) -> bool:
    """A pin in unit coordinates: a round head on a point, with a hole in the head."""
    head_y, radius = 0.40, 0.22
    distance = math.hypot(x - 0.5, y - head_y)
    if distance <= radius:
        return distance > radius * 0.42
    if head_y <= y <= 0.84:
        half_width = radius * (0.84 - y) / (0.84 - head_y)
        return abs(x - 0.5) <= half_width
    return False


def _inside_rounded_square(x: float, y: float, corner: float = 0.18) -> bool:
    cx, cy = min(max(x, corner), 1 - corner), min(max(y, corner), 1 - corner)
    return math.hypot(x - cx, y - cy) <= corner


def draw(size: int, maskable: bool) -> bytes:
    """One icon as PNG bytes."""
    rows = []
    scale = 0.8 if maskable else 1.0
    for py in range(size):
        row = bytearray()
        for px in range(size):
            x, y = (px + 0.5) / size, (py + 0.5) / size
            pin_x, pin_y = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
            if _inside_pin(pin_x, pin_y):
                row += bytes((*WHITE, 255))
            elif maskable or _inside_rounded_square(x, y):
                row += bytes((*BLUE, 255))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return _png(size, rows)


def main() -> None:
    """Write every icon the manifest and the page name."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-192.png", 192, True),
        ("maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ):
        (OUT / name).write_bytes(draw(size, maskable))
        print(f"wrote {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
