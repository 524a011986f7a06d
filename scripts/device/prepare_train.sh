#!/usr/bin/env bash
# Bundles the training and benchmark entry points for the GPU machine
# (after scripts/device/prepare.sh): sharp stays external and is carried.
set -euo pipefail
cd "$(dirname "$0")/../.."
P=.scratch/device
B="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
npx esbuild src/cli/pfd.ts --bundle --platform=node --format=esm --outfile=$P/pfd.mjs --log-level=warning --external:sharp --external:hnswlib-node --banner:js="$B"
npx esbuild bench/designer_step.ts --bundle --platform=node --format=esm --outfile=$P/designer_step.mjs --log-level=warning --external:sharp --external:hnswlib-node --banner:js="$B"
du -sh $P
