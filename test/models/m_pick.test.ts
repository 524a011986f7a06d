// M's pick (m_pick.ts): the pool item the compatibility model ranks first for each row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { Designer } from '../../src/models/designer.js';
import { mPicks } from '../../src/models/m_pick.js';
import { TINY_MODEL } from '../train/fixtures.js';

test('mPicks: for every row, the argmax of s_u(q, c) over the pool, as scoring each pair one by one finds; users change the pick', () => {
  T.manualSeed(5);
  const model = new Designer({ ...TINY_MODEL, users: 4, userCond: 'vector', targets: ['bottom'] });
  const live = T.liveTensors();
  T.tidy(() => {
    const L = TINY_MODEL.encoder.latent,
      B = 6,
      P = 9;
    const zq = T.randn([B, L]),
      pool = T.randn([P, L]);
    const bruteForce = (users: number[]) =>
      users.map((u, i) => {
        const s = Array.from({ length: P }, (_, j) =>
          model.score(T.tensor([u], { dtype: 'int64' }), T.narrow(zq, 0, i, 1), T.narrow(pool, 0, j, 1)).item(),
        );
        return s.indexOf(Math.max(...s));
      });
    const seen = new Set<string>();
    for (const users of [
      [0, 1, 2, 3, 0, 1],
      [3, 3, 3, 3, 3, 3],
      [1, 0, 3, 2, 2, 0],
    ]) {
      const picks = mPicks(model, T.tensor(users, { dtype: 'int64' }), zq, pool).toArray();
      assert.deepEqual(picks, bruteForce(users), `users ${users}`);
      seen.add(picks.join(','));
    }
    assert.ok(seen.size > 1, 'the users change what M picks');
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  model.dispose();
});
