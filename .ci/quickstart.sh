#!/usr/bin/env bash
# README command 1: install what is missing, build (release), run the bundled default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target capsim_cli
./build/release/capsim run scenarios/gpu-inference-eks.json -o result.json
