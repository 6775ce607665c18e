#!/usr/bin/env bash
# Installs the Debian 12 packages fieldflow builds and runs with; skips what is present.
#   scripts/install-deps.sh          build, test and demo dependencies, and the Python side (the
#                                    fieldflow package in python/, its pytest suite, the PyTorch
#                                    example and peers, the reference vectors): Debian's python3-*
#                                    packages for /usr/bin/python3
#   scripts/install-deps.sh --fuzz   also clang and libFuzzer (bench/fuzz; the normal build stays gcc)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  petsc-dev libmetis-dev libvtk9-dev libcunit1-dev libopenblas-dev
  libhdf5-openmpi-dev openmpi-bin libopenmpi-dev zlib1g-dev
  libjson-c-dev libcairo2-dev fonts-dejavu-core libsleef-dev
  gmsh
  python3-numpy python3-h5py python3-pytest python3-torch
)
if [[ "${1:-}" == "--fuzz" ]]; then
  # clang-14 with its runtime libraries (libFuzzer, ASan, UBSan) and its OpenMP
  packages+=(clang-14 libclang-rt-14-dev libomp-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
