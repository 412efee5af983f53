r"""Si & Yun (NeurIPS 2023): *Practical SAM cannot converge all the way to optima*.

Three groups of entries:

* ``siyun.<setting>.<class>.upper|lower`` — the seven rows P1–P7 of the authors' poster
  (provenance ``poster``: the form and the additive constants are CONFIRMED (poster)). The poster
  hides the step sizes and the constants inside :math:`\mathcal O(\cdot)`; samtheory checks each
  row in an explicit step-size regime of its own, stated in the entry, under which the matching
  derived bound below holds. A violation there would not contradict the paper, whose step size
  may differ; a pass is evidence for the row's form and additive term.
* ``siyun.*.rho2-unavoidable`` — the poster's statement that the additive factors are "tight in
  terms of ρ", realised by explicit constructions of ours (derived; ``docs/proofs/si-yun-lower-bounds.md``).
* ``siyun.derived.*`` — the explicit-constant bounds D1–D6, derived in this project (proofs in
  ``docs/proofs/si-yun-derived.md``), checked at every step.

Notation: β smoothness, μ strong convexity (or PL constant where stated), L Lipschitz constant,
σ² the gradient-noise variance, η step size, ρ radius, Δ = f(x₀) − f*.

Modules, in registry order: :mod:`.deterministic` (P1–P4), :mod:`.stochastic` (P5–P7),
:mod:`.unavoidable` (the ρ² constructions) and :mod:`.derived` (D1–D6); the derived bounds that
the poster rows use as certificates are in ``_certificates``.
"""
from . import deterministic, stochastic, unavoidable, derived  # noqa: F401 - registers the entries (in this order)


__all__ = ["deterministic", "stochastic", "unavoidable", "derived"]
