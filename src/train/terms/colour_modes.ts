// Colour modes' training terms (beyond the paper; a model built with --colour-modes L, whose G
// draws each design in one of L^3 colour bins, colour_modes.ts). Every draw of (c) with a target
// teaches G's mode head that target's bin (cross-entropy, weight 1, the mean over the draws);
// with --mode-colour W each row is also drawn in a random bin, which must look real (RaLSGAN,
// weight lambda3) and whose mean colour must lie in that bin, as the teacher-forced design's
// must lie in its target's (docs/experiments/13-colour-modes.md, 14-mode-colour-history.md).
import * as T from '../../torch/index.js';
import { binColourLoss, colourBins, randomBins } from '../../models/colour_modes.js';
import { ralsganGeneratorLoss } from '../../models/ralsgan.js';
import { defineTerm, type LossPart } from './term.js';

export const colourModesTerm = defineTerm({
  name: 'colour-modes',
  summary: "G's colour-mode head learns its targets' bins; --mode-colour keeps designs in the bin they are drawn in",
  settings: [
    {
      key: 'modeColour',
      flag: 'mode-colour',
      min: 0,
      default: 0,
      help: "with --colour-modes: weight of a term in G's step that keeps designs in the colour bin they are drawn in (each row is also drawn in a random bin, which must look real and lie in that bin); 0 = off",
    },
    {
      key: 'lrModeHead',
      flag: 'mode-head-lr',
      min: 0,
      default: 0,
      help: "Adam learning rate of G's mode head (--colour-modes): a head new to a warm-started G learns at a higher rate than the trained G around it; 0 = --lr",
    },
  ] as const,
  active: (_o, model) => model.colourModes,
  validate(c) {
    const colour = ((c.model as { colourModes?: number }).colourModes ?? 0) > 0;
    if ((c.modeColour as number) > 0 && !colour) return '--mode-colour needs --colour-modes (it keeps designs in their colour bins)';
    if ((c.lrModeHead as number) > 0 && !colour) return '--mode-head-lr needs --colour-modes (only colour modes have a mode head)';
    return null;
  },
  // The positives' bins [B] (the teacher-forced designs' modes) and, with --mode-colour, a random bin per row [B].
  prepare(ctx) {
    const L = ctx.model.config.colourModes!;
    ctx.scratch.set('positiveBins', colourBins(ctx.b.positive, L));
    if ((ctx.o.modeColour as number) > 0) ctx.scratch.set('freeBins', randomBins(ctx.b.users.size(0), L, ctx.model.device));
  },
  // D sees (c)'s designs: each in its positive's bin; with --mode-colour, half of the rows in their random bins.
  discriminatorModes(ctx) {
    const [positive, free] = [ctx.scratch.get('positiveBins')!, ctx.scratch.get('freeBins')];
    return free ? T.where(T.lt(T.rand([free.size(0)], { device: ctx.model.device }), 0.5), free, positive) : positive;
  },
  generator(ctx) {
    const parts: LossPart[] = [];
    const logs: Record<string, T.Tensor> = {};
    if (ctx.priorLosses.length) {
      const prior = T.div(
        ctx.priorLosses.reduce((a, x) => T.add(a, x)),
        ctx.priorLosses.length,
      ); // []
      parts.push({ loss: prior, weight: 1 });
      logs.L_G_prior = prior;
    }
    const free = ctx.scratch.get('freeBins');
    if (free) {
      // (A second training-mode pass of G: its BatchNorm running statistics also see these designs.)
      const L = ctx.model.config.colourModes!;
      const design = ctx.G.forward(ctx.input(), free); // [B, 3, S, S]
      parts.push({ loss: ralsganGeneratorLoss(ctx.dReal, ctx.D.forward(design)), weight: ctx.o.lambda3 });
      const colour = T.div(T.add(binColourLoss(design, free, L), binColourLoss(ctx.design, ctx.scratch.get('positiveBins')!, L)), 2); // []
      parts.push({ loss: colour, weight: ctx.o.modeColour as number });
      logs.L_G_colour = colour;
    }
    return { parts, logs };
  },
  finite: ['L_G_prior', 'L_G_colour'],
});
