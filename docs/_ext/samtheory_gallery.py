"""Sphinx-gallery hooks of the samtheory docs: run experiments/*.py in quick mode and show their PNGs.

The scripts of ``experiments/`` are ``python experiments/NAME.py [--quick] [--outdir DIR]``; each
writes its figures (PNG, PDF, JSON) through :mod:`samtheory.reproduce` instead of leaving matplotlib
figures open. The gallery therefore

* passes ``--quick --outdir <temporary folder>/NAME`` (:func:`quick_argv`), so a build never
  touches ``figures/``, and defines ``__file__`` as a script run would;
* turns the scripts' closing ``sys.exit(status)`` into "continue" for status 0 and an error
  otherwise while the gallery runs (sphinx-gallery executes them in the Sphinx process, which a
  real ``sys.exit`` would end); :func:`restore_exit` puts ``sys.exit`` back afterwards;
* shows on the example's page the PNG files the script wrote there (:func:`written_figures`, an
  image scraper);
* gives each page the title of its entry in the ``samtheory reproduce`` registry
  (:func:`add_titles`); the scripts' docstrings begin with a sentence, not a reST title.
"""
from __future__ import annotations

import html
import re
import shutil
import sys
import tempfile
from pathlib import Path

_OUT = Path(tempfile.mkdtemp(prefix="samtheory-gallery-"))
_REAL_EXIT = sys.exit


def _exit_in_gallery(status: object = None) -> None:
    if status not in (None, 0):
        raise RuntimeError(f"the example exited with status {status!r}")


def restore_exit(*args: object) -> None:
    """Sphinx event hook (after the gallery has run): the real ``sys.exit`` again."""
    sys.exit = _REAL_EXIT


def _outdir(src_file: str) -> Path:
    return _OUT / Path(src_file).stem


def quick_argv(gallery_conf: dict, script_vars: dict) -> list[str]:
    """Command-line arguments of one example: quick mode into its own temporary folder.

    Also gives the example the ``__file__`` it has when run as a script (sphinx-gallery leaves it
    out of the example's globals, which exist by the time this is called): the scripts locate
    ``figures/`` from it for their default ``--outdir``."""
    script_vars["example_globals"]["__file__"] = script_vars["src_file"]
    sys.exit = _exit_in_gallery
    return ["--quick", "--outdir", str(_outdir(script_vars["src_file"]))]


def written_figures(block: tuple, block_vars: dict, gallery_conf: dict) -> str:
    """Image scraper: copy the PNG files the example wrote (and not yet shown) into the gallery."""
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import figure_rst

    plt.close("all")  # the scripts save their figures; an open one would only be a duplicate
    outdir = _outdir(block_vars["src_file"])
    shown = block_vars.setdefault("samtheory_shown", set())
    new = sorted(p for p in outdir.glob("*.png") if p not in shown) if outdir.is_dir() else []
    image_paths = []
    for png, target in zip(new, block_vars["image_path_iterator"]):
        shutil.copyfile(png, target)
        shown.add(png)
        image_paths.append(target)
    return figure_rst(image_paths, gallery_conf["src_dir"])


def _title(stem: str) -> str:
    from samtheory import reproduce
    name = stem.replace("_", "-")
    return reproduce.get(name).description if name in reproduce.names() else stem


_THUMBNAIL = re.compile(r'(:doc:`/auto_examples/(?P<stem>\w+)`\s*\.\. raw:: html\s*'
                        r'<div class="sphx-glr-thumbnail-title">)(?P<title>.*?)(</div>)', re.S)


def add_titles(app, docname: str, source: list[str]) -> None:
    """``source-read`` hook: put a title under the label of each generated example page, and the
    same title under its thumbnail in the gallery's index (instead of the docstring's first
    sentence, whose long module paths overflow the thumbnail)."""
    if docname == "auto_examples/index":
        source[0] = _THUMBNAIL.sub(lambda m: m.group(1) + html.escape(_title(m["stem"])) + m.group(4), source[0])
        return
    if not docname.startswith("auto_examples/"):
        return
    stem = docname.split("/", 1)[1]
    label = f".. _sphx_glr_auto_examples_{stem}.py:\n"
    if label not in source[0]:
        return
    title = _title(stem)
    source[0] = source[0].replace(label, f"{label}\n{title}\n{'=' * len(title)}\n", 1)
