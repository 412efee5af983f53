r"""One step of a SAM-family method written in PEP variables.

Every method takes

.. math::

    y_k = x_k + \rho\,a_k, \qquad x_{k+1} = x_k - \eta\,\nabla f(y_k),

with the ascent direction :math:`a_k` of :mod:`samtheory.methods`: :math:`0` (GD),
:math:`g_k` (USAM), :math:`g_k/\|g_k\|` (SAM) and :math:`(1-\lambda)g_k+\lambda g_k/\|g_k\|`
(Unified SAM), where :math:`g_k=\nabla f(x_k)`.

GD and USAM are *fixed-step* methods: :math:`y_k` and :math:`x_{k+1}` are fixed linear
combinations of :math:`x_0` and past gradients, so the PEP is exact as it stands.

SAM is not: :math:`g_k/\|g_k\|` is not linear in the Gram matrix. Two ways around it:

``fixed-norm`` (exact for a given norm)
    Add the constraint :math:`\|g_k\|^2=c_k^2`, which *is* linear in the Gram matrix. On the
    functions that satisfy it, :math:`g_k/\|g_k\| = g_k/c_k` is a fixed linear combination, so the
    PEP is exact for those functions; the worst case of SAM is the maximum over
    :math:`c=(c_0,\dots,c_{T-1})` of these PEP values (see :mod:`samtheory.pep._sweep`). With
    :math:`c_k=0` the gradient vanishes, and the convention of :mod:`samtheory.methods` (zero
    perturbation where :math:`g=0`) gives :math:`y_k=x_k`.

``unit-vector`` (a relaxation, an upper bound)
    Replace :math:`g_k/\|g_k\|` by a new free vector :math:`u_k` with :math:`\|u_k\|^2\le1` and
    :math:`\langle g_k,u_k\rangle\ge0`. The true direction satisfies both (with
    :math:`\|u_k\|^2=1` when :math:`g_k\ne0`, and :math:`u_k=0` when :math:`g_k=0` by the zero-gradient
    convention, which is why the norm constraint is :math:`\le1` and not :math:`=1`), so every SAM
    trajectory is feasible and the PEP value is an upper bound on the worst case of SAM. It is
    not exact because it drops the alignment :math:`\langle g_k,u_k\rangle=\|g_k\|\|u_k\|`, which is
    not convex in the Gram matrix.
"""
from __future__ import annotations


def ascent_coefficient(spec, norm):
    r"""The scalar :math:`s` with :math:`y_k=x_k+s\,g_k` when :math:`\|g_k\|=` ``norm`` (``None``:
    the method does not normalize). SAM: :math:`\rho/c`; Unified SAM: :math:`\rho(1-\lambda+\lambda/c)`;
    USAM: :math:`\rho`; GD: 0. With :math:`c=0`, :math:`g_k=0` and the step does not matter."""
    if spec.method == "gd":
        return 0.0
    if spec.method == "usam" or (spec.method == "unified" and spec.lam == 0):
        return spec.rho
    if norm == 0:
        return 0.0
    lam = 1.0 if spec.method == "sam" else spec.lam
    return spec.rho * ((1.0 - lam) + lam / norm)


def sam_like_step(spec, problem, func, x, g, k, *, ascent, norm=None):
    r"""The ascent point of step ``k`` and the gradient there.

    Returns ``(y, h, f(y), constraints)`` where ``constraints`` maps names to the PEPit
    constraints added for the ascent (their dual multipliers are part of the certificate).
    ``y is x`` when the perturbation is zero (then ``h`` is ``g``).
    """
    from PEPit import Point

    constraints = {}
    if spec.method == "gd" or spec.rho == 0:
        return x, g, None if spec.method == "gd" else func.value(x), constraints
    if not spec.normalized:  # USAM, Unified SAM with lam = 0
        y = x + spec.rho * g
    elif ascent == "fixed-norm":
        con = (g ** 2 == norm ** 2)
        problem.add_constraint(con)
        constraints[f"norm[{k}]"] = con
        if norm == 0:  # zero-gradient convention: no perturbation
            return x, g, func.value(x), constraints
        y = x + ascent_coefficient(spec, norm) * g
    elif ascent == "unit-vector":
        u = Point()
        unit = (u ** 2 <= 1)
        aligned = (g * u >= 0)
        problem.add_constraint(unit)
        problem.add_constraint(aligned)
        constraints[f"unit[{k}]"], constraints[f"aligned[{k}]"] = unit, aligned
        lam = 1.0 if spec.method == "sam" else spec.lam
        y = x + spec.rho * ((1.0 - lam) * g + lam * u)
    else:
        raise ValueError(f"ascent must be 'fixed-norm' or 'unit-vector' for a normalized method; got {ascent!r}")
    h, fy = func.oracle(y)
    return y, h, fy, constraints
