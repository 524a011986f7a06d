# Sourced by the GPU-machine scripts: unpacks the carried node to /tmp/node and
# builds the addon against that machine's CUDA PyTorch (its libtorch) with
# plain g++ into /tmp/pfd_torch.node (c++17, else c++20), one compiler per
# source file in parallel. Needs P set.
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$P/node.xz'), open('/tmp/node','wb'))" && chmod +x /tmp/node
/tmp/node --version
TORCH=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
echo "torch at $TORCH: $(python3 -c 'import torch; print(torch.__version__, torch.cuda.is_available(), torch._C._GLIBCXX_USE_CXX11_ABI)')"
ABI=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
# The Gloo process group (native/src/distributed.cc) only where libtorch ships
# Gloo's headers (Debian's does; PyTorch's wheels do not).
SRCS=$(ls native/src/*.cc); DIST=
if [ -f $TORCH/include/gloo/algorithm.h ]; then DIST=-DPFD_WITH_DIST; else SRCS=$(ls native/src/*.cc | grep -v distributed.cc); echo "no Gloo headers: building without distributed.cc"; fi
build() {
  rm -rf /tmp/pfd_obj && mkdir -p /tmp/pfd_obj
  local pids=()
  for f in $SRCS; do
    g++ -c -fPIC -O2 -std=$1 -D_GLIBCXX_USE_CXX11_ABI=$ABI -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED $DIST \
      -I$P/node/include/node -I$P/node-addon-api -I$TORCH/include -I$TORCH/include/torch/csrc/api/include -Wno-deprecated-declarations \
      "$f" -o /tmp/pfd_obj/$(basename "$f" .cc).o 2>/tmp/pfd_obj/$(basename "$f" .cc).err &
    pids+=($!)
  done
  local ok=0
  for p in "${pids[@]}"; do wait "$p" || ok=1; done
  if [ $ok -ne 0 ]; then grep -h -E "error" /tmp/pfd_obj/*.err | head -30; return 1; fi
  g++ -shared /tmp/pfd_obj/*.o -o /tmp/pfd_torch.node -L$TORCH/lib -Wl,-rpath,$TORCH/lib -Wl,--no-as-needed \
    -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -Wl,--as-needed
  test -f /tmp/pfd_torch.node
}
t0=$(date +%s)
build c++17 || { echo "c++17 build failed, trying c++20"; build c++20; } || { echo "ADDON_BUILD FAILED"; exit 1; }
echo "addon built in $(( $(date +%s) - t0 )) s"
