"""What the cells stage hands on: typed records whose JSON form survives the worker's pipe and
the result cache unchanged, and a façade that costs a worker nothing it does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hortus.cache import ResultCache, python_version
from hortus.cells import (
    CellResult,
    ClaimRecord,
    ErrorOutput,
    FigureOutput,
    InlineResult,
    NoteError,
    NoteJob,
    NoteResult,
    Step,
    StepError,
    StreamOutput,
    ValueOutput,
    run_note,
)


def sample() -> NoteResult:
    error = StepError("cell 2 (line 9): ValueError: no", 9, 1, "Traceback ...\nValueError: no\n")
    claim = ClaimRecord("half", "0.5", "0.5", 1e-6, None, True, 4, 0)
    outputs = [
        StreamOutput("stdout", "one\n"),
        StreamOutput("stderr", "two\n"),
        ErrorOutput("Traceback ...\n"),
        ValueOutput("Table(2 rows)", "<table></table>"),
        FigureOutput("<svg></svg>"),
    ]
    return NoteResult(
        status="error",
        cells=[CellResult(0, outputs), CellResult(1, [], error)],
        inline=[InlineResult(0, "0.5"), InlineResult(1, None, error)],
        claims=[claim],
        files=["/vault/data.csv"],
        error=error.for_note(),
    )


def test_a_result_survives_its_json_form() -> None:
    result = sample()
    data = json.loads(json.dumps(result.to_json()))
    assert NoteResult.from_json(data) == result
    assert data["error"] == {"message": "cell 2 (line 9): ValueError: no", "line": 9, "cell": 1}
    assert data["cells"][0]["outputs"][0] == {"type": "stdout", "text": "one\n"}


def test_a_job_survives_its_json_form() -> None:
    job = NoteJob("a/n.md", "/vault/a", [Step("cell", 0, "x = 1", 3, {"echo": False})], 5.0)
    assert NoteJob.from_json(json.loads(json.dumps(job.to_json()))) == job


def test_a_run_gives_typed_records(tmp_path: Path) -> None:
    steps = [Step("cell", 0, "print('hi')\n6 * 7", 2, {}), Step("inline", 0, "1 / 0", 8, {})]
    result = run_note(steps, str(tmp_path), "n.md")
    shown = [StreamOutput("stdout", "hi\n"), ValueOutput("42", None)]
    assert result.cell(0) == CellResult(0, shown)
    value = result.inline_value(0)
    assert value is not None and value.text is None
    assert result.error == NoteError(
        "inline expression 1 (line 8): ZeroDivisionError: division by zero", 8, None
    )
    assert NoteResult.from_json(result.to_json()) == result


def test_results_are_cached_while_their_inputs_are_unchanged(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("1,2\n", encoding="utf-8")
    cache = ResultCache(tmp_path / "cells", enabled=True)
    key = cache.key("n.md", 120.0, [Step("cell", 0, "x", 1, {}).to_json()])
    assert key != cache.key("n.md", 60.0, [Step("cell", 0, "x", 1, {}).to_json()])
    stored = sample().to_json()
    cache.put(key, stored, [str(data)], {"python": python_version(), "distributions": {}})
    found = cache.get(key)
    assert found is not None and NoteResult.from_json(found.value) == sample()
    assert found.files == [str(data)]
    assert ResultCache(tmp_path / "cells", enabled=False).get(key) is None  # --no-cache
    data.write_text("1,3\n", encoding="utf-8")
    assert cache.get(key) is None


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        # A worker starts without the Markdown parser, the templates or the build's pool.
        (
            "import hortus.cells.worker",
            ["markdown_it", "jinja2", "yaml", "pygments", "hortus.cells.pool"],
        ),
        # The façade loads a name's module on first use only.
        ("import hortus.cells", ["hortus.cells.records", "hortus.cells.claims"]),
        ("from hortus.cells import claim", ["hortus.cells.records", "numpy", "markdown_it"]),
    ],
)
def test_importing_stays_light(code: str, absent: list[str]) -> None:
    check = f"{code}\nimport sys\nprint([m for m in {absent!r} if m in sys.modules])"
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"
