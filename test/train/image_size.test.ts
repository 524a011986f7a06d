// The paper's 128x128 designs: the networks at 128 (G's fc drawing 8x8, as Fig. 3), the config's
// checks of one image size, and a run at 128 that trains, resumes, designs 128x128 PNGs and is
// evaluated at 64x64 like every other run.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as T from '../../src/torch/index.js';
import { Decoder } from '../../src/models/decoder.js';
import { Encoder } from '../../src/models/encoder.js';
import { RealFakeDiscriminator } from '../../src/models/real_fake_discriminator.js';
import { MODEL_PRESETS, withImageSize } from '../../src/models/presets.js';
import { resolveConfig } from '../../src/train/config.js';
import { RunDir } from '../../src/run/run_dir.js';
import { main } from '../../src/cli/pfd.js';
import { tmp } from '../data/fixtures.js';
import { quietly } from '../helpers.js';
import { TINY_MODEL, tinyWorldWithOracle } from './fixtures.js';

let world = '';
before(async () => {
  world = await tinyWorldWithOracle();
});

test("the paper's networks at 128x128: G's fc draws 8x8 and designs 128x128, F and D read 128x128", () => {
  const m = withImageSize(MODEL_PRESETS.paper, 128);
  assert.equal(m.decoder.startSize, 8);
  assert.equal(withImageSize(MODEL_PRESETS.paper, 64).decoder.startSize, undefined, 'at 64 the config is the one it always was');
  T.tidy(() => {
    const g = new Decoder({ ...m.decoder, inputDim: 128 });
    assert.equal(g.imageSize, 128);
    assert.deepEqual(g.fc.weight.shape, [256 * 8 * 8, 128]);
    g.train(false);
    const x = g.forward(T.randn([2, 128])); // [2, 3, 128, 128]
    assert.deepEqual(x.shape, [2, 3, 128, 128]);
    const d = new RealFakeDiscriminator(m.discriminator);
    assert.deepEqual(d.forward(x).shape, [2]);
    const f = new Encoder(m.encoder);
    assert.deepEqual(f.forward(x).shape, [2, 64]);
    for (const mod of [g, d, f]) mod.dispose();
  });
  assert.throws(() => withImageSize(MODEL_PRESETS.cpu, 100), /image size 100 is not a multiple of G's upsampling 16/);
});

test('one image size for F, G and D, 64 or 128; baselines stay at 64', () => {
  const data = { data: { path: world } };
  const ok = resolveConfig('cpu', data, { model: withImageSize(MODEL_PRESETS.cpu, 128) });
  assert.equal(ok.model.encoder.imageSize, 128);
  assert.throws(
    () => resolveConfig('cpu', data, { model: { ...MODEL_PRESETS.cpu, encoder: { ...MODEL_PRESETS.cpu.encoder, imageSize: 128 } } }),
    /the encoder, G and D must work on one image size: encoder 128, G 64, D 64/,
  );
  assert.throws(
    () => resolveConfig('cpu', data, { model: withImageSize(MODEL_PRESETS.cpu, 32) }),
    /the networks are built for 64 or 128 pixel images \(--image-size\), got encoder imageSize 32/,
  );
  assert.throws(
    () => resolveConfig('cpu', data, { method: 'pix2pix', model: withImageSize(MODEL_PRESETS.cpu, 128) }),
    /the baseline 'pix2pix' is built for 64x64 images/,
  );
});

test('pfd train --image-size 128: trains and resumes at 128, designs 128x128 PNGs, pfd eval reads its designs at 64x64', async () => {
  const dir = path.join(tmp('size128'), 'run');
  const cfg = path.join(tmp('size128'), 'tiny.json');
  writeFileSync(
    cfg,
    JSON.stringify({ model: TINY_MODEL, batchSize: 4, sampleQueries: 2, sampleUsers: 2, evalEvery: 0, checkpointEvery: 1 }),
  );
  const args = ['train', '--data', world, '--config', cfg, '--image-size', '128', '--upsample', 'nearest', '--out', dir];
  const a = await quietly(() => main([...args, '--iterations', '1']));
  assert.equal(a.result, 0, a.err);
  const b = await quietly(() => main(['train', '--resume', dir, '--iterations', '2']));
  assert.equal(b.result, 0, b.err);
  const run = new RunDir(dir);
  assert.equal(run.readConfig().model.decoder.startSize, 8);
  assert.deepEqual(
    run
      .readMetrics()
      .filter((r) => r.phase !== 'eval')
      .map((r) => r.iteration),
    [1, 2],
  );
  assert.equal((await quietly(() => main([...args.slice(0, -2), '--image-size', '96', '--out', dir + '-96']))).result, 2);

  const png = path.join(tmp('size128'), 'd.png');
  const d = await quietly(() => main(['design', '--run', dir, '--query', 't000003', '--user', 'u0001', '--out', png]));
  assert.equal(d.result, 0, d.err);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.width, meta.height], [128, 128]);

  const e = await quietly(() =>
    main([
      'eval',
      '--run',
      dir,
      '--n',
      '8',
      '--splits',
      '2',
      '--ssim-pairs',
      '8',
      '--fanout-queries',
      '2',
      '--fanout-users',
      '2',
      '--judge-iterations',
      '20',
    ]),
  );
  assert.equal(e.result, 0, e.err);
  const m = JSON.parse(readFileSync(path.join(dir, 'eval', 'metrics.json'), 'utf8'));
  const r = (Array.isArray(m) ? m : [m])[0];
  assert.ok(Number.isFinite(r.metrics.compat_auc.value), 'F reads the test photos at 128');
  assert.ok(Number.isFinite(r.metrics.oracle_category.value), "the oracle reads the designs at 64 (the size of every run's figures)");
});
