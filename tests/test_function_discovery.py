"""A new function family is one new file: its module in samtheory/functions/ registers its catalog
entries (with their random draw) through register_function, discover() (samtheory._discovery)
finds it, and the entry is built, checked, simulated, judged by a theorem and fuzzed with no
index edited. Also: the entries' random draws give exactly the members that verify's former
if-chain gave (a frozen copy is kept below), so `samtheory verify --fuzz` is unchanged."""
import gc
import math
import sys
import textwrap
from types import SimpleNamespace

import numpy as np
import pytest

import samtheory
import samtheory.functions as functions
from samtheory import InvalidParameterError
from samtheory.functions import (CATALOG, AsymmetricQuadratic, CosineFamily, Huber, LeastSquares, LogCosh,
                                 LogisticRegression, PLSine, Quadratic, RobustRegression, check_constants,
                                 get_function, random_draw, register_function)
from samtheory.functions._catalog import ENTRIES
from samtheory.theorems import Instance, check, get_theorem
from samtheory.verify import random_function

# ---------------------------------------------------------------------------------------------
# the former verify.random_function, frozen (as on main before the draws moved to the families)
# ---------------------------------------------------------------------------------------------


def _frozen_spectrum(rng, d, low, high, zero=False):
    lam = np.exp(rng.uniform(np.log(low), np.log(high), d))
    if zero:
        lam[0] = 0.0
    return lam


def frozen_random_function(name, rng, instance):
    d = int(rng.integers(1, 6))
    if name in ("quadratic", "quadratic-dense"):
        return Quadratic.with_spectrum(_frozen_spectrum(rng, max(d, 2), 0.1, 10.0), seed=int(rng.integers(1 << 30)), name=name)
    if name == "quadratic-1d":
        return Quadratic.diagonal([float(np.exp(rng.uniform(np.log(0.2), np.log(10))))], name=name)
    if name == "quadratic-rank-deficient":
        return Quadratic.with_spectrum(_frozen_spectrum(rng, max(d, 2), 0.1, 10.0, zero=True), seed=int(rng.integers(1 << 30)), name=name)
    if name == "cosine":
        beta = float(np.exp(rng.uniform(np.log(0.3), np.log(3))))
        rho = float(instance.rho) if isinstance(instance.rho, (int, float)) and instance.rho > 0 else 0.1
        return CosineFamily.stall_counterexample(beta, rho, name=name)
    if name == "cosine-unit":
        return CosineFamily(float(np.exp(rng.uniform(np.log(0.3), np.log(3)))),
                            float(np.exp(rng.uniform(np.log(0.3), np.log(3)))), name=name)
    if name == "pl-sine":
        return PLSine()
    if name == "asymmetric-quadratic":
        beta = float(np.exp(rng.uniform(np.log(0.5), np.log(2))))
        return AsymmetricQuadratic(beta * rng.uniform(0.05, 0.9), beta)
    if name == "logcosh":
        return LogCosh(np.exp(rng.uniform(np.log(0.2), np.log(3), d)), rng.normal(size=d))
    if name == "huber":
        return Huber(float(rng.uniform(0.3, 2.0)), d, rng.normal(size=d))
    if name == "robust-regression":
        return RobustRegression.random(int(rng.integers(d + 1, 30)), d, seed=int(rng.integers(1 << 30)))
    if name in ("least-squares", "ridge", "logistic"):
        n, seed = int(rng.integers(d + 2, 30)), int(rng.integers(1 << 30))
        if name == "least-squares":
            return LeastSquares.random(n, d, seed=seed)
        if name == "ridge":
            return LeastSquares.random(n, d, reg=float(rng.uniform(0.01, 0.5)), consistent=False, seed=seed)
        return LogisticRegression.random(n, d, reg=float(rng.uniform(0.01, 0.5)), seed=seed)
    return get_function(name, **instance.function_args)


#: the catalog on main, in its order (the ranks must keep it)
MAIN_ORDER = ["quadratic", "quadratic-1d", "quadratic-dense", "quadratic-rank-deficient", "cosine", "cosine-unit",
              "pl-sine", "asymmetric-quadratic", "logcosh", "huber", "robust-regression", "hyperbola-valley",
              "least-squares", "ridge", "logistic"]


def test_the_catalog_keeps_its_order_and_every_family_module_registers_itself():
    assert list(CATALOG) == MAIN_ORDER
    for name in CATALOG:  # each entry declared in its family's own module
        module = ENTRIES[name].factory.__module__
        assert module.startswith("samtheory.functions.") and module != "samtheory.functions", (name, module)
    assert random_draw("hyperbola-valley") is None  # no draw declared: the fuzzer keeps the default
    assert all(random_draw(name) is not None for name in MAIN_ORDER if name != "hyperbola-valley")


@pytest.mark.parametrize("rho", [0.1, 0.37, "schedule"])  # the cosine draw reads the radius
@pytest.mark.parametrize("name", MAIN_ORDER)
def test_random_draws_are_the_former_if_chain(name, rho):
    instance = SimpleNamespace(rho=rho, function_args={})
    for seed in range(50):
        rng_new, rng_old = np.random.default_rng(seed), np.random.default_rng(seed)
        new, old = random_function(name, rng_new, instance), frozen_random_function(name, rng_old, instance)
        # the same calls on the generator: the streams continue identically
        assert rng_new.bit_generator.state == rng_old.bit_generator.state, (name, seed)
        assert type(new) is type(old) and new.name == old.name and new.dim == old.dim, (name, seed)
        points = np.random.default_rng(1000 + seed).normal(size=(4, new.dim))
        np.testing.assert_array_equal(new.value(points), old.value(points))
        np.testing.assert_array_equal(new.grad(points), old.grad(points))
        assert {k: c.value for k, c in new.constants.items()} == {k: c.value for k, c in old.constants.items()}


def test_random_function_leaves_an_objective_and_falls_back_to_function_args():
    f = Quadratic.diagonal([1.0, 2.0])
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert random_function(f, rng, SimpleNamespace(rho=0.1, function_args={})) is f
    assert rng.bit_generator.state == state  # nothing drawn
    valley = random_function("hyperbola-valley", rng, SimpleNamespace(rho=0.1, function_args={"box_radius": 2.0}))
    assert valley.region == pytest.approx(2.0)


# ---------------------------------------------------------------------------------------------
# one new file
# ---------------------------------------------------------------------------------------------

MODULE = '''
r"""A user's family: the pseudo-Huber well f(x) = s * sum_i (sqrt(1 + x_i^2) - 1), one file.

**Constants.** f''(x_i) = s / (1 + x_i^2)^(3/2) lies in (0, s], with the maximum s at x_i = 0, so
f is s-smooth (tight) and convex (mu = 0, approached as |x| grows, not attained); f* = 0 at 0.
"""
import numpy as np

from samtheory._array import namespace
from samtheory.functions import Constant, Objective, register_function


class PseudoHuber(Objective):
    analytic = True
    parameters = {"scale": "scalar"}

    def __init__(self, scale=1.0, dim=2, *, name="pseudo-huber"):
        self.scale = float(scale)
        origin = np.zeros(dim)
        step = np.full(dim, 1e-7)
        constants = {"smoothness": Constant(self.scale, True, "f'' = s (1 + x^2)^(-3/2) <= s, at 0",
                                            (origin - step, origin + step)),
                     "strong_convexity": Constant(0.0, False, "f'' -> 0 as |x| grows")}
        super().__init__(dim, constants, 0.0, origin, name=name)

    def value(self, x):
        x = self._as_points(x)
        xp = namespace(x)
        return self.scale * xp.sum(xp.sqrt(1 + x ** 2) - 1, axis=-1)

    def grad(self, x):
        x = self._as_points(x)
        return self.scale * x / namespace(x).sqrt(1 + x ** 2)


def _random_member(rng, instance, dim):
    return PseudoHuber(float(np.exp(rng.uniform(np.log(0.5), np.log(4.0)))), dim)


register_function("pseudo-huber", lambda scale=1.0, dim=2: PseudoHuber(scale, dim),
                  "pseudo-Huber well, s = 1, d = 2", random=_random_member, rank=125)
'''


@pytest.fixture
def user_family(tmp_path, monkeypatch):
    folder = tmp_path / "more_functions"
    folder.mkdir()
    (folder / "pseudo_huber.py").write_text(textwrap.dedent(MODULE))
    (folder / "_draft.py").write_text("raise RuntimeError('private modules are not imported')\n")
    # the folder becomes part of the package, as a new file in samtheory/functions/ would be
    monkeypatch.setattr(functions, "__path__", [*functions.__path__, str(folder)])
    yield folder
    CATALOG.pop("pseudo-huber", None)
    ENTRIES.pop("pseudo-huber", None)
    sys.modules.pop("samtheory.functions.pseudo_huber", None)
    gc.collect()  # the class would otherwise stay a subclass of Objective (search_families walks them)
    assert list(CATALOG) == MAIN_ORDER


def test_a_new_family_module_is_found_built_checked_simulated_judged_and_fuzzed(user_family):
    names = functions.discover()
    assert "pseudo_huber" in names and "_draft" not in names
    assert "quadratic" in names and "least_squares" in names  # the package's own, by the same rule
    # its rank puts it between hyperbola-valley (120) and least-squares (130)
    assert list(CATALOG) == [*MAIN_ORDER[:12], "pseudo-huber", *MAIN_ORDER[12:]]
    f = get_function("pseudo-huber")
    assert type(f).__name__ == "PseudoHuber" and f.dim == 2 and f.smoothness == 1.0
    assert get_function("pseudo-huber", scale=3.0, dim=4).smoothness == 3.0
    report = check_constants(f, rng=1, n=2000)
    assert report.passed, str(report)

    result = samtheory.simulate(f, "sam", eta=0.5, rho=0.05, steps=200, x0=[1.5, -2.0])
    assert list(result.status) == ["ok"]
    assert float(np.ravel(result.loss)[0]) < 1e-2 * float(f.value(np.array([1.5, -2.0])))

    # a theorem for convex smooth functions judges it (through its catalog name)
    theorem = get_theorem("siyun.derived.d2")
    verdict = check(theorem, Instance("pseudo-huber", method="sam", eta=0.5, rho=0.05, steps=200, x0=[1.5, -2.0]))
    assert verdict.verdict == "holds", verdict
    # ... and refuses it outside its preconditions (a step far above 1/beta)
    outside = check(theorem, Instance("pseudo-huber", method="sam", eta=5.0, rho=0.05, steps=50, x0=[1.5, -2.0]))
    assert outside.verdict == "not-applicable", outside

    rng = np.random.default_rng(7)
    drawn = [random_function("pseudo-huber", rng, Instance("pseudo-huber")) for _ in range(20)]
    assert all(type(g).__name__ == "PseudoHuber" for g in drawn)
    assert {g.dim for g in drawn} <= {1, 2, 3, 4, 5} and len({g.dim for g in drawn}) > 1  # the fuzzer's dim
    assert all(0.5 <= g.smoothness <= 4.0 for g in drawn) and len({g.smoothness for g in drawn}) == 20

    count = len(CATALOG)
    functions.discover()  # again: nothing registered twice, no duplicate error
    assert len(CATALOG) == count


# ---------------------------------------------------------------------------------------------
# register_function for a notebook
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def restore_catalog():
    catalog, entries = dict(CATALOG), dict(ENTRIES)
    yield
    CATALOG.clear()
    CATALOG.update(catalog)
    ENTRIES.clear()
    ENTRIES.update(entries)


def test_register_function_refuses_bad_input_and_silent_replacement(restore_catalog):
    with pytest.raises(InvalidParameterError, match="name must be a non-empty string"):
        register_function("", lambda: Quadratic.diagonal([1.0]), "x")
    with pytest.raises(InvalidParameterError, match="factory of function 'mine' must be callable"):
        register_function("mine", "quadratic", "a name, not a factory")
    with pytest.raises(InvalidParameterError, match="not an Objective; wrap it"):
        register_function("mine", Quadratic.diagonal([1.0]), "an instance, not a factory")
    with pytest.raises(InvalidParameterError, match="description of function 'mine' must be a string"):
        register_function("mine", lambda: Quadratic.diagonal([1.0]), None)
    with pytest.raises(InvalidParameterError, match="random of function 'mine' must be None or callable"):
        register_function("mine", lambda: Quadratic.diagonal([1.0]), "x", random=3)
    with pytest.raises(InvalidParameterError, match="rank of function 'mine' must be a number"):
        register_function("mine", lambda: Quadratic.diagonal([1.0]), "x", rank=math.nan)
    with pytest.raises(InvalidParameterError, match="'quadratic' is already in the catalog; pass overwrite=True"):
        register_function("quadratic", lambda: Quadratic.diagonal([1.0]), "x")
    assert "mine" not in CATALOG and list(CATALOG) == MAIN_ORDER


def test_a_notebook_entry_is_listed_last_built_and_replaced_with_overwrite(restore_catalog):
    register_function("mine", lambda curvature=2.0: Quadratic.diagonal([curvature], name="mine"), "my 1-D quadratic")
    assert list(CATALOG) == [*MAIN_ORDER, "mine"]  # no rank: after the ranked entries
    assert get_function("mine", curvature=5.0).smoothness == 5.0
    rng = np.random.default_rng(0)
    assert random_function("mine", rng, Instance("mine", function_args={"curvature": 3.0})).smoothness == 3.0
    register_function("mine", lambda: Quadratic.diagonal([7.0], name="mine"), "steeper", rank=0,
                      random=lambda rng, instance, dim: Quadratic.diagonal(np.ones(dim), name="mine"), overwrite=True)
    assert list(CATALOG)[0] == "mine" and CATALOG["mine"][1] == "steeper"
    assert get_function("mine").smoothness == 7.0
    assert random_function("mine", np.random.default_rng(0), Instance("mine")).smoothness == 1.0
    # an entry replaced by hand in CATALOG loses the draw registered for the old factory
    CATALOG["mine"] = (lambda: Quadratic.diagonal([9.0], name="mine"), "by hand")
    assert random_draw("mine") is None
    assert random_function("mine", np.random.default_rng(0), Instance("mine")).smoothness == 9.0
