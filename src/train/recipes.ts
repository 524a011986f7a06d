// Recipes: one training purpose per file (recipes/*.json), resolved like a config file on top
// of a preset. A recipe may be a schedule of stages: from an iteration on, a stage sets its own
// loss weights and learning rate (and a decay within the stage), so that one run from scratch
// does what a chain of warm-started runs did. The run's config records the recipe's name and
// the sha256 of its file; a stage is a pure function of the iteration, so a resumed run is in
// the same stage with the same rates as an uninterrupted one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config_error.js';
import { termSettings } from './terms/registry.js';

/** The settings a stage may change: every loss term's, the paper's weights, D's updates, the learning rate and its decay. */
export function stageKeys(): Set<string> {
  return new Set([...termSettings().map((s) => s.key), 'lambda1', 'lambda2', 'lambda3', 'nD', 'lr', 'lrDecay']);
}

export interface Stage {
  from: number; // the first iteration (0-based) of the stage; the first stage starts at 0
  settings: Record<string, number | string>; // on top of the run's config
}

export interface Recipe {
  name: string;
  sha256: string; // of the file's bytes (and, with `extends`, of its base recipe's sha256)
  description: string;
  preset?: string;
  settings: Record<string, unknown>; // config overrides (as a --config file's), model included
  stages: Stage[];
}

/** The recipes folder of this repository. */
export const RECIPES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'recipes');

/** The names of the shipped recipes (recipes/*.json). */
export function recipeNames(): string[] {
  return existsSync(RECIPES_DIR)
    ? readdirSync(RECIPES_DIR)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
}

/**
 * A shipped recipe by name, or a recipe file by path. A recipe that `extends` another (a shipped
 * name) starts from that one's preset, settings and stages: its own settings override them (its
 * `model` key by key, as a config file's do) and its own stages replace them.
 */
export function loadRecipe(nameOrFile: string, seen: string[] = []): Recipe {
  const file = existsSync(nameOrFile) ? nameOrFile : path.join(RECIPES_DIR, `${nameOrFile}.json`);
  if (!existsSync(file))
    throw new ConfigError(`--recipe ${nameOrFile}: neither a file nor a shipped recipe (${recipeNames().join(', ') || 'none'})`);
  const bytes = readFileSync(file);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ConfigError(`recipe ${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = raw as Record<string, unknown>;
  if (!r || typeof r !== 'object' || Array.isArray(r))
    throw new ConfigError(`recipe ${file}: expected an object with description, preset, settings and stages`);
  for (const k of Object.keys(r))
    if (!['description', 'extends', 'preset', 'settings', 'stages'].includes(k))
      throw new ConfigError(`recipe ${file}: unknown field '${k}' (expected description, extends, preset, settings, stages)`);
  if (typeof r.description !== 'string' || !r.description)
    throw new ConfigError(`recipe ${file}: 'description' must say what the recipe is for`);
  if (r.preset !== undefined && typeof r.preset !== 'string') throw new ConfigError(`recipe ${file}: 'preset' must be a preset name`);
  const settings = (r.settings ?? {}) as Record<string, unknown>;
  if (typeof settings !== 'object' || Array.isArray(settings))
    throw new ConfigError(`recipe ${file}: 'settings' must be an object of config keys`);
  const stages = parseStages(r.stages ?? [], file);
  const own: Recipe = {
    name: path.basename(file, '.json'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    description: r.description,
    ...(r.preset ? { preset: r.preset as string } : {}),
    settings,
    stages,
  };
  if (r.extends === undefined) return own;
  if (typeof r.extends !== 'string' || !recipeNames().includes(r.extends))
    throw new ConfigError(`recipe ${file}: 'extends' must name a shipped recipe (${recipeNames().join(', ')})`);
  if (seen.includes(r.extends)) throw new ConfigError(`recipe ${file}: 'extends' makes a cycle (${[...seen, r.extends].join(' -> ')})`);
  const base = loadRecipe(r.extends, [...seen, own.name]);
  const model = { ...((base.settings.model as object) ?? {}), ...((settings.model as object) ?? {}) };
  return {
    ...own,
    sha256: createHash('sha256').update(bytes).update(base.sha256).digest('hex'),
    ...((own.preset ?? base.preset) ? { preset: own.preset ?? base.preset } : {}),
    settings: { ...base.settings, ...settings, ...(Object.keys(model).length ? { model } : {}) },
    stages: r.stages !== undefined ? stages : base.stages,
  };
}

/** Stages in order from 0, each with settings a stage may change. */
export function parseStages(raw: unknown, where: string): Stage[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${where}: 'stages' must be a list of { "from": iteration, "settings": {...} }`);
  const keys = stageKeys();
  const stages = raw.map((s, i) => {
    const st = s as Record<string, unknown>;
    if (!Number.isInteger(st?.from) || (st.from as number) < 0)
      throw new ConfigError(`${where}: stage ${i + 1}'s 'from' must be an iteration (an integer >= 0)`);
    const settings = (st.settings ?? {}) as Record<string, number | string>;
    for (const k of Object.keys(settings))
      if (!keys.has(k))
        throw new ConfigError(`${where}: stage ${i + 1} sets '${k}', which a stage cannot change (it may set ${[...keys].join(', ')})`);
    return { from: st.from as number, settings };
  });
  if (stages.length && stages[0]!.from !== 0) throw new ConfigError(`${where}: the first stage must start at iteration 0`);
  for (let i = 1; i < stages.length; i++)
    if (stages[i]!.from <= stages[i - 1]!.from)
      throw new ConfigError(`${where}: stages must start at increasing iterations (stage ${i + 1} at ${stages[i]!.from})`);
  return stages;
}

/** The stage of an iteration (0-based) and the iteration at which it ends (the next stage's start, or the run's total). */
export function stageAt(stages: readonly Stage[], iteration: number, total: number): { index: number; stage: Stage; end: number } | null {
  if (!stages.length) return null;
  let index = 0;
  while (index + 1 < stages.length && stages[index + 1]!.from <= iteration) index++;
  return { index, stage: stages[index]!, end: index + 1 < stages.length ? stages[index + 1]!.from : total };
}
