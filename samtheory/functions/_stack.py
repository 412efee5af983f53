r"""Members of one family simulated as one batch.

A worst-case search or a sweep evaluates thousands of members of one family (cosines of different
:math:`\beta,\omega`, quadratics of different spectra) that differ only in a few numbers. Run one
by one, each costs a simulation whose time is mostly the per-step Python overhead of the loop. A
:class:`StackedObjective` holds :math:`K` members and, for a batch of points where point :math:`i`
belongs to member :math:`k_i`, evaluates

.. math:: f_{k_i}(x_i)\quad\text{and}\quad\nabla f_{k_i}(x_i)

for all points in one vectorized call (:meth:`StackedObjective.rows`), so :func:`samtheory.simulate`
runs all members in one loop.

**What makes a class stackable.** Its ``value`` and ``grad`` read the numbers that differ between
members only through the attributes listed in :attr:`Objective.parameters`, and are written so
that each such attribute may also be an array with one row per point:

* a ``"scalar"`` parameter (β, ω, a threshold δ) becomes shape ``(N, 1)``, which broadcasts over
  the coordinates of ``x`` of shape ``(N, d)``: write it *inside* any sum over coordinates;
* a ``"coordinates"`` parameter (a diagonal spectrum, a centre) of shape ``(d,)`` becomes
  ``(N, d)``.

A class that does not declare ``parameters`` (``None``, the default) is simulated member by member.
``parameters = {}`` declares a function without parameters (every member is the same function).
The tests check every declaration: a member's parameters copied onto another member must
reproduce its values and gradients exactly.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import copy

import numpy as np

from .._validation import InvalidParameterError

if TYPE_CHECKING:  # names used in annotations only
    from ..functions._base import Objective

PARAMETER_KINDS = ("scalar", "coordinates")


def stack_signature(objective):
    """What members must share to be stacked: ``None`` when ``objective`` is not stackable, else
    its class, dimension and the names and shapes of its parameters."""
    declared = getattr(objective, "parameters", None)
    if declared is None or isinstance(objective, StackedObjective):
        return None
    shapes = tuple((name, kind, np.shape(getattr(objective, name))) for name, kind in sorted(declared.items()))
    return type(objective), objective.dim, shapes


class StackedObjective:
    """:math:`K` members of one family, to be simulated as one batch (module docstring).

    Pass it to :func:`samtheory.simulate` in place of an objective: the member axis of length
    :math:`K` is one more grid axis, broadcast with the grids of η, ρ and λ like theirs (so a
    ``(K,)`` array of step sizes gives each member its own η). The result's ``function`` holds the
    members' names over the grid, and ``result.grid_point(k)`` is member k's run.

    Parameters
    ----------
    members : sequence of Objective
        At least one member; all of one stackable class (:attr:`Objective.parameters` declared),
        dimension and parameter shapes.
    """

    def __init__(self, members: Sequence[Objective]):
        members = tuple(members)
        if not members:
            raise InvalidParameterError("stack needs at least one member; got none")
        signature = stack_signature(members[0])
        if signature is None:
            raise InvalidParameterError(
                f"members of {type(members[0]).__name__} cannot be stacked: the class declares no "
                "`parameters` (samtheory.functions._stack explains how)")
        for k, member in enumerate(members):
            if stack_signature(member) != signature:
                raise InvalidParameterError(
                    f"member {k} ({member!r}) is not of the family of member 0 ({members[0]!r}): stacked "
                    "members share their class, dimension and parameter shapes")
        self.members = members
        self.dim = members[0].dim
        self.parameters = dict(members[0].parameters)
        self.values = {name: np.stack([np.asarray(getattr(m, name), dtype=float) for m in members])
                       for name in self.parameters}
        self.f_star = np.array([m.f_star for m in members])
        self.names = np.array([m.name for m in members], dtype=object)
        names = set(self.names)
        self.name = names.pop() if len(names) == 1 else f"{len(members)} members of {type(members[0]).__name__}"

    def __len__(self):
        return len(self.members)

    def __repr__(self):
        return f"<StackedObjective {self.name!r} K={len(self)} d={self.dim}>"

    def rows(self, member: int) -> Objective:
        r"""The objective at a batch of points, point :math:`i` evaluated as member ``member[i]``.

        A copy of member 0 whose parameters are arrays with one row per point (``"scalar"``:
        shape ``(N, 1)``; ``"coordinates"``: ``(N, d)``) and whose ``f_star`` is the ``(N,)``
        array of the members' optimal values, so that ``value(x) - f_star`` is each point's
        suboptimality.
        """
        member = np.asarray(member, dtype=np.int64)
        out = copy.copy(self.members[0])
        for name, kind in self.parameters.items():
            rows = self.values[name][member]
            if kind == "scalar":
                rows = rows.reshape(len(member), 1)
            elif kind != "coordinates":
                raise InvalidParameterError(f"parameter kind of {name!r} must be one of {PARAMETER_KINDS}; got {kind!r}")
            setattr(out, name, rows)
        out.f_star = self.f_star[member]
        out.point_parameters = tuple(self.parameters) + ("f_star",)
        return out


def stack(members: Sequence[Objective]) -> StackedObjective:
    """Stack members of one family for one vectorized simulation (:class:`StackedObjective`)."""
    return StackedObjective(members)
