"""samtheory/_progress.py: the progress bar of ``simulate(progress=True)``."""
import io

from samtheory import get_function, simulate
from samtheory._progress import TextBar, progress_bar


def test_the_text_bar_writes_each_new_percentage_once():
    bar = TextBar(200, "sam on cosine")
    bar.stream = io.StringIO()
    for _ in range(4):
        bar.update(50)
    bar.update(0)  # no new percentage: nothing written
    bar.close()
    text = bar.stream.getvalue()
    assert text.count("\r") == 4 and text.endswith(" 100% (200/200)\n")
    assert "sam on cosine:  25% (50/200)" in text


def test_no_bar_unless_asked_and_a_run_with_one_gives_the_same_numbers(capsys):
    assert progress_bar(10, False, "x") is None
    f = get_function("cosine")
    quiet = simulate(f, "sam", eta=0.1, rho=0.1, steps=20, trajectories=2)
    shown = simulate(f, "sam", eta=0.1, rho=0.1, steps=20, trajectories=2, progress=True)
    assert (quiet.loss == shown.loss).all()
