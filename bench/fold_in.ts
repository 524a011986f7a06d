// New users without retraining: how fast is the fold-in, how few outfits still
// work, and how close does a folded-in theta_u come to a trained one?
//   npm run bench -- fold_in --run runs/heldout --users u0020,u0021,u0022,u0023 [--reference u0000,u0001,u0002,u0003]
// For each setting (outfits per user x Adam steps x L2 to the prior), the new users'
// theta_u are learned from their training outfits with everything frozen, then
// scored on their TEST outfits: per-user AUC of s_{u,o} against both negative kinds,
// the mean theta norm against the trained users', and the seconds per user.
// --reference users were trained with the model: each is folded in again from
// scratch under a new id, so the fold-in is compared with the trained vector under
// the same F and M (the cleanest test of the optimization itself).
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { openRun } from '../src/run/trained_model.js';
import { loadDataset } from '../src/data/load.js';
import { loadImageBytes } from '../src/data/images.js';
import { Rng } from '../src/data/rng.js';
import { foldInUsers, DEFAULT_FOLD_IN, type CodedOutfit, type FoldInOptions } from '../src/users/fold_in.js';
import { itemCodes } from '../src/models/item_codes.js';
import { requireDesigner } from '../src/models/fashion_model.js';
import { auc } from '../src/eval/auc.js';
import { writeResult } from './results.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    users: { type: 'string' },
    reference: { type: 'string' },
    out: { type: 'string', default: 'fold_in' },
    outfits: { type: 'string', multiple: true },
    steps: { type: 'string', multiple: true },
    l2: { type: 'string', multiple: true },
    lr: { type: 'string', multiple: true },
    start: { type: 'string', multiple: true },
  },
});
if (!values.run || !values.users) throw new Error('fold_in needs --run DIR --users ID,ID,...');
const trained = openRun(values.run, 'cpu', 'fp32');
const model = requireDesigner(trained.model, 'the fold-in benchmark');
const d = loadDataset({ ...trained.config.data, excludeUsers: undefined });
const decode = async (items: { path: string }[]) => {
  const all = new Uint8Array(items.length * 3 * 64 * 64);
  for (let i = 0; i < items.length; i++) all.set(await loadImageBytes(items[i]!.path, 64), i * 3 * 64 * 64);
  return T.tidy(() => T.keep(itemCodes(model, T.tensor(all, { dtype: 'uint8', shape: [items.length, 3, 64, 64] }), 'cpu')));
};
const tops = await decode(d.tops),
  bottoms = await decode(d.bottoms); // F's codes of every item [N, latent]
const userIdx = (id: string) => d.users.indexOf(id);
const outfitsOf = (id: string, split: string): CodedOutfit[] =>
  d.outfits.filter((o) => o.user === userIdx(id) && o.split === split).map((o) => ({ top: o.top, bottom: o.bottom }));
const knownTrain = d.outfits
  .filter((o) => o.split === 'train' && trained.users.slice(0, trained.trainedUsers).includes(d.users[o.user]!))
  .map((o) => ({ top: o.top, bottom: o.bottom }));

/** Per-user AUC on test outfits: positives vs a kind-1 and a kind-2 negative each, scored with theta [1, latent]. */
function testAuc(theta: T.Tensor, id: string, seed: number): number {
  const rng = new Rng(seed, `auc:${id}`);
  const pos = outfitsOf(id, 'test');
  const others = d.outfits.filter((o) => o.split === 'test' && o.user !== userIdx(id));
  const neg: CodedOutfit[] = pos.flatMap((o) => {
    const k2 = others[rng.int(others.length)]!;
    return [
      rng.next() < 0.5 ? { top: o.top, bottom: rng.int(d.bottoms.length) } : { top: rng.int(d.tops.length), bottom: o.bottom },
      { top: k2.top, bottom: k2.bottom },
    ];
  });
  const score = (os: CodedOutfit[]) =>
    T.tidy(() =>
      T.noGrad(() =>
        model.metric.forward(
          T.mul(
            T.mul(
              T.expand(theta, [os.length, -1]),
              T.indexSelect(
                tops,
                0,
                T.tensor(
                  os.map((o) => o.top),
                  { dtype: 'int64' },
                ),
              ),
            ),
            T.indexSelect(
              bottoms,
              0,
              T.tensor(
                os.map((o) => o.bottom),
                { dtype: 'int64' },
              ),
            ),
          ),
        ),
      ).toArray(),
    );
  return auc(score(pos), score(neg));
}

const trainedTheta = (id: string) => T.tidy(() => T.keep(T.narrow(model.userVectors!.weight, 0, trained.users.indexOf(id), 1)));
const trainedNorm = T.tidy(() =>
  T.mean(T.sqrt(T.sum(T.square(T.narrow(model.userVectors!.weight, 0, 0, trained.trainedUsers)), [1]))).item(),
);
const ints = (xs: string[] | undefined, dflt: number[]) => (xs?.length ? xs.map(Number) : dflt);
const grid = {
  outfits: ints(values.outfits, [2, 5, 20, 0]),
  steps: ints(values.steps, [200]),
  l2: ints(values.l2, [1e-3]),
  lr: ints(values.lr, [0.05]),
  start: (values.start?.length ? values.start : ['nearest', 'mean']) as FoldInOptions['start'][],
};
const rows: Record<string, unknown>[] = [];
for (const group of [
  { kind: 'new', ids: values.users.split(',') },
  ...(values.reference ? [{ kind: 'refit', ids: values.reference.split(',') }] : []),
]) {
  for (const n of grid.outfits)
    for (const steps of grid.steps)
      for (const l2 of grid.l2)
        for (const lr of grid.lr)
          for (const start of grid.start) {
            const users = group.ids.map((id) => {
              const os = outfitsOf(id, 'train');
              return n ? new Rng(1, `fold-in-outfits:${id}`).shuffle([...os]).slice(0, n) : os;
            });
            const o: FoldInOptions = { ...DEFAULT_FOLD_IN, steps, l2, lr, start };
            const r = foldInUsers(model, { tops, bottoms, users, others: knownTrain }, o);
            const aucs = group.ids.map((id, i) => T.tidy(() => testAuc(T.narrow(r.theta, 0, i, 1), id, 1)));
            const norm = T.tidy(() => T.mean(T.sqrt(T.sum(T.square(r.theta), [1]))).item());
            const row: Record<string, unknown> = {
              users: group.kind,
              outfits_per_user: n || 'all',
              start,
              steps,
              l2,
              lr,
              auc_per_user: aucs.reduce((a, b) => a + b, 0) / aucs.length,
              theta_norm: norm,
              trained_theta_norm: trainedNorm,
              ms_per_user: (r.seconds * 1000) / group.ids.length,
              final_loss: r.loss[r.loss.length - 1],
            };
            if (group.kind === 'refit') {
              const ref = group.ids.map((id) => {
                const t = trainedTheta(id);
                const a = testAuc(t, id, 1);
                t.dispose();
                return a;
              });
              row.auc_trained_theta = ref.reduce((a, b) => a + b, 0) / ref.length;
            }
            rows.push(row);
            console.log(JSON.stringify(row));
            r.theta.dispose();
          }
}
const file = writeResult(
  values.out!,
  { run: values.run, iteration: trained.iteration, users: values.users, reference: values.reference ?? null, rows },
  `npm run bench -- fold_in --run ${values.run} --users ${values.users}${values.reference ? ` --reference ${values.reference}` : ''}`,
);
console.log(`wrote ${file}`);
T.dispose([tops, bottoms]);
trained.dispose();
