// Writes a checkpoint of the conformance net (as saveModule writes it) and the
// outputs TypeScript computes from it, for check_safetensors.py to verify in PyTorch.
//   npx tsx scripts/device/make_interop_files.ts OUT_DIR
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { Net } from '../../test/nn/conformance_net.js';

const out = process.argv[2] ?? '.scratch/device';
mkdirSync(out, { recursive: true });
T.manualSeed(3);
const net = new Net();
T.tidy(() => {
  net.forward(T.randn([4, 8]), T.tensor([0, 1, 2, 3], { dtype: 'int64' }));
}); // non-trivial BN stats
net.eval();
nn.saveModule(net, path.join(out, 'net.safetensors'));
T.tidy(() => {
  const z = T.randn([3, 8]),
    user = T.tensor([2, 0, 3], { dtype: 'int64' });
  const [img, score] = T.noGrad(() => net.forward(z, user));
  T.saveTensors(path.join(out, 'expected.safetensors'), { z, user, img, score });
});
console.log(`wrote ${out}/net.safetensors and expected.safetensors`);
