"""Licence, citation and version metadata (the files a user needs to reuse and cite the package)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

import samtheory

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_version_has_one_source():
    assert samtheory.__version__ == _pyproject()["version"]
    out = subprocess.run([sys.executable, "-m", "samtheory", "--version"], capture_output=True, text=True)
    assert out.stdout.strip() == f"samtheory {samtheory.__version__}"


def test_licence_is_declared_and_shipped():
    project = _pyproject()
    assert project["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")


def test_citation_names_the_version_and_the_three_papers():
    text = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    assert re.search(rf"^version: {re.escape(samtheory.__version__)}$", text, re.M)
    for arxiv in ("2306.09850", "2503.02225", "2401.08060"):  # Si & Yun; Oikonomou & Loizou; Khanh et al.
        assert f"arXiv:{arxiv}" in text


def test_changelog_has_the_current_version():
    assert f"## [{samtheory.__version__}]" in (ROOT / "CHANGELOG.md").read_text()


# -- installation paths: extras, wheel and sdist ---------------------------------------------------

def _requirement_name(requirement):
    """``"jax[cpu]>=0.4"`` -> ``"jax[cpu]"``: the distribution and its extras, without a version."""
    return re.split(r"[<>=!~;\s]", requirement, maxsplit=1)[0].lower()


def test_all_extra_is_the_union_of_every_other_extra():
    extras = _pyproject()["optional-dependencies"]
    everything = {_requirement_name(r) for r in extras["all"]}
    missing = {name: sorted({_requirement_name(r) for r in reqs} - everything)
               for name, reqs in extras.items() if name != "all"}
    assert not any(missing.values()), f"extras not pulled by samtheory[all]: {missing}"
    assert {_requirement_name(r) for r in extras["test"]} <= everything


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The wheel and sdist of this checkout, built once by ``python -m build`` (extra ``packaging``)."""
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return wheels[0], sdists[0]


def test_wheel_ships_the_package_and_py_typed_but_not_figures_or_docs(dist):
    import zipfile
    wheel, _ = dist
    names = zipfile.ZipFile(wheel).namelist()
    assert "samtheory/py.typed" in names
    assert "samtheory/__init__.py" in names and "samtheory/theorems/khanh.py" in names
    top = {name.split("/")[0] for name in names}
    assert top == {"samtheory", f"samtheory-{samtheory.__version__}.dist-info"}, top
    assert not [n for n in names if n.endswith((".png", ".pdf", ".md", ".ipynb"))]


def test_sdist_has_the_sources_and_licence(dist):
    import tarfile
    _, sdist = dist
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "samtheory/py.typed", "samtheory/cli/__init__.py"} <= names


def _fresh_venv(path):
    """A new virtual environment whose own site-packages comes first; the running environment's
    site-packages are appended after it (a .pth file) so that numpy etc. need not be downloaded
    while the samtheory that is imported is the one installed into the new environment."""
    import site
    import venv
    venv.EnvBuilder(with_pip=True).create(path)
    python = path / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    (Path(own) / "_parent_env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_wheel_and_sdist_install_into_a_fresh_venv(dist, tmp_path, kind):
    artifact = dist[0] if kind == "wheel" else dist[1]
    python = _fresh_venv(tmp_path / "venv")
    # --ignore-installed: the parent environment (on the path through the .pth file) may hold
    # samtheory of the same version already, and pip would then call the requirement satisfied and
    # install nothing here (seen in CI, where the parent is a non-editable install)
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--ignore-installed", "--quiet",
                              str(artifact)], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    probe = subprocess.run(
        [str(python), "-c", "import pathlib, samtheory; p = pathlib.Path(samtheory.__file__).parent; "
                            "print(p); print((p / 'py.typed').is_file()); print(samtheory.__version__)"],
        capture_output=True, text=True, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    where, typed, version = probe.stdout.split()
    assert Path(where).is_relative_to(tmp_path / "venv"), where
    assert typed == "True" and version == samtheory.__version__
    cli = subprocess.run([str(tmp_path / "venv" / "bin" / "samtheory"), "--version"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert cli.stdout.strip() == f"samtheory {samtheory.__version__}", cli.stderr
