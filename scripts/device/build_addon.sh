# Sourced by the GPU-machine scripts: unpacks the carried node to /tmp/node and
# builds the addon against that machine's CUDA PyTorch (its libtorch) with
# plain g++ into /tmp/pfd_torch.node (c++17, else c++20). Needs P set.
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
