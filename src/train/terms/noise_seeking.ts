// Mode seeking over G's noise input (beyond the paper; noise_mode_seeking.ts): each row is also
// designed with a second noise, and G pays when the two designs are closer than the noises are,
// so that the noise chooses among the complements that go with (query, user) instead of being
// ignored. Needs a model with a noise input (--noise-dim).
import * as T from '../../torch/index.js';
import { noiseModeSeekingLoss } from '../../models/noise_mode_seeking.js';
import { defineTerm } from './term.js';

export const noiseSeekingTerm = defineTerm({
  name: 'noise-seeking',
  summary: 'designs drawn with two noises must differ as much as the noises do (with --noise-dim)',
  settings: [
    {
      key: 'noiseSeeking',
      flag: 'noise-seeking',
      min: 0,
      default: 0,
      help: "weight of the mode-seeking term over G's noise input in G's step (needs --noise-dim); 0 = off",
    },
  ] as const,
  active: (o, model) => (o.noiseSeeking as number) > 0 && model.noiseDim > 0,
  validate: (c) => {
    const model = c.model as { noiseDim?: number } | undefined;
    return (c.noiseSeeking as number) > 0 && !((model?.noiseDim ?? 0) > 0) ? '--noise-seeking needs --noise-dim > 0' : null;
  },
  generator(ctx) {
    const noise2 = ctx.model.drawNoise(ctx.b.users.size(0))!; // [B, noiseDim]
    const other = ctx.draw(ctx.input(ctx.zq, ctx.b.users, ctx.sPos, noise2), ctx.b.positive); // [B, 3, S, S]
    const ms = noiseModeSeekingLoss(ctx.design, other, ctx.noise!, noise2);
    return { parts: [{ loss: ms, weight: ctx.o.noiseSeeking as number }], logs: { L_G_noise_ms: ms } };
  },
  finite: ['L_G_noise_ms'],
});
