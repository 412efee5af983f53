r"""The verification report as one self-contained HTML page (``samtheory verify --html FILE``).

:func:`render_html` turns a :class:`samtheory.verify.Report` (the result objects verify already
holds: verdicts with their thinned curves, searches, self-checks) into a page with

* a summary: counts per verdict, checks and theorems, time, version, seeds, machine, command;
* one card per theorem: id, title, paper, provenance (with the proof's path and section in
  ``docs/proofs`` when the entry has one), the statement in Unicode (:mod:`.mathtext`), the class,
  methods and setting it covers, then per instance the verdict badge, the ratio and margin with
  what they mean for this kind of check (:mod:`.wording`), a figure of the measure against the
  bound over t on log axes (:mod:`.plots`), the reason, and the command that re-runs it; and the
  worst case found by the search with its tightness when the search ran;
* filters by verdict and paper (a few lines of plain JavaScript; without JavaScript every card
  shows), and a self-test line the page writes once loaded (cards rendered, images loaded or
  broken, script errors), which the browser tests read.

Nothing is fetched: figures are SVG inside the page, styles and script are inline, fonts are the
system's. Needs the optional extra ``report`` (jinja2).
"""
from __future__ import annotations

import datetime
import os
import platform
import re
from pathlib import Path

REPORT_EXTRA_HINT = 'pip install "samtheory[report]"'

#: provenance tag -> what it means for the reader
PROVENANCE_MEANING = {
    "poster": "the paper's result as stated on the authors' NeurIPS 2023 poster; the constants hidden in "
              "its O(·) are not given, so it is checked as a rate",
    "derived": "not the paper's statement: a bound or construction derived and proved in this project "
               "(the proof is linked), checked with its explicit constants",
    "literature": "a result from the literature, as cited (sources in docs/proofs/literature.md)",
}

VERDICT_ORDER = ("violated", "error", "diverged", "inconclusive", "not-applicable", "holds")


def require_jinja2():
    """Import jinja2, or raise ImportError whose message says how to install the extra."""
    try:
        import jinja2
    except ImportError:
        raise ImportError(f"the HTML report needs jinja2: {REPORT_EXTRA_HINT}") from None
    return jinja2


def run_metadata(*, search_seed=0, search_budget=0, argv=None) -> dict:
    """Version, time, machine and command of this run, for the report's summary."""
    from .. import __version__
    return {"version": __version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.node() or 'unknown host'}: {platform.system()} {platform.machine()}, "
                       f"{os.cpu_count()} cores, Python {platform.python_version()}",
            "search_seed": search_seed, "search_budget": search_budget,
            "command": " ".join(["samtheory"] + list(argv)) if argv is not None else "samtheory verify"}


def _repository_root():
    root = Path(__file__).resolve().parents[2]
    return root if (root / "docs" / "proofs").is_dir() else None


def proof_reference(theorem, output_path=None) -> dict | None:
    """Where an entry's proof is: ``{"path", "section", "href"}`` (``href`` relative to the
    report's folder when the document is on this disk, else None); None without a proof."""
    if not theorem.proof:
        return None
    path = theorem.proof.split("#")[0]
    out = {"path": path, "section": None, "href": None}
    root = _repository_root()
    document = root / path if root is not None else None
    if document is not None and document.is_file():
        # the section: the heading naming the id, else the heading above the first line naming it
        lines = document.read_text(encoding="utf-8").splitlines()
        # (a section is a "##" heading or deeper: the document's title and its overview do not count)
        first = next((k for k, line in enumerate(lines) if line.startswith("##")), len(lines))
        named = [k for k in range(first, len(lines)) if f"`{theorem.id}`" in lines[k]]
        named = [k for k in named if lines[k].startswith("##")] or named
        headings = [lines[k] for k in range(named[0], first - 1, -1) if lines[k].startswith("##")] if named else []
        if headings:
            from .mathtext import to_text
            # the heading without its Markdown ($math$, `code`, **bold**)
            heading = re.sub(r"\$([^$]+)\$", lambda m: to_text(m.group(1)), headings[0].lstrip("#"))
            out["section"] = re.sub(r"[`*]", "", heading).strip()
        folder = os.path.dirname(os.path.abspath(output_path)) if output_path not in (None, "-") else os.getcwd()
        out["href"] = os.path.relpath(document, folder).replace(os.sep, "/")
    return out


def _worst(verdicts):
    for v in VERDICT_ORDER:
        if v in verdicts:
            return v
    return verdicts[0] if verdicts else "holds"


def _cards(report, output_path):
    from ..theorems import THEOREMS
    from ..theorems import PAPERS
    from .mathtext import to_html
    from .plots import curve_svg, data_uri
    from .wording import MARGIN_MEANING, RATIO_MEANING, format_number, rerun_command
    searches = {s.theorem: s for s in report.searches}
    order = list(dict.fromkeys(v.theorem for v in report.rows))
    cards = []
    for number, tid in enumerate(order):
        th = THEOREMS.get(tid)
        rows = [v for v in report.rows if v.theorem == tid]
        check = th.check if th else ""
        label, meaning = RATIO_MEANING.get(check, ("ratio", ""))
        checks = []
        for k, v in enumerate(rows):
            figure = None
            if v.curves is not None and v.curves.get("x"):
                figure = data_uri(curve_svg(v.curves, salt=f"c{number}i{k}"))
            checks.append({
                "verdict": v.verdict, "instance": v.instance, "reason": v.reason,
                "ratio": format_number(v.ratio), "ratio_label": label, "ratio_meaning": meaning,
                "margin": format_number(v.margin), "margin_meaning": MARGIN_MEANING.get(check),
                "tail_ratio": format_number(v.tail_ratio), "first_violation": v.first_violation,
                "figure": figure, "command": rerun_command(tid, v.instance_params)})
        search = searches.get(tid)
        search_view = None
        if search is not None:
            search_view = {"verdict": search.verdict, "ratio": format_number(search.ratio, 4),
                           "tightness": search.tightness, "tail_ratio": format_number(search.tail_ratio),
                           "evaluations": search.evaluations, "rejected": search.rejected,
                           "seconds": f"{search.seconds:.1f}", "reason": search.reason,
                           "instance": search.worst_verdict.instance if search.worst_verdict is not None else "",
                           "command": search.command}
        verdicts = [c["verdict"] for c in checks]
        cards.append({
            "id": tid, "anchor": re.sub(r"[^A-Za-z0-9_-]", "-", tid),
            "title": th.title if th else tid, "paper_key": th.paper if th else "",
            "paper": PAPERS.get(th.paper, th.paper) if th else "", "result": th.result if th else "",
            "provenance": th.provenance if th else "", "provenance_meaning": PROVENANCE_MEANING.get(
                th.provenance if th else "", ""),
            "proof": proof_reference(th, output_path) if th else None,
            "statement": to_html(th.statement) if th else "", "kind": th.kind if th else "", "check": check,
            "function_class": ", ".join(th.function_class) if th else "",
            "methods": ", ".join(th.methods) if th else "", "setting": th.setting if th else "",
            "measure": th.measure_name if th else "", "notes": th.notes if th else "",
            "doc": th.doc if th else "", "checks": checks, "search": search_view,
            "status": _worst(verdicts), "verdicts": " ".join(sorted(set(verdicts)))})
    return cards


def render_html(report, meta=None, output_path=None) -> str:
    """The report page as a string (module docstring). ``meta`` from :func:`run_metadata`;
    ``output_path`` only places the links to the proofs relative to the page."""
    jinja2 = require_jinja2()
    from ..verify import VERDICTS
    meta = dict(run_metadata() if meta is None else meta)
    env = jinja2.Environment(loader=jinja2.PackageLoader("samtheory.report", "templates"),
                             autoescape=jinja2.select_autoescape(("html", "j2")), trim_blocks=True,
                             lstrip_blocks=True)
    cards = _cards(report, output_path)
    counts = report.counts
    papers = sorted({(c["paper_key"], c["paper"]) for c in cards if c["paper_key"]})
    return env.get_template("report.html.j2").render(
        cards=cards, counts=[(v, counts.get(v, 0)) for v in VERDICTS], n_checks=len(report.rows),
        n_theorems=len(cards), seconds=f"{report.seconds:.1f}", meta=meta, selfchecks=report.selfchecks,
        searches=len(report.searches), papers=papers, passed=not report.failed,
        failing=len(report.failing_rows()))
