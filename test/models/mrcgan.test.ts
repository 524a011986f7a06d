// MrCGAN: prototypes and the projected compatibility distance by hand, and its
// two phases (projection embedding first, then the metric-regularized GAN with
// the embedding fixed), each moving only its own networks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { MrCgan, unit } from '../../src/models/baselines/mrcgan.js';
import { modelDefinition } from '../../src/train/models.js';
import { PROJECTION_ITERATIONS } from '../../src/train/mrcgan_step.js';
import { tinyConfig, tinyWorld, TINY_MODEL } from '../train/fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorld();
});

test('prototypes are unit vectors [B, K, d]; the distance is the soft minimum over the family', () => {
  T.tidy(() => {
    const m = new MrCgan({ targets: ['bottom'], users: 1, nets: TINY_MODEL, prototypes: 3, noise: 4 });
    const q = unit(T.randn([2, TINY_MODEL.encoder.latent])),
      c = unit(T.randn([2, TINY_MODEL.encoder.latent]));
    const p = m.prototypes('bottom', q);
    assert.deepEqual(p.shape, [2, 3, TINY_MODEL.encoder.latent]);
    assert.ok(T.allclose(T.norm(p, 2, -1), T.ones([2, 3]), 1e-5, 1e-5));
    const d = m.distance('bottom', q, c).toArray();
    const pd = p.toArray(),
      cd = c.toArray(),
      dim = TINY_MODEL.encoder.latent;
    for (let b = 0; b < 2; b++) {
      const ds = [0, 1, 2].map((k) => {
        let s = 0;
        for (let i = 0; i < dim; i++) s += (pd[(b * 3 + k) * dim + i]! - cd[b * dim + i]!) ** 2;
        return s;
      });
      const soft = -0.1 * Math.log(ds.reduce((a, x) => a + Math.exp(-10 * x), 0));
      assert.ok(Math.abs(d[b]! - soft) < 1e-4, `${d[b]} vs ${soft}`);
      assert.ok(d[b]! <= Math.min(...ds) + 1e-6);
    }
    const x = m.design(T.sub(T.mul(T.rand([2, 3, 64, 64]), 2), 1), T.tensor([0, 0], { dtype: 'int64' }), 'bottom');
    assert.deepEqual(x.shape, [2, 3, 64, 64]);
    m.dispose();
  });
});

test('the GAN phase moves G and D only (the embedding and projections stay fixed); no live tensors left', () => {
  const config = tinyConfig(world, { method: 'mrcgan', task: 'top2bottom' });
  const def = modelDefinition('mrcgan');
  const model = def.build(config, 4) as MrCgan;
  const opt = def.optimizers(model, config);
  const img = () => T.keep(T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1));
  const b = {
    target: 'bottom' as const,
    users: T.keep(T.tensor([0, 1, 2, 3], { dtype: 'int64' })),
    query: img(),
    positive: img(),
    negQuery: img(),
    negComplement: img(),
  };
  const at = PROJECTION_ITERATIONS.cpu;
  const before = new Map(model.namedParameters().map(([n, p]) => [n, T.keep(p.clone())] as const));
  const r = T.tidy(() => def.step(model, opt, [b], config, at));
  assert.equal(r.phase, 'mrcgan-gan');
  for (const k of ['L_D', 'L_G', 'L_G_adv', 'L_mr']) assert.ok(Number.isFinite(r.losses[k]), k);
  const moved = T.tidy(() =>
    model
      .namedParameters()
      .filter(([n, p]) => !T.equal(p, before.get(n)!))
      .map(([n]) => n),
  );
  assert.ok(moved.some((n) => n.startsWith('gen_bottom.')) && moved.some((n) => n.startsWith('disc_bottom.')));
  assert.deepEqual(
    moved.filter((n) => !n.startsWith('gen_bottom.') && !n.startsWith('disc_bottom.')),
    [],
  );
  assert.equal(T.tidy(() => def.step(model, opt, [b], config, at - 1)).phase, 'mrcgan-projection');
  const live = T.liveTensors();
  T.tidy(() => def.step(model, opt, [b], config, at + 1));
  assert.equal(T.liveTensors(), live);
  T.dispose([...before.values(), ...Object.values(b).filter((x): x is T.Tensor => x instanceof T.Tensor)]);
  for (const [, o] of opt.named) o.dispose();
  model.dispose();
});
