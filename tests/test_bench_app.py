"""The app benchmark's server-side part runs and prints its figures (experiments/benchmarks/bench_app.py;
nothing is timed here: speed targets are the benchmark's printed figures, not tests)."""
from __future__ import annotations

import json

import pytest

from experiments.benchmarks import bench_app


def test_server_side_prints_its_lines(capsys, tmp_path):
    out = tmp_path / "app.json"
    assert bench_app.main(["--days", "3", "--scenarios", "finance_bureau", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Machine:" in text and "load average" in text
    assert "1. Server side" in text and "finance_bureau (3 days)" in text
    for line in ("build PairModel (Reset)", "step ", "redraw (page_html)", "step + redraw", "HTML a redraw",
                 "all 3 days, step + redraw"):
        assert line in text, line
    assert "In the browser" not in text  # only with --browser
    assert "finance_bureau: step + redraw, server, median" in text and "target < 100 ms" in text
    figures = json.loads(out.read_text(encoding="utf-8"))
    fb = figures["server"]["finance_bureau"]
    assert fb["days_run"] == 3 and fb["step_redraw_ms"]["n"] == 3 and len(fb["per_day"]["step_ms"]) == 3
    assert fb["html_bytes"]["median"] > 0 and figures["browser"] is None


@pytest.mark.parametrize("args", [["--days", "0"], ["--scenarios", "nope"], ["--lang", "fr"],
                                  ["--json", "/nonexistent/dir/x.json"], ["--json", "."]])
def test_bad_options_are_one_line_exit_2(args, capsys):
    with pytest.raises(SystemExit) as e:
        bench_app.main(args)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error:" in err and "Traceback" not in err
