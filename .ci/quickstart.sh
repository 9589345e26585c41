#!/usr/bin/env bash
# README command 1: install what is missing, build (release), compare the bundled default scenario's policies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target capsim_cli
./build/release/capsim compare scenarios/gpu-inference-eks.json -j 0 -o compare-out
