"""The private pieces of samtheory.report: mathtext (LaTeX statements as Unicode) and plots (the
inline SVG figures). The page as a whole is tested in tests/test_report.py."""
import base64

import pytest

pytest.importorskip("jinja2")

from samtheory.report import mathtext, plots  # noqa: E402


def test_mathtext_turns_a_statement_into_unicode_and_names_unknown_commands():
    text = mathtext.to_text(r"\frac{2\beta^2\rho^2}{\mu}")
    assert "β" in text and "ρ" in text and "μ" in text and "\\" not in text
    assert mathtext.unknown_commands(r"\beta + \notacommand") == ["notacommand"]
    assert mathtext.unknown_commands(r"\beta\rho") == []


def test_plots_data_uri_round_trips_the_svg():
    svg = "<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>"
    uri = plots.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg
