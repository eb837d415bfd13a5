"""CellPool: notes run in real forked processes, isolated, with limits, in parallel."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hortus.cells import CellPool, NoteJob, Step


def cell(index: int, source: str, line: int | None = None, **options: object) -> Step:
    return Step("cell", index, source, 10 * index + 2 if line is None else line, dict(options))


def job(folder: Path, *steps: Step, timeout: float = 30.0) -> NoteJob:
    return NoteJob("notes/n.md", str(folder), list(steps), timeout)


def run(pool: CellPool, note: NoteJob) -> dict:
    """The note's result, in the JSON form the worker sends and the cache keeps."""
    return pool.run(note).to_json()


@pytest.fixture(scope="module")
def pool() -> Iterator[CellPool]:
    with CellPool(jobs=2, memory_mb=512) as p:
        yield p


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_outputs_through_the_pool(pool: CellPool, tmp_path: Path) -> None:
    result = run(
        pool, job(tmp_path, cell(0, "x = 6\nprint('hi')\nx * 7"), Step("inline", 0, "x", 9, {}))
    )
    assert result["status"] == "ok", result["error"]
    assert result["cells"] == [
        {
            "index": 0,
            "outputs": [
                {"type": "stdout", "text": "hi\n"},
                {"type": "result", "text": "42", "html": None},
            ],
            "error": None,
        }
    ]
    assert result["inline"] == [{"index": 0, "text": "6", "error": None}]


def test_trivial_note_overhead(pool: CellPool, tmp_path: Path) -> None:
    trivial = job(tmp_path, cell(0, "1 + 1"))
    run(pool, trivial)  # the worker is warm from here on
    times = []
    for _ in range(30):
        start = time.perf_counter()
        result = run(pool, trivial)
        times.append(time.perf_counter() - start)
        assert result["status"] == "ok"
    median = statistics.median(times)
    print(f"\nper-note overhead (one trivial cell): median {median * 1000:.1f} ms")
    assert median < 0.05


def test_output_of_subprocesses_and_c_code_is_captured(pool: CellPool, tmp_path: Path) -> None:
    source = (
        "import os, subprocess\n"
        "os.system('echo from-shell')\n"
        "subprocess.run(['sh', '-c', 'echo to-stderr >&2'])\n"
        "os.write(1, b'raw fd\\n')\n"
    )
    result = run(pool, job(tmp_path, cell(0, source)))
    texts = {o["type"]: o["text"] for o in result["cells"][0]["outputs"]}
    assert texts["stdout"] == "from-shell\nraw fd\n"
    assert "to-stderr\n" in texts["stderr"]


def test_figures_and_set_order_identical_across_pools(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    source = (
        "import matplotlib.pyplot as plt, numpy as np\n"
        "x = np.linspace(0, 1, 20)\n"
        "plt.plot(x, x ** 2, label='square')\n"
        "plt.title('deterministic')\n"
        "plt.legend()\n"
        "print({f'k{i}' for i in range(20)})\n"
    )
    results = []
    for _ in range(2):
        with CellPool(jobs=1) as fresh:
            results.append(run(fresh, job(tmp_path, cell(0, source))))
    first, second = (r["cells"][0]["outputs"] for r in results)
    assert [o["type"] for o in first] == ["stdout", "figure"]
    assert first[1]["svg"].encode() == second[1]["svg"].encode()
    assert first[0]["text"] == second[0]["text"]  # PYTHONHASHSEED=0 in every worker


def test_sys_exit_is_an_error_not_a_crash(pool: CellPool, tmp_path: Path) -> None:
    result = run(
        pool, job(tmp_path, cell(0, "x = 1"), cell(1, "import sys\nsys.exit(3)"), cell(2, "x"))
    )
    assert result["status"] == "error"
    assert result["error"] == {"message": "cell 2 (line 13): SystemExit: 3", "line": 13, "cell": 1}
    assert len(result["cells"]) == 2


def test_os_exit_is_a_crash_naming_the_cell(pool: CellPool, tmp_path: Path) -> None:
    steps = (cell(0, "print('before')"), cell(1, "import os\nos._exit(1)"), cell(2, "1"))
    result = run(pool, job(tmp_path, *steps))
    assert result["status"] == "crash"
    assert result["error"] == {
        "message": "crashed in cell 2 (line 12): exited with code 1",
        "cell": 1,
        "line": 12,
    }
    assert result["cells"][0]["outputs"] == [{"type": "stdout", "text": "before\n"}]  # kept


def test_segfault_is_a_crash(pool: CellPool, tmp_path: Path) -> None:
    result = run(pool, job(tmp_path, cell(0, "import ctypes\nctypes.string_at(0)")))
    assert result["status"] == "crash"
    assert result["error"]["cell"] == 0
    assert "SIGSEGV" in result["error"]["message"]
    assert not list(tmp_path.glob("core*"))


def test_endless_loop_times_out_naming_the_cell(pool: CellPool, tmp_path: Path) -> None:
    start = time.monotonic()
    result = run(pool, job(tmp_path, cell(0, "x = 1"), cell(1, "while True:\n    pass"), timeout=2))
    elapsed = time.monotonic() - start
    assert result["status"] == "timeout"
    assert result["error"] == {
        "message": "timed out after 2 s in cell 2 (line 12)",
        "cell": 1,
        "line": 12,
    }
    assert 1.9 <= elapsed < 4
    assert len(result["cells"]) == 1


def test_cell_timeout_option(pool: CellPool, tmp_path: Path) -> None:
    start = time.monotonic()
    result = run(pool, job(tmp_path, cell(0, "import time\ntime.sleep(30)", timeout=1)))
    assert result["status"] == "timeout"
    assert result["error"]["message"] == "timed out after 1 s in cell 1 (line 2)"
    assert time.monotonic() - start < 3


@pytest.mark.parametrize(
    "source",
    ["import numpy as np\na = np.ones(10 * 2**30 // 8)", "b = bytearray(10 * 2**30)"],
)
def test_memory_cap(pool: CellPool, tmp_path: Path, source: str) -> None:
    pytest.importorskip("numpy")
    result = run(pool, job(tmp_path, cell(0, "x = 1"), cell(1, source)))
    assert result["status"] == "memory"
    assert (result["error"]["cell"], result["error"]["line"]) == (1, 12)
    message = result["error"]["message"]
    peak = int(message.split(" held ")[1].split(" MB")[0])
    assert 512 < peak < 1024  # stopped soon after it passed the cap, long before 10 GB
    assert message == (
        f"stopped in cell 2 (line 12): its processes held {peak} MB of memory, more than the "
        "512 MB a note may hold (raise `cell-memory-mb` in [tool.hortus] for every note, "
        "or `cell-memory-mb:` in this note's frontmatter)"
    )


def test_no_process_outlives_its_note(pool: CellPool, tmp_path: Path) -> None:
    source = (
        "import os, subprocess, sys, time\n"
        "p = subprocess.Popen(['sleep', '100'])\n"
        # A new session escapes the note's process group; the worker still finds it.
        'escape = \'import os, time; os.setsid(); open("ready", "w").close(); time.sleep(100)\'\n'
        "q = subprocess.Popen([sys.executable, '-c', escape])\n"
        "while not os.path.exists('ready'):\n"
        "    time.sleep(0.01)\n"
        "print(p.pid, q.pid)\n"
    )
    result = run(pool, job(tmp_path, cell(0, source), timeout=20))
    assert result["status"] == "ok", result["error"]
    pids = [int(p) for p in result["cells"][0]["outputs"][0]["text"].split()]
    deadline = time.monotonic() + 2
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(alive(pid) for pid in pids)


def test_processes_killed_on_timeout(pool: CellPool, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    source = (
        f"import subprocess, time\np = subprocess.Popen(['sleep', '100'])\n"
        f"open({str(marker)!r}, 'w').write(str(p.pid))\ntime.sleep(100)"
    )
    result = run(pool, job(tmp_path, cell(0, source), timeout=1))
    assert result["status"] == "timeout"
    pid = int(marker.read_text())
    time.sleep(0.1)
    assert not alive(pid)


def test_files_opened_for_reading_are_listed(pool: CellPool, tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("41\n", encoding="utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "more.txt").write_text("1\n", encoding="utf-8")
    source = (
        "x = int(open('data.txt').read()) + 1\n"
        "import os\nwith open(os.path.join('elsewhere', 'more.txt'), 'rb') as f:\n    f.read()\n"
    )
    result = run(pool, job(tmp_path, cell(0, source), cell(1, "import numpy\nx")))
    assert result["status"] == "ok", result["error"]
    assert result["files"] == [str(tmp_path / "data.txt"), str(other / "more.txt")]


def test_map_runs_notes_in_parallel_in_order(pool: CellPool, tmp_path: Path) -> None:
    pool.map([job(tmp_path, cell(0, "1"))] * 2)  # both workers started
    jobs = [job(tmp_path, cell(0, f"import time\ntime.sleep(1)\n{i}")) for i in range(2)]
    start = time.monotonic()
    results = pool.map(jobs)
    elapsed = time.monotonic() - start
    assert [r.cells[0].outputs[0].text for r in results] == ["0", "1"]
    assert elapsed < 1.6


def test_a_note_that_kills_its_worker_does_not_stop_the_pool(tmp_path: Path) -> None:
    with CellPool(jobs=1) as p:
        result = run(p, job(tmp_path, cell(0, "import os, signal\nos.kill(os.getppid(), 9)")))
        assert result["status"] == "crash"
        assert "worker" in result["error"]["message"]
        after = run(p, job(tmp_path, cell(0, "2 + 2")))
        assert after["status"] == "ok"
        assert after["cells"][0]["outputs"][0]["text"] == "4"


def test_a_cell_that_forks_does_not_run_the_note_twice(pool: CellPool, tmp_path: Path) -> None:
    source = "import os\npid = os.fork()\nif pid == 0:\n    print('child')\n"
    result = run(pool, job(tmp_path, cell(0, source), cell(1, "print('once')")))
    assert result["status"] == "ok", result["error"]
    assert result["cells"][1]["outputs"] == [{"type": "stdout", "text": "once\n"}]


def test_worker_environment(pool: CellPool, tmp_path: Path) -> None:
    source = (
        "import os\nprint(os.environ['PYTHONHASHSEED'], os.getcwd(), os.getpgrp() == os.getpid())"
    )
    result = run(pool, job(tmp_path, cell(0, source)))
    assert result["cells"][0]["outputs"][0]["text"] == f"0 {tmp_path} True\n"
    assert os.getcwd() != str(tmp_path)


def test_process_cap_reaches_the_note(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # As root the cap is not set (root ignores RLIMIT_NPROC); force one to see it applied.
    monkeypatch.setattr("hortus.cells.pool.user_process_cap", lambda: 4000)
    source = (
        "import resource, subprocess\n"
        "print(resource.getrlimit(resource.RLIMIT_NPROC)[0])\n"
        "_ = subprocess.run(['true'], check=True)\n"
    )
    with CellPool(jobs=1) as p:
        result = run(p, job(tmp_path, cell(0, source)))
    assert result["status"] == "ok", result["error"]
    assert result["cells"][0]["outputs"] == [{"type": "stdout", "text": "4000\n"}]
