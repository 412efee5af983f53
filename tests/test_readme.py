"""README.md stays true: its Python examples run, its command-line examples exit 0 (and print what
the README shows, where it shows output), and its JSON key tables match the real output."""
import re
import shlex
from pathlib import Path

import pytest

import samtheory.methods
from samtheory import cli, simulate
from samtheory.functions import get_function

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def blocks(language):
    return [m.group(2) for m in FENCE.finditer(README.read_text(encoding="utf-8")) if m.group(1) == language]


def section(title):
    """Text of the Markdown section whose heading is ``title`` (up to the next heading of any level)."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^#+ " + re.escape(title) + r"[ \t]*\n(.*?)(?=^#+ |\Z)", text, re.MULTILINE | re.DOTALL)
    assert m, f"README has no section {title!r}"
    return m.group(1)


def table_keys(title):
    return {m.group(1) for m in re.finditer(r"^\| `([A-Za-z_]+)` \|", section(title), re.MULTILINE)}


def console_examples():
    """(command, expected output or None) for every ``$ samtheory ...`` line of the console blocks."""
    out = []
    for block in blocks("console"):
        current = None
        for line in block.splitlines():
            if line.startswith("$ "):
                if current:
                    out.append(current)
                current = [line[2:], []]
            elif current is not None:
                current[1].append(line)
        if current:
            out.append(current)
    return [(cmd, "\n".join(lines) if any(lines) else None) for cmd, lines in out]


PYTHON_BLOCKS = blocks("python")
CONSOLE = console_examples()


def test_readme_has_examples():
    assert len(PYTHON_BLOCKS) >= 4
    assert len(CONSOLE) >= 4


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))])
def test_python_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # an example may register a method: leave the registry as it was
    monkeypatch.setattr(samtheory.methods, "METHODS", dict(samtheory.methods.METHODS))
    exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})


@pytest.mark.parametrize("command,expected", CONSOLE, ids=[c for c, _ in CONSOLE])
def test_console_example(command, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    assert argv[0] == "samtheory"
    status = cli.main(argv[1:])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    if expected is not None:
        actual = "\n".join(line.rstrip() for line in captured.out.strip("\n").splitlines())
        assert actual == "\n".join(line.rstrip() for line in expected.strip("\n").splitlines())


def test_quickstart_is_the_two_documented_commands():
    (block,) = re.findall(r"```bash\n(.*?)```", section("Quickstart"), re.DOTALL)
    assert block.strip().splitlines() == ['pip install . && samtheory verify',
                                          'pip install ".[test]" && pytest']


def test_ci_runs_the_readme_test_command():
    assert 'pip install ".[test]" && pytest' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_simulate_json_keys_are_documented():
    q = get_function("quadratic")
    summary = simulate(q, "sam", eta=0.1, rho=0.05, steps=5).summary()
    assert table_keys("`samtheory simulate --json`") == set(summary)


def test_functions_json_keys_are_documented():
    summary = get_function("quadratic").summary()
    assert table_keys("`samtheory functions --json`") == set(summary)
