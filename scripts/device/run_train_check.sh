#!/usr/bin/env bash
# Runs on the GPU machine (payload: scripts/device/prepare.sh, then
# scripts/device/prepare_train.sh): builds the addon against that machine's
# CUDA libtorch, then
#   1. bench/designer_step on CUDA, both presets, batch 64
#   2. pfd train, paper preset, on CUDA, on the carried demo world (short)
#   3. pfd eval on CUDA of that run
# Writes logs, bench JSON, samples and the report under $OUT.
set -uo pipefail
P=.scratch/device
OUT=${OUT:-/tmp/out}
. scripts/device/build_addon.sh
export PFD_TORCH_ADDON=/tmp/pfd_torch.node PFD_CACHE=/tmp/pfd-cache
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
/tmp/node $P/designer_step.mjs --device cuda --preset cpu --preset paper --batch 64 --steps 20 --warmup 3 --out designer_step_cuda 2>&1 | tee $OUT/designer_step.log
cp $P/results/designer_step_cuda.json $OUT/ 2>/dev/null
t1=$(date +%s)
rm -rf /tmp/gpurun  # a warm machine keeps the last run
/tmp/node $P/pfd.mjs train --data runs/demo/world --out /tmp/gpurun --preset paper --device cuda --iterations ${GPU_ITERS:-600} --checkpoint-every 400 --sample-every 400 2>&1 | tail -8 | tee $OUT/train.log
echo "train wall $(( $(date +%s) - t1 )) s" | tee -a $OUT/train.log
/tmp/node $P/pfd.mjs eval --run /tmp/gpurun --device cuda --out /tmp/gpurun/eval 2>&1 | grep -v "^designing\|caching\|metrics:" | tee $OUT/eval.log
mkdir -p $OUT/run && cp -r /tmp/gpurun/samples /tmp/gpurun/eval /tmp/gpurun/config.json $OUT/run/ 2>/dev/null
tail -3 /tmp/gpurun/metrics.jsonl > $OUT/run/metrics-tail.jsonl
