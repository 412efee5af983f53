"""The notebooks in examples/ run headless from top to bottom without an error (extra ``notebook``).

``examples/tour.ipynb``: simulate, check a bound, a counterexample, the virtual loss; each step
asserts what it shows. ``examples/explorer.ipynb``: the explorer under ``%matplotlib widget``
(ipympl); it moves the radius slider from code and asserts that the readout changed. A failing
``assert`` in a cell fails the test.
"""
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipympl")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(name):
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return notebook


def _printed(notebook):
    return "".join(out.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream")


def test_tour_notebook_runs():
    printed = _printed(_run("tour.ipynb"))
    assert "cosine-stall: PASS" in printed and "holds" in printed and "not-applicable" in printed


def test_explorer_notebook_moves_a_slider_and_the_readout_follows():
    printed = _printed(_run("explorer.ipynb"))
    assert "backend: module://ipympl" in printed or "backend: widget" in printed
    assert "ρ=0.1" in printed and "ρ=0.2" in printed  # the readout before and after the slider move


def test_notebooks_are_stored_without_outputs():
    for path in EXAMPLES.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name
