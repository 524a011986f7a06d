#!/usr/bin/env bash
# Runs on the GPU machine (see scripts/device/prepare.sh for the payload):
# 1. Python safetensors interop; 2. the addon built against that machine's
# CUDA PyTorch (its libtorch) with plain g++; 3. the CUDA smoke test.
set -uo pipefail
P=.scratch/device
OUT=${OUT:-/tmp/out}
python3 scripts/device/check_safetensors.py $P/net.safetensors $P/expected.safetensors 2>&1 | tee $OUT/safetensors.log
. scripts/device/build_addon.sh
PFD_TORCH_ADDON=/tmp/pfd_torch.node /tmp/node $P/cuda_smoke.mjs 2>&1 | tee $OUT/cuda.log
