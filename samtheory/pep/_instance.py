r"""Turn a PEP worst case into a function samtheory can simulate.

The PEP's witness is a finite set of triples :math:`(x_i, g_i, f_i)` (the iterates, the gradients
there and the values, relative to :math:`x_\star`, :math:`f_\star`). When they are the data of a
quadratic — a symmetric :math:`H` with :math:`\mu I\preceq H\preceq LI`,
:math:`g_i = H x_i` and :math:`f_i=\tfrac12\langle x_i, g_i\rangle` for every :math:`i` — the
quadratic :math:`\tfrac12 x^\top Hx` is in the class and the method run on it from :math:`x_0`
meets the same points, so simulating it must give back the PEP value. Otherwise (for example GD's
worst case in function value on smooth convex functions, a Huber-like function) the witness is only
the interpolated data.

:math:`H` is fitted on the span of the witness (the numerical range of the stacked vectors) by a
linear least-squares problem over symmetric matrices; its eigenvalues are then clipped to
:math:`[\mu, L]` and the residuals are measured with the clipped matrix.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: relative residual of g_i = H x_i (and of f_i = <x_i, g_i>/2) below which the witness is a quadratic;
#: the Gram matrix is accurate to about 1e-8, so its factors to about 1e-4 in directions of
#: near-zero eigenvalue, which enter the squared quantities at about 1e-8
QUADRATIC_TOLERANCE = 1e-5

#: singular values of the stacked witness below this fraction of the largest are numerical noise
#: (a Gram eigenvalue of 1e-10 gives a factor of 1e-5)
RANK_THRESHOLD = 1e-4


@dataclass
class QuadraticWitness:
    """The quadratic read off a worst case (``hessian``, start ``x0``) and the fit's residual."""

    hessian: np.ndarray
    x0: np.ndarray
    residual: float
    is_quadratic: bool
    reason: str

    def objective(self):
        """The :class:`samtheory.functions.quadratic.Quadratic` :math:`\\tfrac12x^\\top Hx`."""
        from ..functions.quadratic import Quadratic
        H = 0.5 * (self.hessian + self.hessian.T)
        return Quadratic.dense(H, name="pep-worst-case",
                               description=f"quadratic read off a PEP worst case, spectrum {np.linalg.eigvalsh(H).round(6).tolist()}")


def _pairs(result):
    """(x_i, g_i, f_i) of every evaluated point of the witness."""
    pairs = []
    for name, x in result.iterates.items():
        grad = {"x": "g", "y": "h"}[name[0]] + name[1:]
        if grad in result.gradients:
            pairs.append((x, result.gradients[grad], result.function_values.get(f"f({name})")))
    return pairs


def fit_quadratic(result, tolerance=QUADRATIC_TOLERANCE) -> QuadraticWitness:
    r"""Fit :math:`H` with :math:`\mu I\preceq H\preceq LI` to the witness of ``result``.

    Minimizes :math:`\sum_i\|Hx_i-g_i\|^2` on the span of the witness; the witness is a quadratic
    when :math:`\max_i\|Hx_i-g_i\|` and :math:`\max_i|f_i-\tfrac12\langle x_i,Hx_i\rangle|` are at most
    ``tolerance`` times the scale of the data.
    """
    spec = result.spec
    if spec["function_class"] == "smooth":
        return QuadraticWitness(np.zeros((0, 0)), np.zeros(0), np.inf, False,
                                "nonconvex class: the witness has no minimizer to centre a quadratic on")
    if not result.iterates:
        return QuadraticWitness(np.zeros((0, 0)), np.zeros(0), np.inf, False, f"no witness (status {result.status})")
    pairs = _pairs(result)
    X = np.array([p[0] for p in pairs])
    G = np.array([p[1] for p in pairs])
    F = np.array([np.nan if p[2] is None else p[2] for p in pairs])
    # coordinates on the span of the witness
    _, s, vt = np.linalg.svd(np.vstack([X, G]), full_matrices=False)
    rank = max(1, int(np.sum(s > RANK_THRESHOLD * s[0]))) if s.size and s[0] > 0 else 1
    basis = vt[:rank].T
    Xr, Gr = X @ basis, G @ basis
    Hv = _symmetric_least_squares(Xr, Gr)
    # the class needs mu <= eig(H) <= L; eigenvalues just outside by solver noise are clipped,
    # and the residuals below (computed with the clipped H) decide whether that was noise
    eig, vec = np.linalg.eigh(Hv)
    Hv = (vec * np.clip(eig, spec["strong_convexity"], spec["smoothness"])) @ vec.T
    scale = max(1e-300, np.abs(Xr).max(), np.abs(Gr).max())
    grad_residual = float(np.abs(Xr @ Hv - Gr).max()) / scale
    quad = 0.5 * np.einsum("ij,jk,ik->i", Xr, Hv, Xr)
    known = ~np.isnan(F)
    value_residual = float(np.abs(quad[known] - F[known]).max()) / scale ** 2 if known.any() else 0.0
    residual = max(grad_residual, value_residual)
    ok = residual <= tolerance
    reason = (f"a quadratic in dimension {rank} (relative residual {residual:.1e})" if ok else
              f"not a quadratic: best fit in dimension {rank} leaves a relative residual {residual:.1e}")
    return QuadraticWitness(Hv, Xr[0], residual, ok, reason)


def _symmetric_least_squares(X, G):
    r"""The symmetric :math:`H` minimizing :math:`\sum_i\|Hx_i-g_i\|^2` (rows of X, G), by
    linear least squares on the :math:`r(r+1)/2` entries of its upper triangle."""
    r = X.shape[1]
    iu = np.triu_indices(r)
    columns = []
    for a, b in zip(*iu):
        E = np.zeros((r, r))
        E[a, b] = E[b, a] = 1.0
        columns.append((X @ E).reshape(-1))  # rows of X @ E are (E x_i)^T
    coef, *_ = np.linalg.lstsq(np.stack(columns, axis=1), G.reshape(-1), rcond=None)
    H = np.zeros((r, r))
    H[iu] = coef
    return H + np.triu(H, 1).T


def simulate_witness(result, witness=None) -> dict:
    r"""Run the method on the quadratic worst case and measure the metric.

    Returns ``{"simulated": value, "pep": result.value, "relative_difference": ...,
    "quadratic": QuadraticWitness}``; ``simulated`` is ``None`` when the witness is not a quadratic.
    """
    from ..simulation import simulate

    witness = witness or fit_quadratic(result)
    out = {"pep": result.value, "simulated": None, "relative_difference": None, "quadratic": witness}
    if not witness.is_quadratic:
        return out
    spec = result.spec
    f = witness.objective()
    kwargs = {"lam": spec["lam"]} if spec["method"] == "unified" else {}
    run = simulate(f, spec["method"], eta=spec["eta"], rho=spec["rho"], steps=spec["steps"], x0=witness.x0,
                   record_every=1, history=True, backend="numpy", **kwargs)
    T = spec["steps"]
    xT = np.asarray(run.x).reshape(-1)
    gradsq = np.asarray(run.gradsq_history).reshape(-1)
    metric = spec["metric"]
    if metric == "distance":
        value = float(xT @ xT)
    elif metric == "loss":
        value = float(np.asarray(run.loss_history).reshape(-1)[T])
    elif metric == "gradsq-min":
        value = float(gradsq[:T + 1].min())
    else:
        value = float(gradsq[:T].mean())
    out["simulated"] = value
    out["relative_difference"] = abs(value - result.value) / max(abs(result.value), 1e-300)
    return out
