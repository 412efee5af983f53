r"""The verdict and tightness table of a verification run, as CSV and as a LaTeX (booktabs) table.

One row per check (theorem × default instance) of a :class:`samtheory.verify.Report`, with the
entry's worst-case search (its largest ratio and the tightness it implies) repeated on each of its
rows, so that the table can be filtered or pivoted without a join:

* :func:`rows` the rows as dicts (columns :data:`COLUMNS`);
* :func:`to_csv` RFC 4180 CSV (``samtheory verify --csv FILE``), readable by pandas, spreadsheets;
* :func:`to_latex` a ``tabular`` fragment in booktabs style (``\toprule``, ``\midrule``,
  ``\bottomrule``; needs ``\usepackage{booktabs}``), every special character escaped, ready for a
  paper's appendix (``samtheory verify --latex FILE``).

The ratio's meaning depends on the check (:mod:`samtheory.report.wording`); the column
``ratio_kind`` says which it is.
"""
from __future__ import annotations

import csv
import io
import math

from .report.wording import MARGIN_MEANING, RATIO_MEANING, format_number, rerun_command

COLUMNS = ("theorem", "paper", "provenance", "kind", "check", "instance", "verdict", "ratio", "ratio_kind",
           "margin", "tail_ratio", "first_violation", "measure", "bound", "search_verdict", "search_ratio",
           "tightness", "reason", "rerun")


def rows(report) -> list:
    """The table's rows (dicts keyed by :data:`COLUMNS`), in the report's order."""
    from .theorems import THEOREMS
    searches = {s.theorem: s for s in report.searches}
    out = []
    for v in report.rows:
        th = THEOREMS.get(v.theorem)
        search = searches.get(v.theorem)
        out.append({
            "theorem": v.theorem, "paper": th.paper if th else "", "provenance": th.provenance if th else "",
            "kind": th.kind if th else "", "check": th.check if th else "", "instance": v.instance,
            "verdict": v.verdict, "ratio": v.ratio, "ratio_kind": RATIO_MEANING.get(th.check if th else "", ("",))[0],
            "margin": v.margin, "tail_ratio": v.tail_ratio, "first_violation": v.first_violation,
            "measure": v.measure, "bound": v.bound,
            "search_verdict": search.verdict if search else "", "search_ratio": search.ratio if search else None,
            "tightness": search.tightness if search else "", "reason": v.reason,
            "rerun": rerun_command(v.theorem, v.instance_params)})
    return out


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def to_csv(report) -> str:
    """The table as CSV with a header row; numbers in full precision, missing values empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(report):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue()


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def latex_escape(text) -> str:
    """``text`` with every character that LaTeX treats specially written as its literal."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def to_latex(report, caption=None) -> str:
    """The table as a booktabs ``tabular`` (module docstring): theorem, instance, verdict, the
    ratio with its kind, and the search's tightness; a legend of the ratio kinds follows as a
    LaTeX comment and in a footnote-sized line under the table."""
    lines = ["% samtheory verify: one row per check (needs \\usepackage{booktabs})",
             r"\begin{tabular}{l p{0.38\linewidth} l l r l}", r"\toprule",
             r"Theorem & Instance & Verdict & Kind & Ratio & Tightness \\", r"\midrule"]
    previous = None
    for row in rows(report):
        name = "" if row["theorem"] == previous else r"\texttt{" + latex_escape(row["theorem"]) + "}"
        previous = row["theorem"]
        cells = [name, latex_escape(row["instance"]), latex_escape(row["verdict"]), latex_escape(row["ratio_kind"]),
                 latex_escape(format_number(row["ratio"])), latex_escape(row["tightness"] if name else "")]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    kinds = [k for k in RATIO_MEANING if any(r["check"] == k for r in rows(report))]
    legend = "; ".join(f"{RATIO_MEANING[k][0]}: {RATIO_MEANING[k][1]}" for k in kinds)
    margins = "; ".join(f"{k}: margin = {m}" for k, m in MARGIN_MEANING.items() if m and k in kinds)
    if legend:
        lines += ["", r"\par\footnotesize Ratio kinds: " + latex_escape(legend) + "."
                  + ((" " + latex_escape(margins) + ".") if margins else "")]
    if caption:
        lines.insert(0, "% " + caption.replace("\n", " "))
    return "\n".join(lines) + "\n"
