#!/usr/bin/env bash
# Builds the C++ baseline of the GAN-step benchmark against the same libtorch
# as the addon (Debian's, or LIBTORCH=/path).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/build"
out="$here/build/gan_step"
[ "$out" -nt "$here/gan_step.cc" ] && [ "$out" -nt "$here/../../native/src/caching_allocator.h" ] && exit 0
if [ -n "${LIBTORCH:-}" ]; then
  inc=(-I"$LIBTORCH/include" -I"$LIBTORCH/include/torch/csrc/api/include"); lib=(-L"$LIBTORCH/lib" -Wl,-rpath,"$LIBTORCH/lib")
else
  inc=(-I/usr/include/torch/csrc/api/include); lib=()
fi
echo "[bench] compiling $out (about a minute)" >&2
g++ -O2 -std=c++17 "$here/gan_step.cc" -o "$out" "${inc[@]}" "${lib[@]}" -ltorch -ltorch_cpu -lc10
