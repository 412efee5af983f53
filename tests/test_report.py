"""The HTML report of samtheory.report (``samtheory verify --html``), loaded in a real browser.

Headless Chromium (Debian's ``chromium``; the browser tests skip when no binary is found, and
``.ci/run`` installs it) loads each generated page; the page writes a self-test line once loaded
(cards rendered, images loaded or broken, script errors, its height), which ``--dump-dom``
returns. A full-page screenshot is taken at that height. Tests without a browser check the page's
structure and the statement rendering.
"""
import dataclasses
import html
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

jinja2 = pytest.importorskip("jinja2")

from samtheory import cli  # noqa: E402
from samtheory.report import mathtext, render_html  # noqa: E402
from samtheory.theorems import THEOREMS, Instance, check  # noqa: E402
from samtheory.theorems import Inconclusive  # noqa: E402
from samtheory.theorems.search import SearchResult  # noqa: E402
from samtheory.verify import VERDICTS, Report, _safe_check  # noqa: E402

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_binary():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


#: CI (.ci/run) installs Chromium and sets this, so that a missing browser fails instead of skipping
REQUIRE_BROWSER = os.environ.get("SAMTHEORY_REQUIRE_BROWSER") == "1"
needs_chromium = pytest.mark.skipif(chromium_binary() is None and not REQUIRE_BROWSER,
                                    reason="no chromium binary (apt-get install chromium)")
#: the report of the full default `samtheory verify` (about 3.5 minutes): run by .ci/run
FULL_REPORT = os.environ.get("SAMTHEORY_FULL_REPORT") == "1"
#: the default run's page must stay below this size
MAX_REPORT_BYTES = 5_000_000


def _browser(*args, timeout=300):
    assert chromium_binary() is not None, "no chromium binary (apt-get install chromium)"
    command = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def selftest_of(path, query=""):
    """The page's self-test attributes after loading ``path`` (with a ``?query``) in Chromium."""
    dumped = _browser("--window-size=1280,900", "--dump-dom", "file://" + os.path.abspath(path) + query)
    match = re.search(r'<p id="selftest"([^>]*)>', dumped.stdout)
    assert match, "the page has no self-test line"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def load_in_browser(path, screenshot):
    """Load ``path`` in headless Chromium: returns (self-test attributes, console log), and writes
    a full-page screenshot to ``screenshot``."""
    url = "file://" + os.path.abspath(path)
    dumped = _browser("--window-size=1280,900", "--dump-dom", url)  # the screenshot's width: the same layout
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    match = re.search(r'<p id="selftest"([^>]*)>', dumped.stdout)
    assert match, "the page has no self-test line"
    selftest = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))
    assert "cards" in selftest, "the page's load script did not run: " + match.group(0)
    height = int(selftest["height"])
    shot = _browser(f"--window-size=1280,{min(height, 60000)}", f"--screenshot={os.path.abspath(screenshot)}", url)
    assert shot.returncode == 0 and os.path.getsize(screenshot) > 10_000, shot.stderr[-2000:]
    return selftest, dumped.stdout, dumped.stderr + shot.stderr


def console_errors(log):
    """Console errors and uncaught exceptions in Chromium's log (its own D-Bus and GPU noise is not
    the page's)."""
    return [line for line in log.splitlines()
            if "Uncaught" in line or re.search(r"CONSOLE.*(error|Error)", line)]


def assert_rendered(path, tmp_path, cards):
    selftest, dom, log = load_in_browser(path, tmp_path / "screenshot.png")
    assert int(selftest["cards"]) == cards == int(selftest["cards-expected"])
    assert dom.count('<section class="card') == cards
    assert int(selftest["images"]) > 0 and selftest["broken"] == "0"
    assert selftest["errors"] == "0"
    assert console_errors(log) == []
    return dom


# ---------------------------------------------------------------------------------------------
# a real (small) verify run through the command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """``verify --only literature.gd`` with a short search, written as HTML, CSV and LaTeX."""
    folder = tmp_path_factory.mktemp("report")
    paths = {kind: str(folder / f"verify.{kind}") for kind in ("html", "csv", "latex")}
    status = cli.main(["verify", "--only", "literature.gd", "--search-budget", "20", "--search-seconds", "5",
                       "--html", paths["html"], "--csv", paths["csv"], "--latex", paths["latex"]])
    return status, paths


def test_small_run_writes_a_self_contained_page(small_run):
    status, paths = small_run
    assert status == 0
    page = open(paths["html"], encoding="utf-8").read()
    ids = [t for t in THEOREMS if t.startswith("literature.gd")]
    for tid in ids:
        assert f"<code>{tid}</code>" in page
    # nothing is fetched: no external script, style, font or image
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@import" not in page and "@font-face" not in page
    # one inline SVG figure per check that measured something
    n_checks = sum(len(THEOREMS[t].instances) for t in ids)
    assert page.count('src="data:image/svg+xml;base64,') == n_checks
    # the search ran: its tightness is on the page
    assert "Worst-case search" in page and "largest ratio" in page


@needs_chromium
def test_small_run_renders_in_chromium(small_run, tmp_path):
    _, paths = small_run
    ids = [t for t in THEOREMS if t.startswith("literature.gd")]
    dom = assert_rendered(paths["html"], tmp_path, cards=len(ids))
    assert "self-test: cards" in dom


@pytest.mark.slow
@pytest.mark.skipif(not FULL_REPORT, reason="the full default verify takes minutes; set SAMTHEORY_FULL_REPORT=1")
def test_full_default_report_is_small_and_renders(tmp_path):
    """The default `samtheory verify` (every entry, the default searches) as HTML: under 5 MB,
    and every card, every figure rendered in Chromium without a script error."""
    path = tmp_path / "verify.html"
    status = cli.main(["verify", "--html", str(path)])
    assert status == 0
    size = path.stat().st_size
    print(f"full default report: {size} bytes")
    assert size < MAX_REPORT_BYTES
    page = path.read_text(encoding="utf-8")
    assert page.count('<section class="card') == len(THEOREMS)
    if chromium_binary() is not None or REQUIRE_BROWSER:
        assert_rendered(path, tmp_path, cards=len(THEOREMS))


# ---------------------------------------------------------------------------------------------
# every verdict kind in one report
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def every_verdict(monkeypatch):
    """A report holding each verdict (holds, violated, inconclusive, not-applicable, diverged,
    error), from variants of ``literature.gd.pl`` registered for the test."""
    base = THEOREMS["literature.gd.pl"]

    def variant(suffix, **changes):
        th = dataclasses.replace(base, id=f"test.report.{suffix}", **changes)
        monkeypatch.setitem(THEOREMS, th.id, th)
        return th

    def no_preconditions(ctx):
        return lambda t: 1e3 + 0.0 * t

    def raises(ctx):
        raise RuntimeError("a bound that crashes")

    def undecided(run):
        raise Inconclusive("the measure cannot decide on this run")

    quadratic = dict(method="gd", x0=np.ones(3), steps=200)
    rows = [
        check(base, base.instances[1]),  # holds
        check(variant("violated", bound=lambda ctx: (lambda t: 1e-9 + 0.0 * t)),
              Instance("quadratic-rank-deficient", eta=0.3, **quadratic)),
        check(variant("inconclusive", measure=undecided), Instance("quadratic-rank-deficient", eta=0.3, **quadratic)),
        check(base, Instance("quadratic-rank-deficient", eta=5.0, **quadratic)),  # eta > 2/L: not-applicable
        check(variant("diverged", bound=no_preconditions), Instance("quadratic-rank-deficient", eta=5.0, **quadratic)),
        _safe_check(variant("error", bound=raises), Instance("quadratic-rank-deficient", eta=0.3, **quadratic)),
    ]
    searches = [SearchResult(base.id, "holds", ratio=0.42, tail_ratio=None, evaluations=10, reason="made up for the test")]
    return Report(rows=rows, searches=searches, seconds=1.0)


def test_the_fixture_has_every_verdict(every_verdict):
    assert sorted(r.verdict for r in every_verdict.rows) == sorted(VERDICTS)


def test_every_verdict_has_its_badge_and_filter(every_verdict, tmp_path):
    page = render_html(every_verdict)
    for verdict in VERDICTS:
        assert f'class="badge b-{verdict}"' in page
        assert f'name="verdict" value="{verdict}"' in page  # a filter for each verdict present
    assert page.count('<section class="card') == len({r.theorem for r in every_verdict.rows})
    assert "a bound that crashes" in page  # the error's reason is shown
    assert "Failed:" in page


@needs_chromium
def test_every_verdict_renders_in_chromium(every_verdict, tmp_path):
    path = tmp_path / "every.html"
    path.write_text(render_html(every_verdict, output_path=str(path)), encoding="utf-8")
    cards = len({r.theorem for r in every_verdict.rows})
    assert_rendered(path, tmp_path, cards=cards)
    # the filters (preset from the link): by verdict, by paper, and both
    assert selftest_of(path)["shown"] == str(cards)
    theorems_with = lambda *verdicts: len({r.theorem for r in every_verdict.rows if r.verdict in verdicts})  # noqa: E731
    assert selftest_of(path, "?verdict=violated")["shown"] == str(theorems_with("violated")) == "1"
    assert selftest_of(path, "?verdict=holds,error")["shown"] == str(theorems_with("holds", "error")) == "2"
    assert selftest_of(path, "?paper=si-yun-2023")["shown"] == "0"  # every card here is a GD baseline
    assert selftest_of(path, "?paper=gd-baselines&verdict=diverged")["shown"] == "1"


# ---------------------------------------------------------------------------------------------
# pieces of the page
# ---------------------------------------------------------------------------------------------

def test_every_registered_statement_renders_without_leftover_latex():
    for th in THEOREMS.values():
        assert mathtext.unknown_commands(th.statement) == [], th.id
        text = mathtext.to_text(th.statement)
        assert "\\" not in text and "{" not in html.unescape(text).replace("max{", "").replace("min{", ""), (th.id, text)


def test_statement_rendering_examples():
    assert mathtext.to_text(r"\frac{4\Delta}{\eta T}+3\beta^2\rho^2") == "4Δ/(ηT)+3β^2ρ^2"
    assert mathtext.to_html(r"\|\nabla f(x_t)\|^2") == "‖∇f(x<sub>t</sub>)‖<sup>2</sup>"
    assert mathtext.to_text(r"\mathbb E f(x_T)-f^*\le\tfrac1{2\beta}") == "𝔼f(x_T)−f^*≤1/(2β)"


def test_template_ships_as_package_data():
    from importlib import resources
    assert resources.files("samtheory.report").joinpath("templates/report.html.j2").is_file()


def test_figure_is_svg_with_every_curve():
    """samtheory.report.plots draws the measure, the bound and each term of a Terms bound."""
    from samtheory.report.plots import curve_svg
    th = THEOREMS["siyun.derived.d1"]  # max{(1 - eta mu)^t Delta, beta^4 eta^2 rho^2 / mu}
    verdict = check(th, th.instances[0])
    assert set(verdict.curves["terms"]) == {"contraction", "floor"}
    svg = curve_svg(verdict.curves)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    for label in ("measure", "bound", "term: contraction", "term: floor"):
        assert f">{label}</text>" in svg
    assert "<metadata>" not in svg


def test_proof_links_point_at_existing_documents(tmp_path):
    from samtheory.report import proof_reference
    for th in THEOREMS.values():
        ref = proof_reference(th, str(tmp_path / "r.html"))
        if th.proof is None:
            assert ref is None
            continue
        assert ref["path"].startswith("docs/proofs/")
        if ref["href"] is not None:  # a source checkout: the link resolves from the report's folder
            assert os.path.isfile(os.path.join(tmp_path, ref["href"]))


def test_html_without_jinja2_is_a_usage_error_before_any_work(monkeypatch, capsys, tmp_path):
    import builtins
    real_import = builtins.__import__

    def no_jinja2(name, *args, **kwargs):
        if name == "jinja2":
            raise ImportError("No module named 'jinja2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_jinja2)
    monkeypatch.setattr("samtheory.verify.verify_all", lambda *a, **k: pytest.fail("verify ran"))
    status = cli.main(["verify", "--only", "literature.gd.pl", "--html", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and 'pip install "samtheory[report]"' in err
    assert not (tmp_path / "r.html").exists()


def test_bad_report_path_is_a_usage_error_before_any_work(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("samtheory.verify.verify_all", lambda *a, **k: pytest.fail("verify ran"))
    for option in ("--html", "--csv", "--latex"):
        status = cli.main(["verify", "--only", "literature.gd.pl", option, str(tmp_path / "missing" / "r")])
        err = capsys.readouterr().err
        assert status == 2 and option in err and "does not exist" in err


def test_existing_report_survives_a_failing_run(monkeypatch, tmp_path):
    path = tmp_path / "r.html"
    path.write_text("old report", encoding="utf-8")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("samtheory.verify.verify_all", crash)
    assert cli.main(["verify", "--only", "literature.gd.pl", "--html", str(path)]) == 130
    assert path.read_text(encoding="utf-8") == "old report"
