#!/usr/bin/env bash
# Regenerates report.png, the README's picture of the default scenario's compare report: runs
# `capsim compare` on it and photographs report.html in headless Chromium (Debian's `chromium`).
# Usage (from the repository root, after a release build): bash examples/compare-report/make_screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./build/release/capsim compare scenarios/gpu-inference-eks.json -j 0 -q -o "$out"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2600 \
  --screenshot="$PWD/examples/compare-report/report.png" "file://$out/report.html" 2>/dev/null
echo "wrote examples/compare-report/report.png"
