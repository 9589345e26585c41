#!/usr/bin/env bash
# Installs the Debian 12 packages capsim needs, only those missing (idempotent). Runs apt as root,
# or through sudo when not root.
set -euo pipefail
packages=(cmake g++ ninja-build ccache pkg-config
          nlohmann-json3-dev doctest-dev libbenchmark-dev libcli11-dev libfmt-dev libhowardhinnant-date-dev
          python3 python3-dev pybind11-dev python3-numpy python3-pytest python3-jsonschema python3-simpy python3-pandas python3-matplotlib
          python3-nbclient python3-ipykernel python3-distributed tzdata
          libboost-math-dev libboost-graph-dev libeigen3-dev libyaml-cpp-dev chromium
          clang-14 libclang-rt-14-dev)  # the asan preset: sanitizers and libFuzzer; simpy: the request bench's baseline;
                                  # Boost.Math: compare's t and normal quantiles;
                                  # Boost.Graph: batch jobs' task DAGs (order, critical path, cycles);
                                  # Eigen: the spend forecast's least squares;
                                  # chromium: the compare report's browser test (headless);
                                  # pandas: the bill and results as DataFrames (capsim.billing_frame);
                                  # matplotlib: capsim.plot; nbclient and ipykernel: the notebook test;
                                  # distributed: sweeps on a Dask cluster (capsim.sweep(client=...), capsim sweep --dask);
                                  # yaml-cpp: Kubernetes manifests
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "capsim: all build dependencies are installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "capsim: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
