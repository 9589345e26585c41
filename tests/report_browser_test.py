#!/usr/bin/env python3
"""The compare report in a real browser: `capsim compare` writes report.html, headless Chromium opens it.

Usage: report_browser_test.py CAPSIM SOURCE_DIR [WORK_DIR]
       report_browser_test.py --html FILE [WORK_DIR]

Runs `capsim compare tests/data/scenarios/compare_ladder.json -o WORK_DIR` and opens WORK_DIR/report.html
in Debian's headless chromium (a declared test dependency: the test fails, saying so, without it):
- every chart (each data-chart id) is in the rendered DOM, with at least one drawn element inside;
- chromium logged no console error and no uncaught exception (the page has no script, so any would
  be a broken page), and no failed load (the page must fetch nothing);
- a screenshot (1400 × 3000) is saved to WORK_DIR/report.png and its path printed, for a person to look at.
WORK_DIR defaults to a fresh temporary folder. With --html the page is FILE and capsim is not run.
"""
import argparse
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile
import time

SCENARIO = "tests/data/scenarios/compare_ladder.json"
CHARTS = ["demand-capacity", "cumulative-cost", "cost-breakdown", "ladder", "cost-distribution", "cost-risk", "timeline"]
DRAWN = {"path", "rect", "circle", "line", "polyline", "polygon", "ellipse"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
TIMEOUT_S = 40


class Charts(html.parser.HTMLParser):
    """Counts the drawn elements inside each <svg data-chart="...">."""

    def __init__(self):
        super().__init__()
        self.current = None
        self.drawn = {}  # chart id -> drawn elements
        self.seen = []   # chart ids in page order (twice if drawn twice)
        self.loads = []  # what the page would fetch: src, href (other than #anchors), xlink:href

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href", "xlink:href", "srcset", "data", "poster"):
            if a.get(k) and not (k.endswith("href") and a[k].startswith("#")):
                self.loads.append(f"<{tag} {k}=\"{a[k]}\">")
        if tag == "svg" and "data-chart" in a:
            self.current = a["data-chart"]
            self.seen.append(self.current)
            self.drawn.setdefault(self.current, 0)
        elif self.current and tag in DRAWN:
            self.drawn[self.current] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def chromium(exe, profile, page, *extra):
    """Runs chromium on the page; returns (stdout, stderr)."""
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, "file://" + os.path.abspath(page)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: chromium did not finish within {TIMEOUT_S} s: {' '.join(cmd)}")
    if r.returncode != 0:
        sys.exit(f"FAIL: chromium exited with {r.returncode}: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r.stdout, r.stderr


def console_problems(stderr):
    """Chromium's console lines that report an error, an uncaught exception or a failed load."""
    out = []
    for line in stderr.splitlines():
        low = line.lower()
        if ("console" in low and ("error" in low or "failed to load" in low)) or "uncaught" in low:
            out.append(line)
    return out


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--html", help="check this page instead of running capsim")
    ap.add_argument("rest", nargs="*", help="CAPSIM SOURCE_DIR [WORK_DIR], or with --html: [WORK_DIR]")
    a = ap.parse_args()
    page = a.html
    if (page is None and len(a.rest) not in (2, 3)) or (page is not None and len(a.rest) > 1):
        sys.exit(__doc__)
    work_arg = a.rest[-1] if len(a.rest) == (1 if page else 3) else None
    started = time.monotonic()
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if exe is None:
        sys.exit("FAIL: chromium not found (on PATH or at /usr/bin/chromium). The report's browser test needs Debian's "
                 "'chromium' package, a declared test dependency: apt-get install chromium")
    work = work_arg or tempfile.mkdtemp(prefix="capsim-report-")
    os.makedirs(work, exist_ok=True)
    for old in ("report.html", "report.png"):
        if os.path.exists(os.path.join(work, old)) and page is None:
            os.remove(os.path.join(work, old))

    if page is None:
        capsim, source = a.rest[0], a.rest[1]
        cmd = [capsim, "compare", os.path.join(source, SCENARIO), "-o", work, "-q"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
        if r.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)} exited with {r.returncode}\n{r.stderr}")
        page = os.path.join(work, "report.html")
        if not os.path.exists(page):
            sys.exit(f"FAIL: `capsim compare ... -o {work}` wrote no report.html beside result.json "
                     "(the CLI writes it with render_report_html, report/html_report.hpp)")

    text = open(page, encoding="utf-8").read()
    problems = [f"the page names an address outside it: {w}" for w in ("http://", "https://") if w in text]

    profile = os.path.join(work, "chromium-profile")
    dom, log = chromium(exe, profile, page, "--dump-dom")
    charts = Charts()
    charts.feed(dom)
    for c in CHARTS:
        n = charts.seen.count(c)
        if n != 1:
            problems.append(f"chart '{c}' is in the rendered DOM {n} times (expected once)")
        elif charts.drawn[c] == 0:
            problems.append(f"chart '{c}' has no drawn element (path, rect, circle, line, polyline)")
    problems += [f"the page would fetch {x}: it must be self-contained" for x in charts.loads]
    problems += [f"console: {line}" for line in console_problems(log)]

    shot = os.path.join(work, "report.png")
    _, log = chromium(exe, profile, page, f"--screenshot={shot}", "--window-size=1400,3000")
    problems += [f"console (screenshot run): {line}" for line in console_problems(log)]
    if not os.path.exists(shot) or os.path.getsize(shot) < 10_000:
        problems.append(f"no screenshot at {shot} (or an empty one)")
    shutil.rmtree(profile, ignore_errors=True)

    print(f"report: {page}")
    print(f"screenshot: {shot}")
    for c in CHARTS:
        print(f"  {c}: {charts.drawn.get(c, 0)} drawn elements")
    for p in problems:
        print("FAIL: " + p)
    print(f"report browser test: {len(CHARTS)} charts, {'no problem' if not problems else f'{len(problems)} problem(s)'}, "
          f"{time.monotonic() - started:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
