// Colour modes (colour_modes.ts, --colour-modes): G's modes are the bins of an item's mean
// colour; a head of G predicts the bin, and designing draws in the bin it ranks first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/torch/index.js';
import { Decoder } from '../../src/models/decoder.js';
import { Designer } from '../../src/models/designer.js';
import {
  binColourLoss,
  colourBins,
  colourModeCount,
  foregroundMask,
  meanForegroundColour,
  randomBins,
} from '../../src/models/colour_modes.js';
import { TINY_MODEL } from '../train/fixtures.js';

/** A white 8x8 image ([-1, 1]) with a square of colour rgb (in [0, 1]) in rows/cols 2..5. */
function item(rgb: [number, number, number] | null): T.Tensor {
  const px = (c: number, y: number, x: number) => (rgb && y >= 2 && y < 6 && x >= 2 && x < 6 ? rgb[c]! : 1);
  return T.reshape(
    T.tensor(Array.from({ length: 3 * 64 }, (_, i) => px(Math.floor(i / 64), Math.floor(i / 8) % 8, i % 8) * 2 - 1)),
    [1, 3, 8, 8],
  );
}

test('colourBins: the mean colour of the foreground (the white padding left out), cut into levels per channel', () => {
  const live = T.liveTensors();
  T.tidy(() => {
    const x = T.cat([item([1, 0, 0]), item([0, 0, 0]), item([0.5, 0.5, 0.5]), item(null), item([0.1, 0.5, 0.95])], 0);
    // red (2,0,0) = 18; black 0; grey (1,1,1) = 13; all white: the mean of every pixel, white (2,2,2) = 26;
    // (0.1, 0.5, 0.95): 0.95 is above the background threshold in blue alone, so the square is foreground: (0,1,2) = 5.
    assert.deepEqual(colourBins(x, 3).toArray(), [18, 0, 13, 26, 5]);
    assert.deepEqual(colourBins(x, 2).toArray(), [4, 0, 7, 7, 3]);
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  assert.equal(colourModeCount(3), 27);
});

test('binColourLoss: zero for designs inside their bins, the distance to the box (inner edges a quarter step in) outside, and its gradient moves the colour toward the bin', () => {
  const live = T.liveTensors();
  T.tidy(() => {
    const x = T.cat([item([1, 0, 0]), item([0.5, 0.5, 0.5])], 0); // bins 18 (red) and 13 (grey) at 3 levels
    assert.ok(
      T.allclose(
        meanForegroundColour(x),
        T.tensor([
          [1, 0, 0],
          [0.5, 0.5, 0.5],
        ]),
        1e-5,
        1e-6,
      ),
    );
    assert.equal(
      binColourLoss(x, T.tensor([18, 13], { dtype: 'int64' }), 3).item(),
      0,
      'each in its own bin (pure red sits on the outer edges of bin 18: no margin there)',
    );
    // Red asked for bin 0 (black: [0, 1/3] per channel, its inner edge moved in by 1/12: [0, 1/4]):
    // red is 3/4 above the box in r, inside it in g and b; grey asked for bin 13 costs nothing;
    // the mean over the two rows 3/8. Grey asked for bin 14 (b level 2: [2/3 + 1/12, 1]) is 1/4 below.
    const loss = binColourLoss(x, T.tensor([0, 13], { dtype: 'int64' }), 3).item();
    assert.ok(Math.abs(loss - 0.375) < 1e-5, `loss ${loss}`);
    const grey = binColourLoss(x, T.tensor([18, 14], { dtype: 'int64' }), 3).item();
    assert.ok(Math.abs(grey - (2 / 3 + 1 / 12 - 0.5) / 2) < 1e-5, `grey ${grey}`);
    // The gradient darkens the red square's red channel: only foreground pixels take it.
    const leaf = x.clone().requiresGrad_();
    binColourLoss(leaf, T.tensor([0, 13], { dtype: 'int64' }), 3).backward();
    const g = leaf.grad!;
    const at = (c: number, y: number, xx: number) => T.select(T.select(T.select(T.select(g, 0, 0), 0, c), 0, y), 0, xx).item(); // image 0
    assert.ok(at(0, 3, 3) > 0, 'red pixel: the loss rises with red, so descent lowers it');
    assert.equal(at(0, 0, 0), 0, 'background pixels take no gradient');
    // With a mask (--mode-colour-mask target), only its pixels count: a blue smudge on the
    // background moves the design's own foreground mean, not the masked one.
    const smudged = T.cat([T.clone(T.narrow(x, 0, 0, 1))], 0); // red square, bin 18
    T.noGrad(() => T.fill_(T.narrow(T.narrow(T.narrow(smudged, 2, 0, 2), 3, 0, 8), 1, 0, 2), -1)); // rows 0-1: blue (r = g = 0, b = 1)
    const mask = foregroundMask(T.narrow(x, 0, 0, 1)); // the clean red item's silhouette
    assert.equal(T.sum(mask).item(), 16);
    const bin = T.tensor([18], { dtype: 'int64' });
    assert.ok(binColourLoss(smudged, bin, 3).item() > 0, 'the smudge pulls the unmasked mean out of red');
    assert.equal(binColourLoss(smudged, bin, 3, mask).item(), 0, "the masked mean is the red square's");
    const bins = randomBins(1000, 2, 'cpu').toArray();
    assert.ok(bins.every((k) => Number.isInteger(k) && k >= 0 && k < 8) && new Set(bins).size === 8, 'random bins cover [0, 8)');
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
});

test("a decoder with a mode prior: its logits, the teacher's modes when given, else the prior's first choice", () => {
  T.manualSeed(3);
  const G = new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, modes: 8, modePrior: true }).eval();
  const live = T.liveTensors();
  T.tidy(() => {
    const h = T.randn([5, 6]);
    const teacher = T.tensor([1, 7, 0, 3, 3], { dtype: 'int64' });
    const forced = G.forwardWithPrior(h, teacher);
    assert.deepEqual(forced.logits.shape, [5, 8]);
    assert.deepEqual(forced.modes.toArray(), teacher.toArray());
    assert.ok(T.allclose(forced.image, G.forward(h, teacher), 1e-5, 1e-6), "the image is the teacher mode's");
    const free = G.forwardWithPrior(h);
    assert.deepEqual(free.modes.toArray(), T.argmax(free.logits, 1).toArray());
    assert.ok(T.allclose(free.image, G.forward(h, free.modes), 1e-5, 1e-6));
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  assert.throws(() => new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, modePrior: true }), /a mode prior needs modes > 1/);
  assert.throws(() => new Decoder({ ...TINY_MODEL.decoder, inputDim: 6, modes: 3 }).forwardWithPrior(T.randn([1, 6])), /no mode prior/);
  G.dispose();
});

test('a designer with colour modes designs in the bin its head ranks first for each (query, user)', () => {
  T.manualSeed(8);
  const model = new Designer({ ...TINY_MODEL, users: 3, userCond: 'vector', targets: ['top'], colourModes: 2 });
  assert.equal(model.modes, 8);
  assert.ok(model.colourModes);
  const live = T.liveTensors();
  T.tidy(() => {
    const queries = T.sub(T.mul(T.rand([4, 3, 64, 64]), 2), 1);
    const users = T.tensor([0, 1, 2, 0], { dtype: 'int64' });
    const design = model.design(queries, users, 'top');
    model.eval();
    T.noGrad(() => {
      const h = model.generatorInput(model.encoder.forward(queries), users);
      const G = model.generator('top');
      const modes = T.argmax(G.modePrior!.forward(G.inputNorm ? G.inputNorm.forward(h) : h), 1);
      assert.ok(T.allclose(design, G.forward(h, modes), 1e-4, 1e-5));
    });
  });
  assert.equal(T.liveTensors(), live, 'no tensor leaked');
  model.dispose();
});
