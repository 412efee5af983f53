"""Output files (samtheory._io) and the CLI's exit statuses around them: symbolic links, FIFOs,
stdout and devices; interrupts and killed writers; concurrent writers; closed stdout; Ctrl-C."""
import json
import numpy as np
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from samtheory import InvalidParameterError, cli
from samtheory._io import (check_output, check_output_dir, interrupt_guard, open_output,
                           remove_stale_temporaries, write_output)

VERIFY_ONE = ["verify", "siyun.derived.d3", "--function", "cosine", "--eta", "0.25", "--rho", "0.1"]
SAMTHEORY = [sys.executable, "-m", "samtheory"]


@pytest.fixture(autouse=True)
def sigint_as_in_a_terminal():
    """Ctrl-C as a terminal delivers it. A shell starts background jobs with SIGINT ignored, Python
    then leaves it ignored (and samtheory respects that), and children inherit the ignoring: run
    from such a job (a CI runner, `cmd &`), these tests would interrupt nothing. A Python handler
    here makes SIGINT default again in every child started with exec."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def temporaries(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


# -- what a path is --------------------------------------------------------------------------

def test_a_symlink_is_followed_and_its_target_replaced(tmp_path):
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("old")
    link.symlink_to("target.json")
    write_output(link, "new")
    assert os.path.islink(link) and os.readlink(link) == "target.json"
    assert target.read_text() == "new"
    assert temporaries(tmp_path) == []


def test_a_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "link").symlink_to("made.txt")
    write_output(tmp_path / "link", "x")
    assert (tmp_path / "made.txt").read_text() == "x" and os.path.islink(tmp_path / "link")


def test_the_cli_writes_through_a_symlink(tmp_path, capsys):
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("{}")
    link.symlink_to(target)
    assert cli.main(VERIFY_ONE + ["--json", str(link)]) == 0
    assert os.path.islink(link)
    assert json.loads(target.read_text())["summary"]["verdicts"]["holds"] == 1


def test_a_fifo_is_written_directly_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    write_output(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert temporaries(tmp_path) == []


def test_dash_and_dev_stdout_write_to_stdout(capfd):
    write_output("-", "to stdout\n")
    assert capfd.readouterr().out == "to stdout\n"


def test_dev_stdout_in_a_subprocess_goes_to_the_pipe(tmp_path):
    code = "from samtheory._io import write_output; write_output('/dev/stdout', 'hello')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert out.stdout == b"hello"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full", "/dev/zero"])
def test_devices_other_than_stdout_are_refused_and_left_alone(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} missing")
    with pytest.raises(InvalidParameterError, match="is a device"):
        check_output(device, "--json")
    with pytest.raises(InvalidParameterError, match="is a device"):
        write_output(device, "x")
    assert stat.S_ISCHR(os.stat(device).st_mode)


@pytest.mark.parametrize("path, message", [
    ("", "needs a file name"),
    ("/proc/x.json", "cannot create files in /proc"),
    ("/nonexistent-folder/x.json", "does not exist"),
])
def test_unwritable_paths_are_refused_before_the_work(path, message):
    with pytest.raises(InvalidParameterError, match=message) as info:
        check_output(path, "--json")
    assert str(info.value).startswith("--json")


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(InvalidParameterError, match="is a directory"):
        check_output(tmp_path, "--json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(InvalidParameterError, match="cannot create files"):
            check_output(folder / "x.json", "--json")
        with pytest.raises(InvalidParameterError, match="cannot create files"):
            check_output_dir(folder, "--outdir")
    finally:
        folder.chmod(0o755)


def test_outdir_that_is_a_file_or_under_proc_is_refused(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidParameterError, match="not a folder"):
        check_output_dir(tmp_path / "file", "--outdir")
    with pytest.raises(InvalidParameterError, match="--outdir /proc/x"):
        check_output_dir("/proc/x", "--outdir")


# -- interrupts, killed writers, concurrent writers -------------------------------------------

def test_an_interrupt_inside_the_write_keeps_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with open_output(path) as fh:
            fh.write(b"half")
            raise KeyboardInterrupt
    assert path.read_text() == "old"
    assert temporaries(tmp_path) == []


def test_a_recorded_interrupt_prevents_the_commit(tmp_path):
    """A Ctrl-C that Python swallowed (raised in a finalizer) still stops the next commit."""
    path = tmp_path / "out.json"
    path.write_text("old")
    with interrupt_guard():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler raises here
        except KeyboardInterrupt:
            pass  # swallowed, as in "Exception ignored in ... KeyboardInterrupt"
        with pytest.raises(KeyboardInterrupt):
            write_output(path, "new")
    assert path.read_text() == "old" and temporaries(tmp_path) == []


def test_sigint_in_a_subprocess_writing_in_a_loop_leaves_no_temporary(tmp_path):
    code = ("import sys\nfrom samtheory import cli\nfrom samtheory._io import interrupt_guard, write_output\n"
            "with interrupt_guard():\n"
            "    print('ready', flush=True)\n"
            "    while True:\n"
            f"        write_output({str(tmp_path / 'big.bin')!r}, b'x' * 3_000_000)\n")
    for delay in (0.05, 0.15, 0.3):
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.wait(20)
        assert proc.returncode != 0
        assert temporaries(tmp_path) == []
        assert (tmp_path / "big.bin").stat().st_size in (0, 3_000_000) or not (tmp_path / "big.bin").exists()


def test_the_next_write_removes_the_temporaries_of_a_killed_writer(tmp_path):
    path = tmp_path / "out.json"
    code = ("import os, signal\nfrom samtheory._io import open_output\n"
            f"with open_output({str(path)!r}) as fh:\n"
            "    fh.write(b'never committed')\n    fh.flush()\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code])
    assert proc.returncode == -signal.SIGKILL
    stale = temporaries(tmp_path)
    assert len(stale) == 1 and stale[0].startswith(".out.json.")
    # a temporary of a live process (here: this test's parent) and of another path stay
    live = tmp_path / f".out.json.{os.getppid()}.abc123.tmp"
    other = tmp_path / ".other.json.999999999.abc.tmp"
    live.write_text("")
    other.write_text("")
    write_output(path, "fresh")
    assert path.read_text() == "fresh"
    assert temporaries(tmp_path) == sorted([live.name, other.name])
    assert remove_stale_temporaries(path) == []


def test_concurrent_writers_never_collide(tmp_path):
    path = tmp_path / "shared.txt"
    code = ("import sys\nfrom samtheory._io import write_output\n"
            "for i in range(40):\n"
            f"    write_output({str(path)!r}, sys.argv[1] * 100_000)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, ch], stderr=subprocess.PIPE) for ch in "abcd"]
    for p in procs:
        _, err = p.communicate(60)
        assert p.returncode == 0, err.decode()
    content = path.read_text()
    assert len(content) == 100_000 and len(set(content)) == 1  # one writer's whole file
    assert temporaries(tmp_path) == []


# -- a closed stdout ---------------------------------------------------------------------------

def run_with_closed_stdout(argv, env_code=""):
    """Run the CLI in a subprocess whose stdout is a pipe already closed at the reading end."""
    read, write = os.pipe()
    os.close(read)
    code = f"import sys\n{env_code}\nfrom samtheory import cli\nsys.exit(cli.main({argv!r}))\n"
    try:
        proc = subprocess.run([sys.executable, "-c", code], stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    return proc.returncode, proc.stderr.decode()


def test_a_closed_stdout_keeps_the_files_and_the_exit_status(tmp_path):
    out = tmp_path / "x.json"
    status, err = run_with_closed_stdout(VERIFY_ONE + ["--json", str(out), "--markdown", str(tmp_path / "x.md")])
    assert status == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert json.loads(out.read_text())["summary"]["verdicts"]["holds"] == 1
    assert (tmp_path / "x.md").exists()


def test_a_closed_stdout_does_not_turn_a_violation_into_success(tmp_path):
    # the theorem's bound cut to a hundredth of itself: the same instance now violates it
    patch = ("from samtheory.theorems import THEOREMS\n"
             "th = THEOREMS['siyun.derived.d3']\nbound = th.bound\n"
             "def tiny(ctx):\n    b = bound(ctx)\n    return (lambda t: 0.01 * b(t)) if callable(b) else 0.01 * b\n"
             "th.bound = tiny\n")
    out = tmp_path / "x.json"
    status, err = run_with_closed_stdout(VERIFY_ONE + ["--json", str(out)], patch)
    assert status == 1, err
    assert json.loads(out.read_text())["summary"]["verdicts"]["violated"] == 1
    assert "Traceback" not in err


def test_functions_into_a_closed_pipe_exits_0_quietly():
    status, err = run_with_closed_stdout(["functions"])
    assert status == 0 and err == ""


# -- Ctrl-C ------------------------------------------------------------------------------------

ZYGOTE = r"""
import json, os, signal, sys, time
from samtheory import cli
argv, delays = json.loads(sys.argv[1]), json.loads(sys.argv[2])
results = []
for delay in delays:
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a CLI run with stdout discarded and stderr to the pipe
        os.close(err_r)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(err_w, 2)
        os._exit(cli.main(argv))
    os.close(err_w)
    time.sleep(delay)
    os.kill(pid, signal.SIGINT)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(err_r) as fh:
        err = fh.read()
    results.append([delay, os.waitstatus_to_exitcode(status), err[-1500:]])
print(json.dumps(results))
"""


def test_ctrl_c_during_reproduce_exits_130_every_time(tmp_path):
    """20 interrupts at delays spread over a whole quick reproduce run (importing matplotlib,
    simulating, rendering and writing the files). The runs are forked from a process that has
    imported samtheory already, so that the test spends its time in the runs, not in imports."""
    outdir = tmp_path / "figs"
    argv = ["reproduce", "khanh-fig1-quadratic", "--quick", "--outdir", str(outdir)]
    delays = [0.05 + 0.2 * i for i in range(20)]
    proc = subprocess.run([sys.executable, "-c", ZYGOTE, json.dumps(argv), json.dumps(delays)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    interrupted = 0
    for delay, status, err in results:
        assert "Traceback" not in err, (delay, err)
        if status == 0:  # the run finished before this (late) signal: a complete, normal run
            continue
        assert status == 130, (delay, status, err)
        assert err.strip().endswith("samtheory: interrupted"), (delay, err)
        interrupted += 1
    # the delays span more than a run on the machines we know (a run takes 3.6 s or more), so most
    # signals land inside it; a machine fast enough to finish early still tests the first ones
    assert interrupted >= len(delays) // 2, results
    assert temporaries(outdir) == [] if outdir.exists() else True


def test_ctrl_c_reaches_the_console_command(tmp_path):
    """The same through ``python -m samtheory`` (one run, interrupted while it simulates)."""
    proc = subprocess.Popen(SAMTHEORY + ["reproduce", "siyun-fig1-valley", "--quick", "--outdir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert err.decode().strip() == "samtheory: interrupted"
    assert temporaries(tmp_path) == []


def test_concurrent_figure_writers_into_one_folder_never_collide(tmp_path):
    """Two `reproduce` runs into one folder used to share the temporary name .STEM.pdf.tmp."""
    code = ("import sys\nfrom samtheory.paper_experiments import _common as C\n"
            "fig, axes = C.new_figure()\naxes[0, 0].plot([0, 1], [0, float(sys.argv[1])])\n"
            "for _ in range(6):\n"
            f"    C.save_figure(fig, {str(tmp_path)!r}, 'fig')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i)], stderr=subprocess.PIPE) for i in (1, 2)]
    for p in procs:
        _, err = p.communicate(120)
        assert p.returncode == 0, err.decode()
    assert sorted(os.listdir(tmp_path)) == ["fig.pdf", "fig.png"]
    assert (tmp_path / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_one_json_converter_writes_every_missing_value_as_null():
    # counterexample reports used to write nan as the string "nan" and the CLI as null; there is
    # now one converter (samtheory._io.to_jsonable) for every JSON the package writes
    import math

    from samtheory._io import to_jsonable
    from samtheory.counterexamples._base import Interval
    converted = to_jsonable({"a": float("nan"), "b": np.float64(np.inf), "i": Interval(0.0, math.inf)})
    assert converted["a"] is None and converted["b"] is None
    assert converted["i"]["high"] is None and converted["i"]["text"].endswith("inf)")
    json.dumps(converted, allow_nan=False)  # strict JSON


def test_an_interrupt_swallowed_by_a_gc_callback_is_recorded_and_printed_nowhere():
    """SIGINT landing in a weakref callback (matplotlib's transforms have them) cannot raise there;
    Python would print 'Exception ignored ... KeyboardInterrupt' with a traceback. Inside the guard
    it is recorded instead, silently, and raised again by raise_if_interrupted."""
    code = ("import os, signal, weakref, sys\n"
            "from samtheory._io import interrupt_guard, raise_if_interrupted\n"
            "class Node: pass\n"
            "def callback(_ref):\n    os.kill(os.getpid(), signal.SIGINT)\n    sum(range(1000))\n"
            "with interrupt_guard():\n"
            "    node = Node()\n    ref = weakref.ref(node, callback)\n    del node\n"
            "    try:\n        raise_if_interrupted()\n    except KeyboardInterrupt:\n        print('raised again')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "raised again"
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
