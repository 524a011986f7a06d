// One rank of the distributed tests (test/dist/process_group.test.ts starts 1 or 2 of these,
// with RANK, WORLD_SIZE, MASTER_PORT set). Prints one JSON line with what it observed.
//   collectives: all-reduce, broadcast, gradient and buffer averaging
//   tiny OUT: 20 Adam steps of a small MLP on a fixed global batch of 16, this rank's slice;
//             writes the final weights to OUT (the 2-vs-1 equivalence)
//   die / hang: rank 1 exits / stops answering after the rendezvous; rank 0 reports the error
import { writeFileSync } from 'node:fs';
import * as T from '../../src/torch/index.js';
import * as nn from '../../src/nn/index.js';
import { ProcessGroup } from '../../src/distributed/process_group.js';
import { DataParallel } from '../../src/distributed/data_parallel.js';
import { rendezvousFromEnv } from '../../src/distributed/launch.js';

const mode = process.argv[2]!;
const r = rendezvousFromEnv() ?? { masterAddr: '127.0.0.1', masterPort: 1, rank: 0, worldSize: 1, timeoutMs: 10_000 };
const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  if (mode === 'tiny') return tiny(process.argv[3]!);
  const pg = await ProcessGroup.connect(r);
  if (mode === 'collectives') {
    const a = T.tensor([r.rank + 1, 10 * (r.rank + 1), -1], { dtype: 'float32' });
    await pg.allReduceAsync(a);
    const b = T.tensor([r.rank === 1 ? 7 : 0, r.rank === 1 ? 8 : 0], { dtype: 'int64' });
    await pg.broadcastAsync(b, 1);
    // Gradients of a parameter: rank 0 has [1, 2], rank 1 [3, 6] -> mean [2, 4]; a missing one counts as zeros.
    const p = T.keep(T.zeros([2]).requiresGrad_());
    const q = T.keep(T.zeros([1]).requiresGrad_());
    T.tidy(() => T.sum(T.mul(p, T.tensor(r.rank === 0 ? [1, 2] : [3, 6]))).backward());
    if (r.rank === 1) T.tidy(() => T.sum(T.mul(q, 4)).backward());
    pg.averageGradients([p, q], 4); // a 4-byte bucket: one tensor per bucket
    const buf = T.keep(T.tensor([r.rank * 2, 1], { dtype: 'float32' }));
    pg.averageTensors([buf]);
    print({ rank: r.rank, sum: a.toArray(), bcast: b.toArray(), grad: p.grad!.toArray(), gradQ: q.grad!.toArray(), buf: buf.toArray() });
    await pg.barrierAsync();
  } else if (mode === 'die' || mode === 'hang') {
    await pg.barrierAsync();
    if (r.rank === 1) {
      if (mode === 'die') process.exit(3);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 12_000); // hung: alive, not answering
      process.exit(0);
    }
    const t0 = Date.now();
    try {
      await pg.allReduceAsync(T.ones([4]));
      print({ rank: 0, error: null });
    } catch (e) {
      print({ rank: 0, error: (e as Error).message, name: (e as Error).name, seconds: (Date.now() - t0) / 1000 });
    }
    process.exit(0);
  }
  pg.close();
}

/** A small MLP trained on a fixed global batch; each rank takes rows [rank*16/W, (rank+1)*16/W). */
async function tiny(out: string): Promise<void> {
  T.manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.Tanh(), new nn.Linear(16, 1));
  const opt = new nn.Adam(model.parameters(), { lr: 1e-2 });
  const dist = r.worldSize > 1 ? new DataParallel(await ProcessGroup.connect(r)) : null;
  if (r.rank === 1)
    T.tidy(() => {
      for (const p of model.parameters()) T.noGrad(() => T.add_(p, 1));
    }); // rank 0's weights must win
  dist?.attach(model, [opt]);
  const per = 16 / r.worldSize;
  const losses: number[] = [];
  for (let it = 0; it < 20; it++) {
    T.tidy(() => {
      T.manualSeed(100);
      const x = T.randn([16, 8]),
        y = T.randn([16, 1]); // [16, 8], [16, 1]: the global batch, the same every step
      const xs = T.narrow(x, 0, r.rank * per, per),
        ys = T.narrow(y, 0, r.rank * per, per);
      opt.zeroGrad();
      const loss = T.mseLoss(model.forward(xs), ys);
      loss.backward();
      opt.step();
      losses.push(dist ? (dist.agree({ loss: loss.item() }, false).losses.loss as number) : loss.item());
    });
  }
  if (r.rank === 0) writeFileSync(out, JSON.stringify({ losses, weights: model.parameters().map((p) => p.toArray()) }));
  print({ rank: r.rank, done: true });
  dist?.group.close();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
