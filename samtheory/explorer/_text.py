"""Drawing the explorer's strings fast: cached bitmaps of text, and plain-text tick labels.

Matplotlib 3.11 shapes and rasterizes every string again on every redraw, and text is most of the
time of a redraw of the explorer. :class:`TextCache` makes a figure's Agg renderer paste cached
bitmaps of its plain strings; :class:`RasterText` is a block of text (the title, the readout) drawn
from a per-character atlas or per-line bitmaps; :func:`power_label` and :func:`int_label` label the
log axes' decades with plain text (``10⁻³``, not mathtext, which is slower to draw).

Matplotlib is imported inside the functions that draw, so importing this module does not import it.
"""
from __future__ import annotations

import math

import numpy as np

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value, position=None):
    """10ⁿ for a decade (plain text), '' otherwise."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def int_label(value, position=None):
    """1, 10, 100, ... for decades of t + 1."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    return f"{value:.0f}" if abs(exponent - round(exponent)) <= 1e-9 else ""


class TextCache:
    """Draw this figure's unrotated plain-text strings from cached bitmaps.

    Matplotlib 3.11 shapes and rasterizes every string again on every redraw (about 1 ms per string
    plus 0.05 ms per glyph); a redraw of the explorer draws some sixty strings (tick labels, legend
    entries, widget labels), which was most of the time of an update. The figure's ``draw`` is
    wrapped so that an Agg renderer's ``draw_text`` looks the string up first (keyed by the string,
    the font and the dpi) and pastes the bitmap Agg itself rendered, at the same baseline position
    (rounded to whole pixels). Mathtext, rotated text, non-opaque text and other renderers (PDF,
    SVG) are drawn as usual.
    """

    def __init__(self, figure):
        self.bitmaps = {}
        original = figure.draw

        def draw(renderer):
            self.install(renderer)
            return original(renderer)

        figure.draw = draw

    def install(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg
        if not isinstance(renderer, RendererAgg) or getattr(renderer, "_samtheory_text_cache", None) is self:
            return
        original = renderer.draw_text

        def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            alpha = gc.get_alpha()
            if ismath or angle % 360 or not s or (alpha is not None and alpha < 1) or gc.get_forced_alpha():
                return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            key = (s, hash(prop), renderer.dpi)
            if key not in self.bitmaps:
                if len(self.bitmaps) > 4000:
                    self.bitmaps.clear()
                self.bitmaps[key] = RasterText._render(s, prop, renderer.dpi)
            coverage, base, pad = self.bitmaps[key]
            rgba = np.empty(coverage.shape + (4,), np.uint8)
            rgba[..., :3] = (np.asarray(gc.get_rgb()[:3]) * 255).astype(np.uint8)
            rgba[..., 3] = coverage
            # (x, y): the baseline's left end, y counted from the top (Agg); images go bottom-up
            left = int(round(x - pad))
            bottom = int(round(renderer.height - (y - base) - coverage.shape[0]))
            renderer.draw_image(gc, left, bottom, rgba[::-1])

        renderer.draw_text = draw_text
        renderer._samtheory_text_cache = self


class RasterText:
    """A block of text drawn from cached bitmaps (a matplotlib artist).

    Matplotlib 3.11 lays out and rasterizes every glyph on every redraw (about 0.1 ms each), and the
    readout alone has hundreds; redrawn at every slider move, that was a third of the update. Here a
    monospace text is stamped from a per-character atlas (rendered once per size and dpi by Agg
    itself), and any other text from per-line bitmaps cached by content. Renderers other than Agg
    (PDF, SVG) get an ordinary Text.
    """

    def __init__(self, figure, x, y, text="", *, fontsize=10.0, family="sans-serif", color="black",
                 ha="left", va="top", linespacing=1.25):
        from matplotlib.artist import Artist
        from matplotlib.font_manager import FontProperties

        outer = self

        class _Artist(Artist):
            def draw(self, renderer):
                outer._draw(renderer)

            def get_window_extent(self, renderer=None):
                return outer._fallback_text().get_window_extent(renderer)

        self.artist = _Artist()
        self.artist.set_figure(figure)
        self.artist.set_zorder(3)
        figure.add_artist(self.artist)
        self.figure, self.x, self.y, self._text = figure, x, y, text
        self.prop = FontProperties(family=family, size=fontsize)
        self.mono = family == "monospace"
        self.color, self.ha, self.va, self.linespacing = color, ha, va, linespacing
        self._glyphs, self._lines, self._fallback = {}, {}, None

    # the parts of the Text interface the explorer and its tests use
    def get_text(self):
        return self._text

    def set_text(self, text):
        self._text = str(text)
        self.artist.stale = True

    def get_visible(self):
        return self.artist.get_visible()

    def set_visible(self, visible):
        self.artist.set_visible(visible)

    def _fallback_text(self):
        from matplotlib.text import Text
        if self._fallback is None:
            self._fallback = Text(self.x, self.y, "", fontproperties=self.prop, color=self.color, ha=self.ha,
                                  va=self.va, linespacing=self.linespacing, transform=self.figure.transFigure)
            self._fallback.set_figure(self.figure)
        self._fallback.set_text(self._text)
        return self._fallback

    @staticmethod
    def _render(text, prop, dpi):
        """(alpha bitmap, baseline row) of one line, rendered by Agg."""
        from matplotlib.backends.backend_agg import RendererAgg
        probe = RendererAgg(1, 1, dpi)
        w, h, d = probe.get_text_width_height_descent(text or " ", prop, ismath=False)
        pad = 2
        r = RendererAgg(int(math.ceil(w)) + 2 * pad, int(math.ceil(h)) + 2 * pad, dpi)
        gc = r.new_gc()
        r.draw_text(gc, pad, pad + h - d, text, prop, 0)
        gc.restore()
        return np.asarray(r.buffer_rgba())[..., 3].copy(), pad + h - d, pad

    def _line_bitmap(self, line, dpi):
        if not self.mono:
            key = (line, dpi)
            if key not in self._lines:
                if len(self._lines) > 256:
                    self._lines.clear()
                alpha, base, pad = self._render(line, self.prop, dpi)
                self._lines[key] = (alpha[:, pad:], base)
            return self._lines[key]
        atlas = self._glyphs.setdefault(dpi, {})
        if "advance" not in atlas:
            from matplotlib.backends.backend_agg import RendererAgg
            w, h, d = RendererAgg(1, 1, dpi).get_text_width_height_descent("M" * 20, self.prop, ismath=False)
            atlas["advance"], atlas["ascent"] = w / 20, h - d
        advance = atlas["advance"]
        cells = []
        for ch in set(line) - set(atlas):
            atlas[ch] = self._render(ch, self.prop, dpi)
        height = max((atlas[ch][0].shape[0] for ch in line if ch != " "), default=1)
        base = max((atlas[ch][1] for ch in line if ch != " "), default=0)
        out = np.zeros((int(math.ceil(height + 4)), int(math.ceil(advance * len(line))) + 8), np.uint8)
        for i, ch in enumerate(line):
            if ch == " ":
                continue
            alpha, b, pad = atlas[ch]
            x0 = int(round(i * advance))
            y0 = int(round(base - b))
            cells.append((y0, x0, alpha))
        for y0, x0, alpha in cells:
            h, w = alpha.shape
            region = out[y0:y0 + h, x0:x0 + w]
            np.maximum(region, alpha[:region.shape[0], :region.shape[1]], out=region)
        return out, base

    def _draw(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.colors import to_rgba
        if not self.artist.get_visible() or not self._text:
            return
        if not isinstance(renderer, RendererAgg):
            self._fallback_text().draw(renderer)
            return
        dpi = renderer.dpi
        step = int(round(self.linespacing * self.prop.get_size_in_points() * dpi / 72))
        bitmaps = [self._line_bitmap(line, dpi) for line in self._text.split("\n")]
        width = max(b[0].shape[1] for b in bitmaps)
        first_base = bitmaps[0][1]
        height = int(round(first_base)) + step * (len(bitmaps) - 1) + max(b[0].shape[0] for b in bitmaps)
        alpha = np.zeros((height, width), np.uint8)
        for k, (bitmap, base) in enumerate(bitmaps):
            top = int(round(first_base + k * step - base))
            h, w = bitmap.shape
            region = alpha[top:top + h, :w]
            np.maximum(region, bitmap[:region.shape[0]], out=region)
        rows = np.flatnonzero(alpha.any(axis=1))
        if rows.size == 0:
            return
        rgba = np.empty(alpha.shape + (4,), np.uint8)
        rgba[..., :3] = (np.array(to_rgba(self.color)[:3]) * 255).astype(np.uint8)
        rgba[..., 3] = alpha
        px, py = self.figure.transFigure.transform((self.x, self.y))
        left = px - {"left": 0, "center": width / 2, "right": width}[self.ha]
        top_px = py + {"top": 0, "center": height / 2, "bottom": height, "baseline": first_base}[self.va]
        gc = renderer.new_gc()
        renderer.draw_image(gc, int(round(left)), int(round(top_px - height)), rgba[::-1])
        gc.restore()
        self.artist.stale = False
