"""run_note and claim: what one note's cells give, run in this process.

The isolated path (forked children, descriptors, limits) is covered in test_workers.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from hortus.cells import OUTPUT_LIMIT, Step, claim, run_note, short_repr

np = pytest.importorskip("numpy")


def cell(index: int, source: str, line: int = 10, **options: object) -> Step:
    return Step("cell", index, source, line, dict(options))


def inline(index: int, source: str, line: int = 50) -> Step:
    return Step("inline", index, source, line, {})


def run(tmp_path: Path, *steps: Step) -> dict:
    result = run_note(list(steps), str(tmp_path), "notes/n.md").to_json()
    assert json.loads(json.dumps(result)) == result  # cached as JSON by the caller
    return result


def outputs(result: dict, index: int = 0) -> list[dict]:
    return result["cells"][index]["outputs"]


# -- outputs ----------------------------------------------------------------------------------


def test_streams_in_order_of_appearance(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "import sys\nprint('one')\nprint('two', file=sys.stderr)\nprint('three')"),
    )
    assert result["status"] == "ok"
    assert outputs(result) == [
        {"type": "stdout", "text": "one\n"},
        {"type": "stderr", "text": "two\n"},
        {"type": "stdout", "text": "three\n"},
    ]


def test_last_expression_is_displayed_like_jupyter(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "x = 2\nx * 100\nprint('p')\nx * 21"),  # only the last expression shows
        cell(1, "y = x"),  # an assignment shows nothing
        cell(2, "None"),  # nor does None
        cell(3, "print('side effect')"),  # print returns None
        cell(4, "if x:\n    x + 1"),  # a compound statement last: nothing
        cell(5, "x;  # a trailing semicolon hides the value, as in Jupyter"),
    )
    assert outputs(result, 0) == [
        {"type": "stdout", "text": "p\n"},
        {"type": "result", "text": "42", "html": None},
    ]
    assert outputs(result, 1) == []
    assert outputs(result, 2) == []
    assert outputs(result, 3) == [{"type": "stdout", "text": "side effect\n"}]
    assert outputs(result, 4) == []
    assert outputs(result, 5) == []


def test_numpy_repr_html_and_no_addresses(tmp_path: Path) -> None:
    source_html = (
        "class Table:\n"
        "    def __repr__(self):\n        return 'Table(2 rows)'\n"
        "    def _repr_html_(self):\n        return '<table><tr><td>1</td></tr></table>'\n"
        "Table()"
    )
    result = run(
        tmp_path,
        cell(0, "import numpy as np\nnp.arange(4) / 2"),
        cell(1, source_html),
        cell(2, "object()"),
    )
    assert outputs(result, 0) == [
        {"type": "result", "text": "array([0. , 0.5, 1. , 1.5])", "html": None}
    ]
    assert outputs(result, 1) == [
        {
            "type": "result",
            "text": "Table(2 rows)",
            "html": "<table><tr><td>1</td></tr></table>",
        }
    ]
    # IPython prints `<object at 0x7f...>`; the address changes every run, so it is left out.
    assert outputs(result, 2)[0]["text"] == "<object>"


def test_figures_become_svg_and_are_closed(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    plot = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()\n"
    two = "fig, ax = plt.subplots()\nax.bar([1, 2], [3, 4])\nfig2 = plt.figure()\n"
    result = run(tmp_path, cell(0, plot), cell(1, "1"), cell(2, two))
    first = outputs(result, 0)
    assert [o["type"] for o in first] == ["figure"]  # plt.show() warned nothing on stderr
    svg = first[0]["svg"]
    assert "<svg" in svg and "</svg>" in svg
    assert "<dc:date>" not in svg  # no date: same bytes on any day
    assert "<text" not in svg  # glyphs as paths
    assert outputs(result, 1) == [{"type": "result", "text": "1", "html": None}]  # closed
    assert [o["type"] for o in outputs(result, 2)] == ["figure", "figure"]
    again = run(tmp_path, cell(0, plot))
    assert outputs(again, 0)[0]["svg"] == svg


def test_figure_as_last_expression_shown_once(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run(
        tmp_path,
        cell(0, "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nfig"),
        cell(1, "from matplotlib.figure import Figure\nf = Figure()\nf.add_subplot().plot([1])\nf"),
    )
    assert [o["type"] for o in outputs(result, 0)] == ["figure"]
    assert [o["type"] for o in outputs(result, 1)] == ["figure"]  # not managed by pyplot


def test_long_output_is_truncated_with_notice(tmp_path: Path) -> None:
    result = run(tmp_path, cell(0, "for i in range(3000):\n    print('x' * 99)"))
    (out,) = outputs(result)
    assert out["type"] == "stdout"
    assert out["text"].startswith("x" * 99 + "\n")
    assert out["text"].endswith("[... output truncated: 200000 bytes not shown]\n")
    assert len(out["text"].encode()) < OUTPUT_LIMIT + 100


# -- claims -----------------------------------------------------------------------------------


def test_claims_recorded_with_md_lines(tmp_path: Path) -> None:
    source = (
        "import numpy as np\n"  # line 20
        "claim('half', np.float64(0.5000001), 0.5, rel=1e-6)\n"  # 21
        "claim('sum', 2 + 2, 5)\n"  # 22: fails, but the next claim is still checked
        "ok = claim('array', np.arange(3.0), [0, 1, 2])\n"  # 23
        "print(ok)\n"
    )
    result = run(tmp_path, cell(0, "a = 1", line=10), cell(1, source, line=20), cell(2, "a"))
    assert result["claims"] == [
        {
            "text": "half",
            "actual": "0.5000001",
            "expected": "0.5",
            "rel": 1e-06,
            "abs": None,
            "passed": True,
            "line": 21,
            "cell": 1,
        },
        {
            "text": "sum",
            "actual": "4",
            "expected": "5",
            "rel": None,
            "abs": None,
            "passed": False,
            "line": 22,
            "cell": 1,
        },
        {
            "text": "array",
            "actual": "array([0., 1., 2.])",
            "expected": "[0, 1, 2]",
            "rel": None,
            "abs": None,
            "passed": True,
            "line": 23,
            "cell": 1,
        },
    ]
    assert outputs(result, 1) == [{"type": "stdout", "text": "True\n"}]
    assert result["status"] == "error"
    assert result["error"] == {
        "message": "claim failed: sum: expected 5, got 4",
        "line": 22,
        "cell": 1,
    }
    assert len(result["cells"]) == 2  # a failed claim fails its cell: cell 2 does not run


def test_claim_tolerance_in_message_and_output_false_keeps_claims(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "print('hidden')\nclaim('pi', 3.14, 3.14159, rel=1e-4)", line=7, output=False),
    )
    assert outputs(result) == []
    assert result["claims"][0]["line"] == 8
    assert result["error"]["message"] == (
        "claim failed: pi: expected 3.14159, got 3.14 (rel=0.0001)"
    )


def test_claim_in_helper_from_earlier_cell_points_at_its_line(tmp_path: Path) -> None:
    helper = "def check(v):\n    return claim('positive', v > 0, True)\n"
    result = run(tmp_path, cell(0, helper, line=5), cell(1, "check(3)", line=30))
    assert result["claims"][0]["line"] == 6
    assert result["claims"][0]["cell"] == 0


@pytest.mark.parametrize(
    ("actual", "expected", "kwargs", "passed"),
    [
        (0.1 + 0.2, 0.3, {}, True),  # floats: math.isclose's default
        (1.0, 1.0 + 1e-6, {}, False),
        (1.0, 1.0 + 1e-6, {"rel": 1e-5}, True),
        (0.0, 1e-3, {"abs": 1e-2}, True),
        (0.0, 1e-3, {"rel": 0.5}, False),
        (3, 3, {}, True),  # ints: exact
        (3, 4, {}, False),
        (10, 11, {"rel": 0.2}, True),
        ("a", "a", {}, True),  # anything else: ==
        ([1, 2], [1, 2], {}, True),
        ({"k": 1}, {"k": 2}, {}, False),
        (float("nan"), float("nan"), {}, False),
        (float("inf"), float("inf"), {}, True),
    ],
)
def test_claim_comparisons(actual: object, expected: object, kwargs: dict, passed: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert claim("c", actual, expected, **kwargs) is passed


def test_claim_numpy_values() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = np.linspace(0, 1, 50)
        assert claim("same", x, x.copy())
        assert claim("close", x, x + 1e-12, abs=1e-9)
        assert not claim("one element off", x, np.where(x > 0.5, x + 1e-3, x), rel=1e-6)
        assert not claim("shapes", np.ones(3), np.ones(4))
        assert claim("broadcast", np.zeros((2, 3)), 0.0)
        assert claim("ints exact", np.arange(3), [0, 1, 2])
        assert not claim("ints exact", np.arange(3), [0, 1, 3])
        assert claim("scalar", np.float32(0.5), 0.5)
        assert claim("list with rel", [1.0, 2.0], [1.0, 2.0000001], rel=1e-6)
        assert not claim("text array", np.array(["a", "b"]), np.array(["a", "c"]))


def test_claim_outside_a_run_returns_and_warns() -> None:
    with pytest.warns(UserWarning, match=r"claim failed: answer: expected 42, got 41"):
        assert claim("answer", 41, 42) is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a passing claim is silent
        assert claim("answer", 42, 42) is True


def test_short_reprs() -> None:
    assert short_repr(np.float64(0.5000001)) == "0.5000001"
    assert short_repr(np.int64(3)) == "3"
    assert short_repr([np.float64(0.5)]) == "[0.5]"
    summary = short_repr(np.arange(1000.0))
    assert "..." in summary and len(summary) <= 120
    assert len(short_repr("x" * 1000)) == 120


def test_from_hortus_import_claim_is_light() -> None:
    code = (
        "import sys, hortus\n"
        "assert 'hortus.cells.claims' not in sys.modules\n"
        "from hortus import claim\n"
        "assert claim('ok', 1, 1) is True\n"
        "assert 'numpy' not in sys.modules\n"
        "print('fine')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "fine\n"


# -- errors -----------------------------------------------------------------------------------


def test_exception_stops_later_steps(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "x = 1", line=3),
        cell(1, "y = 2\nz = y / 0\n", line=8),
        cell(2, "print('never')", line=20),
        inline(0, "x", line=30),
    )
    assert result["status"] == "error"
    assert [c["index"] for c in result["cells"]] == [0, 1]
    assert result["inline"] == []
    assert result["error"] == {
        "message": "cell 2 (line 9): ZeroDivisionError: division by zero",
        "line": 9,
        "cell": 1,
    }
    error = result["cells"][1]["error"]
    assert error["line"] == 9
    assert 'File "notes/n.md", line 9, in cell 2' in error["traceback"]
    assert "z = y / 0" in error["traceback"]
    assert "run.py" not in error["traceback"]


def test_error_in_function_from_earlier_cell(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "def f(v):\n    return {}[v]\n", line=4),
        cell(1, "f('key')", line=12),
    )
    assert result["error"]["message"] == "cell 2 (line 5): KeyError: 'key'"
    traceback = result["cells"][1]["error"]["traceback"]
    assert "line 12, in cell 2" in traceback and "line 5, in f (cell 1)" in traceback


def test_assert_failure_names_the_assert(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "total = 3 + 4\nassert total == 10\n", line=40),
        cell(1, "assert total > 100, 'too small'", line=50),
    )
    assert result["error"] == {
        "message": "cell 1 (line 41): AssertionError: assert total == 10",
        "line": 41,
        "cell": 0,
    }
    second = run(tmp_path, cell(1, "total = 1\nassert total > 100, 'too small'", line=50))
    assert second["error"]["message"] == (
        "cell 2 (line 51): AssertionError: too small (assert total > 100)"
    )


def test_syntax_error_line(tmp_path: Path) -> None:
    result = run(tmp_path, cell(0, "a = 1\nb = (\n", line=20))
    assert result["error"]["cell"] == 0
    assert result["error"]["line"] == 21
    assert "SyntaxError" in result["error"]["message"]
    assert "notes/n.md" in result["cells"][0]["error"]["traceback"]


def test_sys_exit_is_a_cell_error(tmp_path: Path) -> None:
    result = run(tmp_path, cell(0, "import sys\nsys.exit(3)", line=2), cell(1, "1"))
    assert result["status"] == "error"
    assert result["error"] == {"message": "cell 1 (line 3): SystemExit: 3", "line": 3, "cell": 0}
    assert len(result["cells"]) == 1


# -- options ----------------------------------------------------------------------------------


def test_eval_output_and_error_options(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "x = 1\nprint('skipped')", eval=False),
        cell(1, "x = 2\nprint('ran')", output=False),
        cell(2, "print('before')\nraise ValueError('shown')", error=True),
        cell(3, "x", echo=False),
    )
    assert result["status"] == "ok"
    assert outputs(result, 0) == []
    assert outputs(result, 1) == []
    third = outputs(result, 2)
    assert third[0] == {"type": "stdout", "text": "before\n"}
    assert third[1]["type"] == "error"
    assert "ValueError: shown" in third[1]["text"]
    assert result["cells"][2]["error"] is None
    assert outputs(result, 3) == [{"type": "result", "text": "2", "html": None}]


# -- inline expressions ------------------------------------------------------------------------


def test_inline_values(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        cell(0, "x = 1 / 2\nprint('cell')"),
        inline(0, "x"),
        inline(1, "f'{x:.3f}'"),
        inline(2, " len('abc') "),
    )
    assert result["inline"] == [
        {"index": 0, "text": "0.5", "error": None},
        {"index": 1, "text": "0.500", "error": None},
        {"index": 2, "text": "3", "error": None},
    ]


def test_inline_error_fails_the_note(tmp_path: Path) -> None:
    result = run(tmp_path, cell(0, "x = 1"), inline(0, "missing + 1", line=33), inline(1, "x"))
    assert result["status"] == "error"
    assert result["error"] == {
        "message": "inline expression 1 (line 33): NameError: name 'missing' is not defined",
        "line": 33,
        "cell": None,
    }
    assert len(result["inline"]) == 1


# -- environment ------------------------------------------------------------------------------


def test_namespace_cwd_and_local_imports(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text("VALUE = 7\n", encoding="utf-8")
    result = run(
        tmp_path,
        cell(0, "import os, helper\nprint(os.getcwd(), __name__, helper.VALUE)\nclaim"),
    )
    assert outputs(result)[0]["text"] == f"{tmp_path} __main__ 7\n"
    assert not (tmp_path / "__pycache__").exists()
    fresh = run(tmp_path, cell(0, "x = 1"), cell(1, "'helper' in dir()"))
    assert outputs(fresh, 1)[0]["text"] == "False"  # a fresh namespace for every note


def test_functions_defined_in_cells_can_be_pickled(tmp_path: Path) -> None:
    result = run(
        tmp_path, cell(0, "import pickle\ndef f():\n    return 1\nlen(pickle.dumps(f)) > 0")
    )
    assert outputs(result)[0]["text"] == "True"


def test_files_opened_for_reading(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("1,2\n3,4\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.txt").write_text("x", encoding="utf-8")
    source = (
        "import numpy as np, json, pathlib\n"
        "a = np.loadtxt('data.csv', delimiter=',')\n"
        "pathlib.Path('sub/more.txt').read_text()\n"
        "open('out.txt', 'w').write('written, not read')\n"
        "open('log.txt', 'a').write('appended, not read')\n"
        "import decimal\n"  # a stdlib module: part of the installation
    )
    result = run(tmp_path, cell(0, source))
    assert result["status"] == "ok", result["error"]
    assert result["files"] == [str(tmp_path / "data.csv"), str(tmp_path / "sub" / "more.txt")]


def test_progress_before_each_step(tmp_path: Path) -> None:
    seen: list[str] = []
    steps = [cell(0, "x = 1"), inline(0, "x"), cell(1, "x")]
    result = run_note(steps, str(tmp_path), "notes/n.md", progress=seen.append)
    assert result.status == "ok"
    assert seen == ["starting cell 0", "starting inline 0", "starting cell 1"]


def test_a_claim_as_last_expression_is_shown_as_its_badge_only() -> None:
    result = run_note([Step("cell", 0, 'claim("two", 1 + 1, 2)', 1, {})], ".", "n.md")
    assert result.cells[0].outputs == []
    assert result.claims[0].passed is True
