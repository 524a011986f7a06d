// Every network of the paper at 64x64: output shapes, and the widths the paper gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { Encoder, PAPER_ENCODER } from '../../src/models/encoder.js';
import { Decoder, PAPER_DECODER } from '../../src/models/decoder.js';
import { RealFakeDiscriminator } from '../../src/models/real_fake_discriminator.js';
import { MetricNet, compatibilityScore } from '../../src/models/metric_net.js';
import { Designer } from '../../src/models/designer.js';
import { MODEL_PRESETS } from '../../src/models/presets.js';

test('paper encoder F: VGG16-like blocks, fc 1024 -> 512 -> 64', () => {
  const F = new Encoder();
  T.tidy(() => assert.deepEqual(F.forward(T.randn([2, 3, 64, 64])).shape, [2, 64]));
  const linears = F.head.layers.filter((l) => 'outFeatures' in l).map((l) => (l as unknown as { outFeatures: number }).outFeatures);
  assert.deepEqual(linears, [1024, 512, 64]);
  assert.equal(F.features.layers.filter((l) => l.constructor.name === 'Conv2d').length, 13, 'VGG16 has 13 convs');
  assert.throws(() => new Encoder({ ...PAPER_ENCODER, imageSize: 48 }), /does not survive 5 2x2 pools/);
  F.dispose();
});

test('paper decoder G: [z_q, theta_u] (128) -> 3x64x64 in [-1, 1]; D and M shapes', () => {
  const G = new Decoder(PAPER_DECODER),
    D = new RealFakeDiscriminator(),
    M = new MetricNet();
  T.tidy(() => {
    const img = G.forward(T.randn([2, 128]));
    assert.deepEqual(img.shape, [2, 3, 64, 64]);
    assert.ok(T.max(T.abs(img)).item() <= 1);
    assert.deepEqual(D.forward(img).shape, [2]);
    const z = T.randn([2, 64]);
    assert.deepEqual(compatibilityScore(M, T.ones([2, 64]), z, z).shape, [2]);
  });
  assert.equal(G.imageSize, 64);
  for (const m of [G, D, M]) m.dispose();
});

test('the designer at 64x64 for both presets: F -> [N, 64], each G -> [N, 3, 64, 64], each D -> [N], s -> [N]', () => {
  for (const [name, preset] of Object.entries(MODEL_PRESETS)) {
    const m = new Designer({ ...preset, users: 3, userCond: 'vector', targets: ['bottom', 'top'] });
    T.tidy(() =>
      T.noGrad(() => {
        const x = T.randn([2, 3, 64, 64]);
        const users = T.tensor([0, 2], { dtype: 'int64' });
        const z = m.encoder.forward(x);
        assert.deepEqual(z.shape, [2, 64], `${name}: F`);
        assert.deepEqual(m.score(users, z, z).shape, [2], `${name}: s`);
        for (const c of ['bottom', 'top'] as const) {
          const img = m.generator(c).forward(m.generatorInput(z, users));
          assert.deepEqual(img.shape, [2, 3, 64, 64], `${name}: G_${c}`);
          assert.deepEqual(m.discriminator(c).forward(img).shape, [2], `${name}: D_${c}`);
        }
      }),
    );
    m.dispose();
  }
});

test('designing from query codes (a server caches them) gives design() exactly, with and without the inference cache, leaving no tensors', () => {
  const m = new Designer({ ...MODEL_PRESETS.cpu, users: 3, userCond: 'vector', targets: ['bottom'] });
  const live = T.liveTensors();
  T.tidy(() => {
    const x = T.sub(T.mul(T.rand([2, 3, 64, 64]), 2), 1);
    const users = T.tensor([0, 2], { dtype: 'int64' });
    const direct = m.design(x, users, 'bottom');
    const zq = m.queryCodes(x);
    assert.deepEqual([zq.shape, zq.dtype], [[2, 64], 'float32']);
    assert.ok(T.equal(m.designFromCodes(zq, users, 'bottom'), direct), 'designFromCodes(queryCodes(x)) differs from design(x)');
    m.setInferenceCache(true);
    assert.ok(T.equal(m.designFromCodes(zq, users, 'bottom'), direct), 'the inference cache changes the design');
    m.setInferenceCache(false);
  });
  assert.equal(T.liveTensors(), live);
  m.dispose();
});
