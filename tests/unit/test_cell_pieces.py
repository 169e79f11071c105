"""Cells listed as windows and as pieces of coarser cells name each cell once, and no other."""

from __future__ import annotations

import random

from server.geo.queries import cell_pieces, cell_windows


def _blob(rng: random.Random) -> frozenset[tuple[int, int]]:
    """Cells of a random shape with holes and separate parts, around a few centres."""
    centres = [(rng.randint(0, 60), rng.randint(0, 60)) for _ in range(3)]
    return frozenset(
        (x, y)
        for x in range(-4, 70)
        for y in range(-4, 70)
        if any((x - cx) ** 2 + (y - cy) ** 2 < rng.randint(30, 200) for cx, cy in centres)
    )


def _expanded(level: int, pieces) -> list[tuple[int, int]]:
    """Every cell of `level` the pieces cover, once per piece that covers it."""
    cells = []
    for piece in pieces:
        shift = level - piece.level
        window = piece.window
        for x in range(window.x0 << shift, (window.x1 + 1) << shift):
            for y in range(window.y0 << shift, (window.y1 + 1) << shift):
                cells.append((x, y))
    return cells


def test_windows_and_pieces_cover_the_cells_once():
    rng = random.Random(3)
    for _ in range(20):
        cells = _blob(rng)
        windows = cell_windows(cells)
        named = [
            (x, y)
            for window in windows
            for x in range(window.x0, window.x1 + 1)
            for y in range(window.y0, window.y1 + 1)
        ]
        assert sorted(named) == sorted(cells)
        pieces = cell_pieces(cells, 16, 12)
        assert sorted(_expanded(16, pieces)) == sorted(cells)
        assert {piece.level for piece in pieces} <= set(range(12, 17))
        assert any(piece.level < 16 for piece in pieces)  # whole parents read as parents
