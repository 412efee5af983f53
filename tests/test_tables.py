"""samtheory.tables: the verdict and tightness table (``verify --csv`` and ``--latex``)."""
import io
import re

import pytest

from samtheory import cli, tables
from samtheory.theorems import THEOREMS, check
from samtheory.theorems.search import SearchResult
from samtheory.verify import Report


@pytest.fixture(scope="module")
def report():
    """Real checks of two entries (one upper bound, one floor), with special characters in an
    instance label, and a search result for one of them."""
    rows = [check(THEOREMS[tid], inst) for tid in ("literature.gd.pl", "khanh.lemma-c")
            for inst in THEOREMS[tid].instances]
    rows[0].instance = "weird & 50% $x_0$ #1 {a} ~^\\"
    searches = [SearchResult("literature.gd.pl", "holds", ratio=0.5, evaluations=3)]
    return Report(rows=rows, searches=searches, seconds=1.0)


def test_csv_is_read_by_pandas_with_one_row_per_check(report):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(tables.to_csv(report)))
    assert list(frame.columns) == list(tables.COLUMNS)
    assert len(frame) == len(report.rows)
    assert frame["ratio"].tolist() == pytest.approx([r.ratio for r in report.rows])
    assert frame.loc[0, "instance"] == report.rows[0].instance  # quoting survives the round trip
    assert set(frame["ratio_kind"]) == {"m/bound", "m/floor"}
    pl = frame[frame["theorem"] == "literature.gd.pl"]
    assert (pl["tightness"] == "slack x2").all() and (pl["search_ratio"] == 0.5).all()


def test_csv_without_pandas_parses_with_the_csv_module(report):
    import csv
    parsed = list(csv.DictReader(io.StringIO(tables.to_csv(report))))
    assert len(parsed) == len(report.rows)
    assert float(parsed[1]["ratio"]) == pytest.approx(report.rows[1].ratio)


def test_latex_is_a_balanced_booktabs_tabular_with_one_row_per_check(report):
    text = tables.to_latex(report)
    body = text[text.index(r"\begin{tabular}"):text.index(r"\end{tabular}") + len(r"\end{tabular}")]
    assert body.count(r"\begin{tabular}") == 1 and body.count(r"\end{tabular}") == 1
    assert body.index(r"\toprule") < body.index(r"\midrule") < body.index(r"\bottomrule")
    rows = body[body.index(r"\midrule"):body.index(r"\bottomrule")].splitlines()[1:]
    assert len(rows) == len(report.rows)
    columns = re.search(r"\\begin\{tabular\}\{(.*)\}\n", body).group(1)
    n_columns = len(re.findall(r"\b[lcr]\b|p\{", columns))
    for row in rows:
        assert row.endswith(r"\\")
        assert len(re.findall(r"(?<!\\)&", row)) == n_columns - 1  # every row fills every column
    # braces balance, and the special characters of the label are escaped
    assert body.count("{") - body.count(r"\{") == body.count("}") - body.count(r"\}")
    assert r"weird \& 50\% \$x\_0\$ \#1 \{a\} \textasciitilde{}\textasciicircum{}\textbackslash{}" in body


def test_latex_escape_leaves_no_active_character():
    escaped = tables.latex_escape("a_b & c% $d$ #e {f} ~ ^ \\ <g>")
    unescaped = re.sub(r"\\[a-z]+\{\}|\\[&%$#_{}]", "", escaped)
    assert not re.search(r"[&%$#_{}~^\\]", unescaped)


def test_verify_writes_csv_and_latex(tmp_path, capsys):
    csv_path, tex_path = tmp_path / "v.csv", tmp_path / "v.tex"
    status = cli.main(["verify", "--only", "khanh.lemma-c", "--search-budget", "0",
                       "--csv", str(csv_path), "--latex", str(tex_path)])
    assert status == 0
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("theorem,paper,") and len(lines) == 1 + len(THEOREMS["khanh.lemma-c"].instances)
    assert r"\bottomrule" in tex_path.read_text()
