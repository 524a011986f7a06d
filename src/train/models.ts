// The model registry: each registered model declares how it is built from a
// training config, its optimizers (named: checkpoints save them by name), one
// training iteration on one batch per designed category, and which of its losses
// mean the run has diverged. The trainer, run folders, samples, `pfd design` and
// `pfd eval` work through this table for every model; a new model is one file in
// src/models/ (its networks and design()) plus one entry here and one in
// src/models/model_names.ts.
import * as T from '../torch/index.js';
import * as nn from '../nn/index.js';
import { Designer } from '../models/designer.js';
import type { FashionModel } from '../models/fashion_model.js';
import { Pix2pix } from '../models/baselines/pix2pix.js';
import { PixelDomainTransfer } from '../models/baselines/pixel_domain_transfer.js';
import { DiscoGan } from '../models/baselines/discogan.js';
import { MrCgan } from '../models/baselines/mrcgan.js';
import { mrcganStep, PROJECTION_ITERATIONS } from './mrcgan_step.js';
import { pixelDomainTransferStep, discoGanStep } from './baseline_steps.js';
import { MODEL_VARIANTS, addModelName, type ModelName, type ModelVariant } from '../models/model_names.js';
import { algorithm1Step, type StepTiming } from './algorithm1.js';
import type { ImageBatch } from './batches.js';
import { makeOptimizers, namedOptimizers, type Optimizers } from './optimizers.js';
import { lossTerms } from './terms/registry.js';
import { updateAverages } from './generator_average.js';
import { pix2pixStep } from './pix2pix_step.js';
import { stepOptions, type TrainConfig } from './config.js';

export const EXPLODING_LOSS = 1e4;

export interface TrainOptimizers {
  named: [string, nn.Optimizer][]; // every optimizer, with a stable name
}

export interface StepResult {
  phase: string; // recorded with the losses in metrics.jsonl
  losses: Record<string, number>;
}

export interface ModelDefinition<M extends FashionModel, O extends TrainOptimizers> {
  build(config: Readonly<TrainConfig>, users: number): M;
  optimizers(model: M, config: Readonly<TrainConfig>): O;
  /** One iteration (scoped by the caller's tidy). */
  step(model: M, opt: O, batches: ImageBatch[], config: Readonly<TrainConfig>, iteration: number, timing?: StepTiming): StepResult;
  /** The first loss that says the run diverged, as "name = value", or null. */
  lossProblem(losses: Record<string, number>, config: Readonly<TrainConfig>): string | null;
  /** Optimizers (by name) whose learning rate `--lr-decay` leaves alone; every other one decays. */
  constantLr?: readonly string[];
}

/** Non-finite `finite` losses, or `bounded` ones beyond EXPLODING_LOSS. */
function lossCheck(l: Record<string, number>, finite: string[], bounded: string[]): string | null {
  for (const k of finite) if (l[k] !== undefined && !Number.isFinite(l[k])) return `${k} = ${l[k]}`;
  for (const k of bounded) if (l[k] !== undefined && Math.abs(l[k]!) > EXPLODING_LOSS) return `${k} = ${l[k]} (above ${EXPLODING_LOSS})`;
  return null;
}

/** A model built from a fresh seed, in the config's precision (runs from before the precision setting trained in fp32). */
function seeded<M extends FashionModel>(config: Readonly<TrainConfig>, make: () => M): M {
  T.manualSeed(config.seed);
  const model = make();
  model.precision = config.precision ?? 'fp32';
  return model;
}

type DesignerOptimizers = TrainOptimizers & { designer: Optimizers };

const DESIGNER: ModelDefinition<Designer, DesignerOptimizers> = {
  build: (config, users) =>
    seeded(
      config,
      () =>
        new Designer({
          ...(structuredClone(config.model) as TrainConfig['model']),
          users,
          userCond: config.userCond,
          targets: targetsOf(config.task),
          averageGenerators: (config.gAverage ?? 0) > 0,
        }),
    ),
  optimizers(model, config) {
    const designer = makeOptimizers(model, { lr: config.lr, betas: config.betas, lrModeHead: config.lrModeHead || config.lr });
    return { designer, named: namedOptimizers(designer) };
  },
  // Step (a) keeps learning users' tastes at its own rate (its AUC still rises late in a run);
  // --lr-decay calms D and G, whose oscillation makes the late designs noisy.
  constantLr: ['compat'],
  step(model, opt, batches, config, iteration, timing) {
    const losses = algorithm1Step(model, opt.designer, batches, stepOptions(config), timing, iteration) as Record<string, number>;
    if ((config.gAverage ?? 0) > 0) updateAverages(model, config.gAverage);
    return { phase: 'algorithm1', losses };
  },
  lossProblem(l, config) {
    // (The compatibility losses scale with the scores, which BPR lets grow; only their finiteness is checked.)
    const terms = lossTerms();
    return lossCheck(
      l,
      ['L_FM', 'L_D', 'L_G', 'L_G_adv', ...terms.flatMap((t) => t.finite), ...(config.genCompatLoss ? ['L_G_FM'] : [])],
      ['L_D', 'L_G_adv', ...terms.flatMap((t) => t.bounded ?? [])],
    );
  },
};

type Pix2pixOptimizers = TrainOptimizers & { gen: Map<string, nn.Optimizer>; disc: Map<string, nn.Optimizer> };

/** pix2pix's generator and discriminator widths (ngf = ndf) per model preset. */
const PIX2PIX_WIDTH: Record<TrainConfig['preset'], number> = { paper: 64, cpu: 16 };

const PIX2PIX: ModelDefinition<Pix2pix, Pix2pixOptimizers> = {
  build: (config, users) =>
    seeded(
      config,
      () => new Pix2pix({ targets: targetsOf(config.task), users, ngf: PIX2PIX_WIDTH[config.preset], ndf: PIX2PIX_WIDTH[config.preset] }),
    ),
  optimizers(model, config) {
    const adam = (m: nn.Module) => new nn.Adam(m.parameters(), { lr: config.lr, betas: config.betas });
    const gen = new Map([...model.generators].map(([c, g]) => [c, adam(g)] as const));
    const disc = new Map([...model.discriminators].map(([c, d]) => [c, adam(d)] as const));
    return {
      gen,
      disc,
      named: [
        ...[...disc].map(([c, o]) => [`disc_${c}`, o] as [string, nn.Optimizer]),
        ...[...gen].map(([c, o]) => [`gen_${c}`, o] as [string, nn.Optimizer]),
      ],
    };
  },
  step(model, opt, batches) {
    return { phase: 'pix2pix', losses: pix2pixStep(model, opt, batches) };
  },
  lossProblem: (l) => lossCheck(l, ['L_D', 'L_G', 'L_G_adv', 'L_L1'], ['L_D', 'L_G_adv']),
};

type NamedOptimizers = TrainOptimizers & { byName: Map<string, nn.Optimizer> };

/** One Adam per named sub-network, at the config's lr and betas. */
function adamPerModule(mods: [string, nn.Module][], config: Readonly<TrainConfig>): NamedOptimizers {
  const named = mods.map(([n, m]) => [n, new nn.Adam(m.parameters(), { lr: config.lr, betas: config.betas })] as [string, nn.Optimizer]);
  return { named, byName: new Map(named) };
}

const PLDT: ModelDefinition<PixelDomainTransfer, NamedOptimizers> = {
  build: (config, users) =>
    seeded(
      config,
      () =>
        new PixelDomainTransfer({ targets: targetsOf(config.task), users, nets: structuredClone(config.model) as TrainConfig['model'] }),
    ),
  optimizers: (model, config) =>
    adamPerModule(
      model.config.targets.flatMap(
        (c) =>
          [
            [`disc_${c}`, model.realFake.get(c)!],
            [`domain_${c}`, model.domain.get(c)!],
            [`conv_${c}`, model.converters.get(c)!],
          ] as [string, nn.Module][],
      ),
      config,
    ),
  step: (model, opt, batches) => ({ phase: 'pldt', losses: pixelDomainTransferStep(model, opt.byName, batches) }),
  lossProblem: (l) => lossCheck(l, ['L_DR', 'L_DA', 'L_C'], ['L_DR', 'L_DA', 'L_C']),
};

const DISCOGAN: ModelDefinition<DiscoGan, NamedOptimizers> = {
  build: (config, users) =>
    seeded(
      config,
      () => new DiscoGan({ targets: targetsOf(config.task), users, nets: structuredClone(config.model) as TrainConfig['model'] }),
    ),
  optimizers(model, config) {
    const adam = (ms: nn.Module[]) =>
      new nn.Adam(
        ms.flatMap((m) => m.parameters()),
        { lr: config.lr, betas: config.betas },
      );
    const named: [string, nn.Optimizer][] = [
      ['disc', adam([...model.discriminators.values()])],
      ['gen', adam([...model.generators.values()])],
    ];
    return { named, byName: new Map(named) };
  },
  step: (model, opt, batches) => ({ phase: 'discogan', losses: discoGanStep(model, opt.byName, batches) }),
  lossProblem: (l) => lossCheck(l, ['L_D', 'L_G', 'L_G_adv', 'L_rec'], ['L_D', 'L_G_adv']),
};

/** MrCGAN's compatibility family size and noise dimension. */
const MRCGAN_PROTOTYPES = 4,
  MRCGAN_NOISE = 16;

const MRCGAN: ModelDefinition<MrCgan, NamedOptimizers> = {
  build: (config, users) =>
    seeded(
      config,
      () =>
        new MrCgan({
          targets: targetsOf(config.task),
          users,
          nets: structuredClone(config.model) as TrainConfig['model'],
          prototypes: MRCGAN_PROTOTYPES,
          noise: MRCGAN_NOISE,
        }),
    ),
  optimizers: (model, config) => {
    const adam = (ms: nn.Module[]) =>
      new nn.Adam(
        ms.flatMap((m) => m.parameters()),
        { lr: config.lr, betas: config.betas },
      );
    const named: [string, nn.Optimizer][] = [
      ['proj', adam([model.embed, ...model.projections.values()])],
      ...model.config.targets.flatMap(
        (c) =>
          [
            [`disc_${c}`, adam([model.discriminators.get(c)!])],
            [`gen_${c}`, adam([model.generators.get(c)!])],
          ] as [string, nn.Optimizer][],
      ),
    ];
    return { named, byName: new Map(named) };
  },
  step: (model, opt, batches, config, iteration) => mrcganStep(model, opt.byName, batches, iteration, PROJECTION_ITERATIONS[config.preset]),
  lossProblem: (l) => lossCheck(l, ['L_proj', 'L_D', 'L_G', 'L_G_adv', 'L_mr'], ['L_D', 'L_G_adv']),
};

/** Every base model; each name of MODEL_VARIANTS maps to one of them. */
const BASES = { designer: DESIGNER, pix2pix: PIX2PIX, pldt: PLDT, discogan: DISCOGAN, mrcgan: MRCGAN } as const satisfies Record<
  ModelVariant['base'],
  unknown
>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModelDefinition = ModelDefinition<any, any>;

const REGISTERED = new Map<string, AnyModelDefinition>();

/**
 * Registers a model at run time under a new name (a plugin's, a test's): `pfd train --model NAME`,
 * run folders, `pfd design`, `pfd eval` and `pfd compare` then take it like a built-in one.
 */
export function registerModel(name: string, title: string, definition: AnyModelDefinition): void {
  addModelName(name, title);
  REGISTERED.set(name, definition);
}

/** The definition that trains and builds models of this name (the designer for runs from before the registry). */
export function modelDefinition(name: ModelName | string | undefined): AnyModelDefinition {
  const v = (MODEL_VARIANTS as Record<string, ModelVariant>)[name ?? 'designer'];
  if (v) return BASES[v.base] as AnyModelDefinition;
  const r = REGISTERED.get(name!);
  if (!r) throw new Error(`unknown model '${name}'`);
  return r;
}

export const targetsOf = (task: TrainConfig['task']): ('top' | 'bottom')[] =>
  task === 'top2bottom' ? ['bottom'] : task === 'bottom2top' ? ['top'] : ['bottom', 'top'];

/** The registered model a config trains (config.method), freshly initialized from its seed. */
export function buildModel(config: Readonly<TrainConfig>, users: number): FashionModel {
  return modelDefinition(config.method).build(config, users);
}

/** The paper's designer of a config (an error for a baseline's config). */
export function buildDesigner(config: Readonly<TrainConfig>, users: number): Designer {
  if (modelDefinition(config.method) !== modelDefinition('designer')) throw new Error(`model '${config.method}' is not the designer`);
  return buildModel(config, users) as Designer;
}
