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

/** Models registered at run time (registerModel() in src/train/models.ts): a plugin's or a test's. */
const registered = new Map<string, { title: string; designer: boolean }>();

/** Adds a model name (its definition goes to src/train/models.ts' registerModel, which calls this). */
export function addModelName(name: string, title: string): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`a model name is lower-case letters, digits and '-', got '${name}'`);
  if (name in MODEL_VARIANTS || registered.has(name)) throw new Error(`model '${name}' is already registered`);
  registered.set(name, { title, designer: false });
}

/** Every model name: the built-in ones, then those registered at run time. */
export function modelNames(): string[] {
  return [...MODEL_NAMES, ...registered.keys()];
}

/** A name's training defaults and whether it is the designer (or an ablation of it); undefined when unknown. */
export function modelVariant(name: string): { title: string; designer: boolean; defaults: ModelVariant['defaults'] } | undefined {
  const v = (MODEL_VARIANTS as Record<string, ModelVariant>)[name];
  if (v) return { title: v.title, designer: v.base === 'designer', defaults: v.defaults };
  const r = registered.get(name);
  return r ? { ...r, defaults: {} } : undefined;
}
