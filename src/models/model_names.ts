// The registered models' names and the training defaults each implies (the
// ablations are the designer with a switch set). Kept apart from the registry
// itself (src/train/models.ts) so that config resolution can read it without
// importing every model.
import type { UserCond } from './designer.js';

export interface ModelVariant {
  base: 'designer' | 'pix2pix' | 'pldt' | 'discogan' | 'mrcgan';
  title: string; // the report's row name
  defaults: { userCond?: UserCond; genCompatLoss?: boolean };
}

export const MODEL_VARIANTS = {
  designer: { base: 'designer', title: 'Ours (personalized designer)', defaults: {} },
  // The ablations of section 4.2, as registered variants of the designer.
  'designer-label': { base: 'designer', title: 'Ablation: discrete user label', defaults: { userCond: 'label' } },
  'designer-no-theta': { base: 'designer', title: 'Ablation: no theta_u', defaults: { userCond: 'none' } },
  'designer-no-gfm': { base: 'designer', title: 'Ablation: no L_G^FM', defaults: { genCompatLoss: false } },
  // Baselines (section 4.3): query -> complement, without users.
  pix2pix: { base: 'pix2pix', title: 'pix2pix (Isola et al. 2017)', defaults: {} },
  pldt: { base: 'pldt', title: 'Pixel-level domain transfer (Yoo et al. 2016)', defaults: {} },
  discogan: { base: 'discogan', title: 'DiscoGAN (Kim et al. 2017)', defaults: {} },
  mrcgan: { base: 'mrcgan', title: 'MrCGAN (Shih et al. 2018)', defaults: {} },
} as const satisfies Record<string, ModelVariant>;

export type ModelName = keyof typeof MODEL_VARIANTS;
export const MODEL_NAMES = Object.keys(MODEL_VARIANTS) as ModelName[];
