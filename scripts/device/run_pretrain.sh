#!/usr/bin/env bash
# Runs on the GPU machine (payload: scripts/device/prepare.sh, then
# scripts/device/prepare_train.sh; carry .scratch/device and runs/demo/world,
# and unpack sharp first: `tar -xJf .scratch/device/sharp.tar.xz`): builds the
# addon against that machine's CUDA libtorch, then
#   1. bench/designer_step on CUDA, cpu preset, fp32 vs bf16 (the same flag as on CPU)
#   2. up to four `pfd train` runs on the carried demo world side by side (the
#      small cpu-preset nets leave the GPU mostly idle, so each runs at nearly
#      full speed), each for GPU_MINUTES at most and ITERATIONS (the schedule
#      that --lr-decay follows), a light evaluation every EVAL_EVERY and a sample
#      grid every SAMPLE_EVERY iterations, with the flags in RUN_A .. RUN_D
# and returns each run (without its resume checkpoints) as $OUT/run-X.tgz.
set -uo pipefail
P=.scratch/device
OUT=${OUT:-/tmp/out}
. scripts/device/build_addon.sh
export PFD_TORCH_ADDON=/tmp/pfd_torch.node PFD_CACHE=/tmp/pfd-cache PFD_THREADS=4
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
[ -n "${SKIP_BENCH:-}" ] || timeout 100 /tmp/node $P/designer_step.mjs --device cuda --preset cpu --batch 32 --tasks 2 --precision fp32 --precision bf16 --steps 20 --out designer_step_cuda_precision 2>&1 | tail -8 | tee $OUT/designer_step.log
cp $P/results/designer_step_cuda_precision.json $OUT/ 2>/dev/null
t1=$(date +%s)
for X in A B C D; do
  V=RUN_$X; FLAGS=${!V:-}
  [ -z "$FLAGS" ] && continue
  rm -rf /tmp/gpurun-$X
  (/tmp/node $P/pfd.mjs train --data runs/demo/world --out /tmp/gpurun-$X --preset cpu --device cuda --minutes ${GPU_MINUTES:-6} --iterations ${ITERATIONS:-100000} \
    --checkpoint-every 100000 --sample-every ${SAMPLE_EVERY:-2000} --eval-every ${EVAL_EVERY:-500} $FLAGS > /tmp/train-$X.log 2>&1; echo "exit $?" >> /tmp/train-$X.log) &
done
wait
echo "train wall $(( $(date +%s) - t1 )) s"
for X in A B C D; do
  [ -f /tmp/train-$X.log ] || continue
  V=RUN_$X; echo "== run $X: ${!V:-}"; grep -v "^  iteration" /tmp/train-$X.log | tail -8
  cp /tmp/train-$X.log /tmp/gpurun-$X/train.log 2>/dev/null
  tar -C /tmp/gpurun-$X --exclude ./checkpoints -czf $OUT/run-$X.tgz . 2>/dev/null
done
ls -la $OUT
