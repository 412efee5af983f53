"""The progress bar of :func:`samtheory.simulate` (``progress=True``), on stderr.

tqdm draws it when it is installed (an optional dependency); otherwise :class:`TextBar`, which
writes the percentage of steps done, rewriting one line.
"""
from __future__ import annotations


class TextBar:
    """A minimal progress bar on stderr (used when tqdm is not installed)."""

    def __init__(self, total, desc):
        import sys
        self.total, self.desc, self.n, self.stream = total, desc, 0, sys.stderr
        self.last = -1

    def update(self, k):
        self.n += k
        pct = int(100 * self.n / self.total)
        if pct != self.last:
            self.last = pct
            self.stream.write(f"\r{self.desc}: {pct:3d}% ({self.n}/{self.total})")
            self.stream.flush()

    def close(self):
        self.stream.write("\n")


def progress_bar(total, enabled, desc):
    """A progress bar over ``total`` steps labelled ``desc`` (tqdm's when it is installed, else
    :class:`TextBar`), or ``None`` when not ``enabled``. Both backends call ``update(k)`` after
    ``k`` steps; :func:`samtheory.simulate` closes it."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
        return tqdm(total=total, desc=desc, leave=False)
    except ImportError:  # pragma: no cover - tqdm is optional
        return TextBar(total, desc)
