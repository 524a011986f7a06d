#!/usr/bin/env bash
# Bundles the training and benchmark entry points for the GPU machine
# (after scripts/device/prepare.sh): sharp stays external and travels as
# $P/sharp.tar.xz (sharp, its libvips and its two dependencies; 7 MB instead of
# 20, so that the tree, node and the demo world fit the 64 MiB a call carries).
set -euo pipefail
cd "$(dirname "$0")/../.."
P=.scratch/device
B="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
npx esbuild src/cli/pfd.ts --bundle --platform=node --format=esm --outfile=$P/pfd.mjs --log-level=warning --external:sharp --external:hnswlib-node --banner:js="$B"
npx esbuild bench/designer_step.ts --bundle --platform=node --format=esm --outfile=$P/designer_step.mjs --log-level=warning --external:sharp --external:hnswlib-node --banner:js="$B"
tar -cf - node_modules/sharp node_modules/@img node_modules/detect-libc node_modules/semver | xz -T2 -6 > $P/sharp.tar.xz
du -sh $P
