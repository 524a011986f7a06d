#!/usr/bin/env bash
# Runs on the GPU machine (see scripts/device/prepare.sh for the payload):
# 1. Python safetensors interop; 2. the addon built against that machine's
# CUDA PyTorch (its libtorch) with plain g++; 3. the CUDA smoke test.
set -uo pipefail
P=.scratch/device
OUT=${OUT:-/tmp/out}
python3 scripts/device/check_safetensors.py $P/net.safetensors $P/expected.safetensors 2>&1 | tee $OUT/safetensors.log
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$P/node.xz'), open('/tmp/node','wb'))" && chmod +x /tmp/node
/tmp/node --version
TORCH=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
echo "torch at $TORCH: $(python3 -c 'import torch; print(torch.__version__, torch.cuda.is_available(), torch._C._GLIBCXX_USE_CXX11_ABI)')"
ABI=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
build() {
  g++ -shared -fPIC -O2 -std=$1 -D_GLIBCXX_USE_CXX11_ABI=$ABI -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED \
    -I$P/node/include/node -I$P/node-addon-api -I$TORCH/include -I$TORCH/include/torch/csrc/api/include \
    native/src/*.cc -o /tmp/pfd_torch.node -L$TORCH/lib -Wl,-rpath,$TORCH/lib -Wl,--no-as-needed \
    -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -Wl,--as-needed -Wno-deprecated-declarations 2>&1 | grep -E "error|Error" | head -30
  test -f /tmp/pfd_torch.node
}
t0=$(date +%s)
build c++17 || { echo "c++17 build failed, trying c++20"; build c++20; } || { echo "ADDON_BUILD FAILED"; exit 1; }
echo "addon built in $(( $(date +%s) - t0 )) s"
PFD_TORCH_ADDON=/tmp/pfd_torch.node /tmp/node $P/cuda_smoke.mjs 2>&1 | tee $OUT/cuda.log
