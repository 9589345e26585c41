#!/usr/bin/env bash
# README command 1: install what is missing, build (release), install the Python package into the
# user site directory (so /usr/bin/python3 imports capsim without PYTHONPATH), compare the bundled
# default scenario's policies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target capsim_cli _capsim
# Debian's user site (~/.local/lib/python3.X/site-packages): no root needed, and a rebuild followed by
# this command replaces the copy. Idempotent.
cmake --install build/release --component python --prefix "$(/usr/bin/python3 -m site --user-base)" >/dev/null
./build/release/capsim compare scenarios/gpu-inference-eks.json -j 0 -o compare-out
