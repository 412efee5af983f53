"""samtheory.report.wording and the terminal output of ``samtheory verify``: the ratio's kind and
meaning, instances as options that re-run the check, reasons, and progress lines."""
import shlex
import subprocess
import sys

import pytest

from samtheory import cli
from samtheory.report import wording
from samtheory.theorems import THEOREMS, check
from samtheory.verify import Report


def test_every_check_kind_has_a_ratio_meaning_and_a_margin_entry():
    from samtheory.theorems import CHECKS
    assert set(wording.RATIO_MEANING) == set(CHECKS) == set(wording.MARGIN_MEANING)
    assert len({label for label, _ in wording.RATIO_MEANING.values()}) == len(CHECKS)


@pytest.mark.parametrize("tid, index", [("khanh.lemma-c", 0), ("siyun.derived.d5.pl", 1),
                                        ("siyun.deterministic.convex.upper", 0)])
def test_the_printed_command_reruns_the_same_check(tid, index, capsys, tmp_path):
    """The options printed for a default instance rebuild it: `verify ID <options>` gives the
    default check's verdict, ratio and margin exactly."""
    th = THEOREMS[tid]
    verdict = check(th, th.instances[index])
    command = wording.rerun_command(tid, verdict.instance_params)
    assert "--only" not in command, command  # this instance can be written as options
    argv = shlex.split(command)[1:] + ["--json", str(tmp_path / "v.json")]
    status = cli.main(argv)
    import json
    again = json.loads((tmp_path / "v.json").read_text())["results"][0]
    assert status == 0
    assert (again["verdict"], again["ratio"], again["margin"]) == (verdict.verdict, verdict.ratio, verdict.margin)


def test_instances_the_command_line_cannot_express_rerun_the_entry():
    th = THEOREMS["khanh.property-1"]  # power schedules for eta and rho
    params = th.instances[0].to_dict()
    assert wording.instance_options(params) is None
    assert wording.rerun_command(th.id, params) == "samtheory verify --only khanh.property-1 --search-budget 0"


def test_wrapped_commands_keep_every_word_and_paste_back():
    command = wording.rerun_command("khanh.lemma-c", check(THEOREMS["khanh.lemma-c"],
                                                           THEOREMS["khanh.lemma-c"].instances[0]).instance_params)
    lines = wording.wrap_command(command, width=50)
    assert len(lines) > 1 and all(ln.endswith(" \\") for ln in lines[:-1])
    pasted = " ".join(ln.rstrip("\\").strip() for ln in lines)
    assert shlex.split(pasted) == shlex.split(command)


@pytest.fixture(scope="module")
def table():
    rows = [check(THEOREMS[tid], THEOREMS[tid].instances[k]) for tid, k in
            (("khanh.lemma-c", 1), ("khanh.property-1", 0), ("siyun.derived.fixed-point", 2))]
    return rows, Report(rows=rows, seconds=1.0).table(width=100)


def test_table_shows_the_kind_next_to_the_ratio_and_a_legend(table):
    rows, text = table
    assert "m/floor 824" in text  # khanh.lemma-c on the Huber function: 824 times above the floor
    assert "ratio kinds:" in text
    for kind in ("m/floor", "limit", "m/bound"):
        assert any(line.strip().startswith(kind) for line in text.splitlines()[text.splitlines().index("  ratio kinds:"):])


def test_table_never_cuts_an_instance_or_a_reason(table):
    rows, text = table
    assert "..." not in text
    flat = " ".join(text.split())
    for r in rows:
        if r.verdict != "holds" or THEOREMS[r.theorem].check == "asymptotic":  # the rows whose reason is printed
            assert " ".join(r.reason.split()) in flat
        assert " ".join(r.instance.split()) in flat or wording.rerun_command(r.theorem, r.instance_params) in \
            flat.replace(" \\ ", " ")
    assert max(len(line) for line in text.splitlines()) <= 100 + 40  # only the theorem column may widen a line


def test_asymptotic_reasons_say_what_the_number_is(table):
    rows, text = table
    reason = rows[1].reason
    assert rows[1].verdict == "holds"
    assert reason.startswith("consistent with the limit: over k = ") and "% of its first value" in reason
    assert "decreased by" not in text


def test_plain_progress_lines_when_stdout_is_not_a_terminal():
    """`verify | cat`: one progress line per check on stderr (the table on stdout)."""
    run = subprocess.run([sys.executable, "-m", "samtheory", "verify", "--only", "khanh.lemma-c",
                          "--search-budget", "0"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    progress = [ln for ln in run.stderr.splitlines() if ln.startswith("[")]
    n = len(THEOREMS["khanh.lemma-c"].instances)
    assert [ln.split("]")[0] for ln in progress] == [f"[{k}/{n}" for k in range(1, n + 1)]
    assert all("holds" in ln and "khanh.lemma-c" in ln for ln in progress)
    assert "\r" not in run.stderr
    assert "m/floor" in run.stdout
