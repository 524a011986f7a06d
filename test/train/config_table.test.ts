// The numeric settings' table: every row gives a default, a validation that
// names the key, and a `pfd train` flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NUMERIC_SETTINGS, numericDefaults, numericProblem } from '../../src/train/config_table.js';
import { resolveConfig } from '../../src/train/config.js';
import { main } from '../../src/cli/pfd.js';
import { quietly } from '../helpers.js';

test('each row: its default resolves (the paper preset keeps it), out-of-range values are refused naming the key', () => {
  const c = resolveConfig('paper', { data: { path: 'x' } });
  const d = numericDefaults();
  for (const s of NUMERIC_SETTINGS) {
    assert.equal(c[s.key], d[s.key], s.key);
    assert.equal(numericProblem(s, s.default), null, s.key);
    const below = 'minExclusive' in s && s.minExclusive ? s.min : s.min - 1;
    assert.throws(() => resolveConfig('paper', { [s.key]: below }), new RegExp(`^ConfigError: ${s.key} must be`), s.key);
    if ('max' in s) assert.throws(() => resolveConfig('paper', { [s.key]: s.max + 1 }), new RegExp(`${s.key} must be`));
    if ('int' in s && s.int) assert.throws(() => resolveConfig('paper', { [s.key]: s.default + 0.5 }), new RegExp(`${s.key} must be`));
  }
});

test('each row has a pfd train flag that parses its value', async () => {
  for (const s of NUMERIC_SETTINGS) {
    const r = await quietly(() => main(['train', '--data', 'nowhere', `--${s.flag}`, 'abc']));
    assert.equal(r.result, 2, s.flag);
    assert.match(r.err, new RegExp(`--${s.flag} must be`), s.flag);
  }
  const usage = await quietly(() => main(['train', '--help']));
  assert.equal(usage.result, 0);
  for (const s of NUMERIC_SETTINGS) assert.ok(usage.out.includes(`--${s.flag}`), s.flag);
});

test('--lambda-pick needs a user-aware model, --pick-query-share needs --lambda-pick', () => {
  const data = { data: { path: 'x' } };
  assert.throws(() => resolveConfig('cpu', { ...data, lambdaPick: 10, userCond: 'none' }), /--lambda-pick needs a user-aware model/);
  assert.throws(() => resolveConfig('cpu', { ...data, pickQueryShare: 0.5 }), /--pick-query-share needs --lambda-pick > 0/);
  assert.throws(() => resolveConfig('cpu', { ...data, pickPool: 64 }), /--pick-pool needs --lambda-pick > 0/);
  assert.throws(
    () => resolveConfig('cpu', { ...data, lambdaPick: 10, pickPool: 1.5 }),
    /pickPool must be a non-negative integer from 0 to 4096, got 1.5/,
  );
  assert.throws(() => resolveConfig('cpu', { ...data, initFrom: '' }), /initFrom must be the path of a model snapshot or null/);
  assert.equal(resolveConfig('cpu', { ...data, lambdaPick: 10, pickQueryShare: 0.5, userCond: 'label' }).pickQueryShare, 0.5);
});

test('retired options: a saved config at their neutral values loads without them; any other value is refused by name', () => {
  const data = { data: { path: 'x' } };
  const old = {
    ...data,
    msPool: 1,
    rankQueryShare: 0.5,
    designNegatives: 0,
    modeColourMask: 'design',
    compatWarmup: 0,
    lrCompat: 0,
  } as never;
  const c = resolveConfig('cpu', old) as unknown as Record<string, unknown>;
  for (const k of ['msPool', 'rankQueryShare', 'designNegatives', 'modeColourMask', 'compatWarmup', 'lrCompat']) assert.ok(!(k in c), k);
  assert.throws(() => resolveConfig('cpu', { ...data, msPool: 4 } as never), /uses --ms-pool 4, an option retired/);
  assert.throws(() => resolveConfig('cpu', { ...data, compatWarmup: 100 } as never), /uses --compat-warmup 100, an option retired/);
  const model = resolveConfig('cpu', data).model;
  assert.throws(
    () => resolveConfig('cpu', { ...data, model: { ...model, designModes: 4 } } as never),
    /uses --design-modes 4, an option retired/,
  );
  assert.equal(
    resolveConfig('cpu', { ...data, model: { ...model, designModes: 1, userInit: 'normal' } } as never).model.colourModes,
    undefined,
  );
  assert.throws(
    () => resolveConfig('cpu', { ...data, model: { ...model, encoder: { ...model.encoder, centerCodes: true } } } as never),
    /--center-codes, an option retired/,
  );
});

test('--colour-modes: 0 or 2 to 6 levels, of the designer only; --mode-head-lr, --mode-colour and --colour-history need it', () => {
  const data = { data: { path: 'x' } };
  const model = (m: object) => ({ model: { ...resolveConfig('cpu', data).model, ...m } });
  assert.equal(resolveConfig('cpu', { ...data, ...model({ colourModes: 3 }) }).model.colourModes, 3);
  for (const bad of [1, 7, 2.5, -1])
    assert.throws(
      () => resolveConfig('cpu', { ...data, ...model({ colourModes: bad }) }),
      /model\.colourModes \(--colour-modes\) must be 0 \(off\) or an integer from 2 to 6/,
      String(bad),
    );
  assert.throws(
    () => resolveConfig('cpu', { ...data, method: 'pix2pix', ...model({ colourModes: 3 }) }),
    /--colour-modes: options of the designer, not of the baseline 'pix2pix'/,
  );
  assert.throws(() => resolveConfig('cpu', { ...data, lrModeHead: 2e-3 }), /--mode-head-lr needs --colour-modes/);
  assert.equal(resolveConfig('cpu', { ...data, lrModeHead: 2e-3, ...model({ colourModes: 3 }) }).lrModeHead, 2e-3);
  assert.throws(() => resolveConfig('cpu', { ...data, modeColour: 10 }), /--mode-colour needs --colour-modes/);
  assert.equal(resolveConfig('cpu', { ...data, modeColour: 10, ...model({ colourModes: 3 }) }).modeColour, 10);
  assert.equal(resolveConfig('paper', data).modeColour, 0, 'off by default');
  assert.throws(() => resolveConfig('cpu', { ...data, ...model({ colourHistory: 2 }) }), /--colour-history needs --colour-modes/);
  assert.throws(
    () => resolveConfig('cpu', { ...data, ...model({ colourModes: 3, colourHistory: -1 }) }),
    /model\.colourHistory \(--colour-history\) must be a non-negative number/,
  );
  assert.equal(resolveConfig('cpu', { ...data, ...model({ colourModes: 3, colourHistory: 2 }) }).model.colourHistory, 2);
  assert.equal(resolveConfig('cpu', data).msMask, 'all', '--ms-mask: every pixel by default');
  assert.equal(resolveConfig('cpu', { ...data, modeSeeking: 1, msMask: 'target' }).msMask, 'target');
  assert.throws(() => resolveConfig('cpu', { ...data, msMask: 'target' }), /--ms-mask target needs --mode-seeking > 0/);
  assert.throws(
    () => resolveConfig('cpu', { ...data, modeSeeking: 1, msMask: 'x' as never }),
    /msMask \(--ms-mask\) must be one of all, target, got 'x'/,
  );
});
