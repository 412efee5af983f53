"""Sphinx configuration of the samtheory documentation site.

Build it from the repository root with (extra ``docs``; the PEP example needs the extra ``pep``)::

    pip install ".[docs,pep]" && sphinx-build -W -b html docs docs/_build/html

Pages: the guides (split from the README), the proofs of docs/proofs/ (MyST with dollar math),
the API reference (autosummary + numpydoc) and a gallery of the scripts in experiments/, each run
in quick mode into a temporary directory, its PNG figures shown on the example's page.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the gallery runs headless

import samtheory  # noqa: E402

project = "samtheory"
author = "The samtheory developers"
copyright = "2026, The samtheory developers"
release = samtheory.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "_ext", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.json", "auto_examples/*.md5", "**.codeobj.json"]

# MyST: the proofs are written with $...$ / $$...$$ and amsmath environments
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # README-style links to #section anchors resolve (docs/_ext/samtheory_readme.py)
myst_dmath_double_inline = True

# API reference: one page per public object, written from the numpydoc docstrings
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc shows the documented types; the signature keeps its annotations
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# MathJax comes from Sphinx's default CDN. SAMTHEORY_DOCS_MATHJAX points it elsewhere, e.g. at a
# local copy for looking at the pages offline (Debian's libjs-mathjax:
# file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML).
if os.environ.get("SAMTHEORY_DOCS_MATHJAX"):
    mathjax_path = os.environ["SAMTHEORY_DOCS_MATHJAX"]

html_theme = "alabaster"
html_title = f"samtheory {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "Verify the convergence theory of SAM against simulation",
    "page_width": "1150px",
    "sidebar_width": "260px",
    "fixed_sidebar": True,
}

# -- gallery: experiments/*.py in quick mode ------------------------------------------------------
# docs/_ext/samtheory_gallery.py runs each script with --quick into a temporary --outdir and shows
# the PNG files it wrote; named by string so that Sphinx can cache the configuration.
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

_ignore = r"__init__\.py"
if importlib.util.find_spec("PEPit") is None:  # the PEP example needs the extra `pep`
    print("samtheory docs: PEPit is not installed; the gallery leaves out pep_sam_worst_case.py",
          file=sys.stderr)
    _ignore = r"(__init__|pep_sam_worst_case)\.py"

sphinx_gallery_conf = {
    "examples_dirs": "../experiments",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every script, not only plot_*.py
    "ignore_pattern": _ignore,
    "reset_argv": "samtheory_gallery.quick_argv",
    "image_scrapers": ("samtheory_gallery.written_figures",),
    "download_all_examples": False,
    "plot_gallery": os.environ.get("SAMTHEORY_DOCS_GALLERY", "1") != "0",
    "abort_on_example_error": True,
    "write_computation_times": False,
    "show_memory": False,
    "capture_repr": (),
}


def setup(app):
    from samtheory_gallery import add_titles, restore_exit
    from samtheory_readme import include_readme
    app.connect("env-before-read-docs", restore_exit)
    app.connect("source-read", add_titles)
    app.connect("source-read", include_readme)
