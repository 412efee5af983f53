"""The documentation site builds with warnings as errors and has its pages (extra ``docs``).

One ``sphinx-build -W`` of docs/ into a temporary folder (the gallery runs every script of
experiments/ in quick mode; the PEP example needs the extra ``pep`` and is left out without it),
then assertions on the generated HTML: the guides, the API reference pages, the proofs with their
math, and the gallery pages with the figures their scripts wrote.
"""
import html
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("myst_parser")
pytest.importorskip("sphinx_gallery")

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.stem for p in (ROOT / "experiments").glob("*.py"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    doctrees = tmp_path_factory.mktemp("doctrees")
    build = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-d", str(doctrees),
                            str(ROOT / "docs"), str(out)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    return out


def _text(path):
    assert path.is_file(), path
    return path.read_text(encoding="utf-8")


def test_guides_are_pages_of_the_site(site):
    for page in ("getting-started", "simulating", "theorems", "extending", "counterexamples", "explorer",
                 "speed", "scale-out"):
        _text(site / "guides" / f"{page}.html")
    quickstart = html.unescape(re.sub(r"<[^>]+>", "", _text(site / "guides" / "getting-started.html")))
    assert 'pip install . && samtheory verify' in quickstart and 'pip install ".[test]" && pytest' in quickstart
    # a README link to another guide's heading is rewritten to that page
    assert 'href="theorems.html#exact-worst-cases-pep"' in _text(site / "guides" / "getting-started.html")


def test_api_reference_has_a_page_per_public_object(site):
    for name in ("samtheory.simulate", "samtheory.SimulationResult", "samtheory.functions.Objective",
                 "samtheory.theorems.check", "samtheory.counterexamples.Counterexample",
                 "samtheory.virtual_loss.virtual_loss", "samtheory.pep.worst_case"):
        html = _text(site / "generated" / f"{name}.html")
        assert 'class="sig' in html  # an autodoc signature
    simulate = _text(site / "generated" / "samtheory.simulate.html")
    assert "Parameters" in simulate and "trajectories" in simulate  # numpydoc sections rendered


def test_proofs_are_rendered_with_math(site):
    for proof in ("khanh", "literature", "si-yun-derived", "si-yun-lower-bounds", "unified-sam"):
        html = _text(site / "proofs" / f"{proof}.html")
        assert 'class="math' in html and "mathjax" in html.lower(), proof
        assert "$$" not in re.sub(r"<pre.*?</pre>", "", html, flags=re.S), proof  # no unrendered display math


def test_gallery_has_each_script_with_its_figure(site):
    index = _text(site / "auto_examples" / "index.html")
    expected = [s for s in SCRIPTS if s != "pep_sam_worst_case" or importlib.util.find_spec("PEPit")]
    assert len(expected) >= 10
    for stem in expected:
        assert f"{stem}.html" in index
        page = _text(site / "auto_examples" / f"{stem}.html")
        images = re.findall(r'<img [^>]*src="\.\./(_images/sphx_glr_[^"]+\.png)"', page)
        assert images, f"{stem}: no figure on its gallery page"
        for src in images:
            assert (site / src).stat().st_size > 10_000, src  # a real figure, not an empty file
