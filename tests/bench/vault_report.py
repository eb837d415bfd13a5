"""Build a real vault with every note published and report what a reader would notice.

    python tests/bench/vault_report.py VAULT_DIR [VAULT_DIR ...]

Per vault: notes, build seconds, formulas typeset / total, raw TeX or `$$` left in visible
text, internal links and images that do not point at a file of the output, warnings by kind.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.refs: list[str] = []
        self.hidden = 0
        self.stack: list[bool] = []
        self.katex = 0
        self.errors = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("a", "link") and a.get("href") and a.get("rel") != "canonical":
            self.refs.append(a["href"] or "")
        if tag in ("img", "script", "audio", "video", "iframe", "source") and a.get("src"):
            self.refs.append(a["src"] or "")
        if tag in ("img", "br", "meta", "link", "input", "hr", "source", "col"):
            return
        self.katex += "katex" in classes
        self.errors += "math-error" in classes
        hides = tag in ("script", "style", "annotation", "head", "code", "pre") or (
            "katex-mathml" in classes or "math-error" in classes
        )
        self.stack.append(hides)
        self.hidden += hides

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.hidden -= self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


def report(vault: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "pyproject.toml").write_text('[tool.hortus]\npublish = "all"\n', "utf-8")
        out = project / "public"
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "hortus", "build", "--notes", str(vault), "--out", str(out)],
            cwd=project,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        seconds = time.perf_counter() - start
        report = project / ".hortus" / "report.json"
        rows = json.loads(report.read_text("utf-8")) if report.is_file() else []
        kinds = Counter(row["kind"] for row in rows)
        summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        print(f"== {vault}  exit {proc.returncode}  {seconds:.2f} s")
        print(f"   {summary}")
        if "Traceback" in proc.stderr:
            print(proc.stderr[-3000:])
        if proc.returncode != 0:
            print(proc.stderr[-2000:])
            return
        katex = errors = raw = 0
        broken: list[tuple[str, str]] = []
        pages = sorted(out.rglob("*.html"))
        for page in pages:
            scan = PageScan()
            scan.feed(page.read_text(encoding="utf-8"))
            katex += scan.katex
            errors += scan.errors
            text = "".join(scan.text)
            raw += len(re.findall(r"\$\$|\\begin\{|\\frac\{", text))
            for ref in scan.refs:
                parts = urlsplit(ref)
                if parts.scheme or ref.startswith(("#", "//", "mailto:", "data:")):
                    continue
                base = out if ref.startswith("/") else page.parent
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    broken.append((str(page.relative_to(out)), ref))
        total = katex + errors
        share = 100 * katex / total if total else 100.0
        print(f"   pages {len(pages)}, formulas typeset {katex}/{total} ({share:.2f} %)")
        print(f"   raw $$, \\begin{{ or \\frac{{ in visible text: {raw}")
        print(f"   internal links/images not pointing at an output file: {len(broken)}")
        for page, ref in broken[:5]:
            print(f"      {page}: {ref}")
        print(f"   warnings by kind: {dict(kinds.most_common())}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        report(Path(arg).resolve())
