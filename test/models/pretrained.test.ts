// The shipped pretrained model (pretrained/demo-cpu): it loads, and it designs a
// different item for different queries and for different users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '../../src/torch/index.js';
import { openRun } from '../../src/run/trained_model.js';
import { ssim } from '../../src/eval/ssim.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pretrained', 'demo-cpu');

test('pretrained/demo-cpu loads and designs per query and per user', () => {
  assert.ok(existsSync(path.join(dir, 'model.safetensors')), `${dir}/model.safetensors is shipped with the repository`);
  const trained = openRun(dir, 'cpu', 'fp32');
  assert.equal(trained.config.preset, 'cpu');
  assert.equal(trained.users.length, 24, "the demo world's users");
  assert.deepEqual([...trained.model.config.targets].sort(), ['bottom', 'top']);
  T.tidy(() => {
    // Two plain tops of very different colours (as the world renders them: a garment on white).
    const top = (rgb: [number, number, number]) => {
      const img = T.ones([1, 3, 64, 64]); // white
      const c = T.reshape(T.tensor(rgb.map((v) => v / 127.5 - 1)), [1, 3, 1, 1]);
      const mask = T.zeros([1, 1, 64, 64]);
      T.noGrad(() => T.fill_(T.narrow(T.narrow(mask, 2, 12, 40), 3, 14, 36), 1));
      return T.add(T.mul(img, T.sub(T.onesLike(mask), mask)), T.mul(c, mask));
    };
    const q = T.cat([top([200, 30, 30]), top([30, 30, 200]), top([200, 30, 30]), top([30, 30, 200])]);
    const users = T.tensor([0, 0, 7, 7], { dtype: 'int64' });
    const d = trained.model.design(q, users, 'bottom'); // [4, 3, 64, 64]
    assert.deepEqual(d.shape, [4, 3, 64, 64]);
    assert.ok(T.tidy(() => T.max(T.abs(d)).item()) <= 1, 'tanh range');
    const s = ssim(d, T.indexSelect(d, 0, T.tensor([1, 0, 3, 2], { dtype: 'int64' })), 2).toArray(); // same user, other query
    const u = ssim(d, T.indexSelect(d, 0, T.tensor([2, 3, 0, 1], { dtype: 'int64' })), 2).toArray(); // same query, other user
    assert.ok(Math.max(...s) < 0.98, `designs change with the query (SSIM ${s.map((x) => x.toFixed(3))})`);
    assert.ok(Math.max(...u) < 0.98, `designs change with the user (SSIM ${u.map((x) => x.toFixed(3))})`);
  });
  trained.dispose();
});
