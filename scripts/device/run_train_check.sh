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
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$P/node.xz'), open('/tmp/node','wb'))" && chmod +x /tmp/node
TORCH=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
ABI=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
t0=$(date +%s)
g++ -shared -fPIC -O2 -std=c++17 -D_GLIBCXX_USE_CXX11_ABI=$ABI -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED \
  -I$P/node/include/node -I$P/node-addon-api -I$TORCH/include -I$TORCH/include/torch/csrc/api/include \
  native/src/*.cc -o /tmp/pfd_torch.node -L$TORCH/lib -Wl,-rpath,$TORCH/lib -Wl,--no-as-needed \
  -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -Wl,--as-needed -Wno-deprecated-declarations 2>&1 | grep -E "error" | head -20
test -f /tmp/pfd_torch.node || { echo "ADDON_BUILD FAILED"; exit 1; }
echo "addon built in $(( $(date +%s) - t0 )) s"
export PFD_TORCH_ADDON=/tmp/pfd_torch.node PFD_CACHE=/tmp/pfd-cache
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
/tmp/node $P/designer_step.mjs --device cuda --preset cpu --preset paper --batch 64 --steps 20 --warmup 3 --out designer_step_cuda 2>&1 | tee $OUT/designer_step.log
cp $P/results/designer_step_cuda.json $OUT/ 2>/dev/null
t1=$(date +%s)
/tmp/node $P/pfd.mjs train --data runs/demo/world --out /tmp/gpurun --preset paper --device cuda --iterations ${GPU_ITERS:-600} --checkpoint-every 400 --sample-every 400 2>&1 | tail -8 | tee $OUT/train.log
echo "train wall $(( $(date +%s) - t1 )) s" | tee -a $OUT/train.log
/tmp/node $P/pfd.mjs eval --run /tmp/gpurun --device cuda --out /tmp/gpurun/eval 2>&1 | grep -v "^designing\|caching\|metrics:" | tee $OUT/eval.log
mkdir -p $OUT/run && cp -r /tmp/gpurun/samples /tmp/gpurun/eval /tmp/gpurun/config.json $OUT/run/ 2>/dev/null
tail -3 /tmp/gpurun/metrics.jsonl > $OUT/run/metrics-tail.jsonl
