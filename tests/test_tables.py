"""samtheory.tables (``verify --csv`` and ``--latex``) and samtheory.result_frames
(``SimulationResult.to_xarray()`` and ``to_dataframe()``)."""
import io
import re

import numpy as np
import pytest

import samtheory as st
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


# ---------------------------------------------------------------------------------------------
# samtheory.result_frames
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def grid_result():
    f = st.get_function("cosine")
    return st.simulate(f, "sam", eta=np.array([0.1, 0.05])[:, None], rho=np.array([0.0, 0.05, 0.1]), steps=50,
                       trajectories=4, history=True, seed=3)


def test_to_xarray_names_the_grid_axes_after_their_hyperparameters(grid_result):
    pytest.importorskip("xarray")
    ds = grid_result.to_xarray()
    assert dict(ds.sizes) == {"eta": 2, "rho": 3, "trajectory": 4, "coordinate": 1, "t": 51}
    assert ds["eta"].values.tolist() == [0.1, 0.05] and ds["rho"].values.tolist() == [0.0, 0.05, 0.1]
    # the labelled point is the run of that eta and rho
    np.testing.assert_array_equal(ds["loss"].sel(eta=0.05, rho=0.1).values, grid_result.loss[1, 2])
    np.testing.assert_array_equal(ds["loss_history"].sel(rho=0.05).values, grid_result.loss_history[:, :, 1])
    assert ds.attrs["method"] == "sam" and ds.attrs["function"] == "cosine"


def test_to_xarray_of_a_lambda_grid_and_of_a_single_run():
    pytest.importorskip("xarray")
    f = st.get_function("quadratic")
    r = st.simulate(f, "unified", eta=0.1, rho=np.array([0.1, 0.2]), lam=np.array([0.0, 0.5, 1.0])[:, None],
                    steps=20, trajectories=2)
    ds = r.to_xarray()
    assert ds["lam"].values.tolist() == [0.0, 0.5, 1.0] and ds.attrs["eta"] == 0.1
    single = st.simulate(f, "sam", eta=0.1, rho=0.1, steps=20, trajectories=3).to_xarray()
    assert set(single.sizes) == {"trajectory", "coordinate", "t"} and single.attrs["rho"] == 0.1


def test_to_dataframe_has_one_row_per_trajectory(grid_result):
    pytest.importorskip("pandas")
    frame = grid_result.to_dataframe()
    assert len(frame) == 2 * 3 * 4
    row = frame[(frame.eta == 0.05) & (frame.rho == 0.1) & (frame.trajectory == 2)]
    assert row["loss"].item() == grid_result.loss[1, 2, 2]
    assert row["gradsq_tail_mean"].item() == grid_result.gradsq_tail_mean[1, 2, 2]
    point = grid_result.grid_point(0).to_dataframe()  # eta fixed at 0.1: a constant, not a column
    assert "eta" not in point.columns and point.attrs["eta"] == 0.1 and len(point) == 12


def test_missing_extra_names_it(monkeypatch, grid_result):
    import builtins
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name in ("xarray", "pandas"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
    for export in (grid_result.to_xarray, grid_result.to_dataframe):
        with pytest.raises(ImportError, match=r'samtheory\[tables\]'):
            export()
