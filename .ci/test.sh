#!/usr/bin/env bash
# README command 2: install what is missing, build everything (release), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
