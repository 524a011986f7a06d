#!/usr/bin/env bash
# Prepares .scratch/device (ignored by git, carried to the GPU machine):
# node (xz), Node's headers, node-addon-api, the bundled CUDA smoke test,
# and the interop checkpoint written by TypeScript.
set -euo pipefail
cd "$(dirname "$0")/../.."
P=.scratch/device
mkdir -p $P/node/include
[ -f $P/node.xz ] || xz -T2 -6 -c "$(command -v node)" > $P/node.xz
rm -rf $P/node/include/node $P/node-addon-api
mkdir -p $P/node/include/node
for h in node_api.h node_api_types.h js_native_api.h js_native_api_types.h; do cp "$(dirname "$(command -v node)")/../include/node/$h" $P/node/include/node/; done
cp -r node_modules/node-addon-api $P/node-addon-api
npx esbuild scripts/device/cuda_smoke.ts --bundle --platform=node --format=esm --outfile=$P/cuda_smoke.mjs --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
npx tsx scripts/device/make_interop_files.ts $P
du -sh $P
