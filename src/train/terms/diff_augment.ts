// DiffAugment for D (beyond the paper; src/models/diff_augment.ts): D sees reals and designs
// through the same random, differentiable translation (and cutout), against a D that memorizes a
// small set of real photos. Not a loss: it changes what D's losses in (b) and (c) are computed on.
import { diffAugment, DIFF_AUGMENT_POLICIES, type DiffAugmentPolicy } from '../../models/diff_augment.js';
import { defineTerm } from './term.js';

export const diffAugmentTerm = defineTerm({
  name: 'diff-augment',
  summary: 'D sees reals and designs through random differentiable translations (and cutouts): for small sets of real photos',
  settings: [
    {
      key: 'diffAugment',
      flag: 'diff-augment',
      choices: DIFF_AUGMENT_POLICIES,
      default: 'none',
      help: 'what D sees: the images as they are (none, the paper), or each shifted by up to 1/8 of its side (translation), and with a random half-side square blanked (translation,cutout); DiffAugment, Zhao et al. 2020',
    },
  ] as const,
  active: (o) => o.diffAugment !== 'none',
  discriminatorView: (ctx, x) => diffAugment(x, ctx.o.diffAugment as DiffAugmentPolicy),
  finite: [],
});
