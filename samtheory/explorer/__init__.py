r"""Interactive counterexample explorer: move ρ, η, σ, x₀, T and the method, and watch where SAM goes.

``samtheory explore NAME`` opens it in a window (any interactive matplotlib backend);
:func:`samtheory.explore` opens the same figure from a script or a notebook (``%matplotlib widget``)
and returns the :class:`Explorer`, whose ``figure`` can be saved or embedded.

The figure
----------
* **left**: f with its virtual loss :math:`J_f` (SAM; from :mod:`samtheory.virtual_loss`) and the
  iterates of the first chain on top, with the construction's predicted limit points marked (1-D);
  or the contours of f with the trajectory (2-D; the hyperbola :math:`xy=1` for the valley);
* **right**: :math:`f-f^*` or :math:`\|\nabla f\|^2` (the construction's measure; the mean over the
  chains of stochastic runs) against t on log axes, with the predicted floor
  (:meth:`Counterexample.predict <samtheory.counterexamples.Counterexample.predict>`) and the bound
  curves of the applicable theorem-registry entries whose measure is the plotted one (or its running
  average), as the measure function declares it (:func:`samtheory.theorems.measures.declares`);
  the last 10 % of the steps, over which the observed floor is averaged, is shaded;
* **controls**: sliders for ρ, η, σ (stochastic examples), x₀ (and y₀ in 2-D), T and the Unified
  SAM λ; a method selector (GD, SAM, USAM, Unified SAM, and any registered variant under its
  label); a same-sample / independent-samples
  selector (stochastic examples); a reset button; a switch for the theorem checks;
* **readout**: the observed floor against the predicted one, and each applicable theorem's verdict
  on the run shown (:func:`samtheory.theorems.check` with that very simulation).

Slider ranges come from each construction's valid ranges (``valid_ranges()``); infinite ends are
replaced by a multiple of the default. A state outside the valid ranges (they can depend on the other
parameters) shows the construction's message in the figure instead of raising.

Speed: a slider move re-runs one :func:`~samtheory.simulate` (cached pieces: the curves of f and
:math:`J_f`, and the contours, which only change with the window or ρ, σ) and updates the artists in
place. Text is most of a matplotlib 3.11 redraw, so the figure's strings are drawn from cached
bitmaps (:mod:`samtheory.explorer._text`). The theorem checks run afterwards, once the
controls have been still for 250 ms (a single-shot timer on interactive backends; at once on
non-interactive ones such as Agg). ``benchmarks/bench_explorer.py`` measures all three.

The package
-----------
* :mod:`samtheory.explorer._state`: :class:`~samtheory.explorer._state.ExplorerState`, the controls and
  everything computed from them (the run, the prediction, the observed floor, the theorem checks),
  without matplotlib;
* :mod:`samtheory.explorer._readout`: the readout's text, also without matplotlib;
* :mod:`samtheory.explorer._figure`: :class:`Explorer`, the widgets, holding a state model;
* :mod:`samtheory.explorer._panels`: the two plots;
* :mod:`samtheory.explorer._text`: the cached text drawing.
"""
from __future__ import annotations

from ._figure import Explorer, explore
from ._figure import save_format as save_format  # for `samtheory explore --save` (samtheory.cli)
from ._state import METHOD_LABELS, ExplorerState, names

__all__ = ["Explorer", "ExplorerState", "explore", "names", "METHOD_LABELS"]
