#!/usr/bin/env python3
"""Draws the add-in's icons (the tray's teal lens, with a handle) as PNGs.

Run once when the design changes: python3 manifest/icons/draw.py
Pure standard library, 4x4 supersampled for smooth edges.
"""
import math
import os
import struct
import zlib

TEAL = (0x0F, 0x76, 0x6E)
LIGHT = (0xE6, 0xF4, 0xF1)


def coverage(size, x, y):
    """(colour, alpha) of one sample point in a size x size icon."""
    s = size / 32.0
    cx, cy = 13.5 * s, 13.5 * s
    r = math.hypot(x - cx, y - cy)
    # Handle: a thick segment from the ring towards the lower right.
    hx0, hy0, hx1, hy1 = 21 * s, 21 * s, 29 * s, 29 * s
    t = max(0.0, min(1.0, ((x - hx0) * (hx1 - hx0) + (y - hy0) * (hy1 - hy0)) / ((hx1 - hx0) ** 2 + (hy1 - hy0) ** 2)))
    d = math.hypot(x - (hx0 + t * (hx1 - hx0)), y - (hy0 + t * (hy1 - hy0)))
    if r < 8.0 * s:
        return LIGHT, 1.0
    if r < 11.5 * s or d < 2.6 * s:
        return TEAL, 1.0
    return (0, 0, 0), 0.0


def png(size):
    raw = bytearray()
    n = 4
    for y in range(size):
        raw.append(0)
        for x in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(n):
                for sx in range(n):
                    colour, a = coverage(size, x + (sx + 0.5) / n, y + (sy + 0.5) / n)
                    for i in range(3):
                        acc[i] += colour[i] * a
                    acc[3] += a
            a = acc[3] / (n * n)
            rgb = [int(round(acc[i] / acc[3])) if acc[3] else 0 for i in range(3)]
            raw.extend(rgb + [int(round(a * 255))])

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")


here = os.path.dirname(os.path.abspath(__file__))
for size in (16, 32, 64, 80):
    with open(os.path.join(here, f"icon-{size}.png"), "wb") as f:
        f.write(png(size))
