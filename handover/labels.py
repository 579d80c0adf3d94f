"""QR codes of pickup codes, drawn in Python (segno), no network: inline SVG for pages."""

from __future__ import annotations

import segno


def qr_svg(code: str, *, scale: int = 4) -> str:
    """An inline ``<svg>`` of ``code`` (what a phone or a hardware scanner reads back)."""
    if not code:
        return ""
    return segno.make(code, error="m", micro=False).svg_inline(scale=scale, border=2)
