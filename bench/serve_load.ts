// Load on `pfd serve` over loopback: C concurrent clients send N design requests
// in all (GET /api/design.png for random catalog queries and users), with and
// without batching, in one process; plus one client alone (the latency of a
// single request, server overhead included). Throughput, latency p50/p99,
// errors and resident memory before/after each phase. Each phase's server first computes the
// catalog's query codes, as `pfd serve` does at start-up (--no-warm: per request instead).
//   npm run bench -- serve_load --run runs/demo/pretrained [--clients 16] [--requests 2000] [--wait 0 --wait 2 --wait 5] [--threads 1] [--no-warm]
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { DesignService, DEFAULT_SERVICE } from '../src/serve/service.js';
import { buildApp } from '../src/serve/app.js';
import { Rng } from '../src/data/rng.js';
import { writeResult, median } from './results.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    clients: { type: 'string', default: '16' },
    requests: { type: 'string', default: '2000' },
    wait: { type: 'string', multiple: true },
    single: { type: 'string', default: '200' },
    out: { type: 'string', default: 'serve_load' },
    'no-warm': { type: 'boolean' },
    threads: { type: 'string', default: '1' },
  },
});
if (!values.run) throw new Error('serve_load needs --run DIR');
const clients = Number(values.clients),
  requests = Number(values.requests),
  single = Number(values.single);
const waits = (values.wait ?? ['0', '2']).map(Number);
// Intra-op threads, as `pfd serve --threads` (default 1).
T.setNumThreads(Number(values.threads));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

const phases: Record<string, unknown>[] = [];
for (const wait of waits) {
  const service = new DesignService(values.run, { ...DEFAULT_SERVICE, batchWaitMs: wait });
  const tw = performance.now();
  const warmed = values['no-warm'] ? 0 : await service.warmCatalogCodes();
  const warmSeconds = (performance.now() - tw) / 1000;
  const app = buildApp(service);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const queries = [...service.items[service.targets[0] === 'bottom' ? 'top' : 'bottom'].keys()];
  const users = service.trained.users;
  const rng = new Rng(1, `load-${wait}`);
  const url = () => `${base}/api/design.png?item=${rng.pick(queries)}&user=${rng.pick(users)}`;
  const call = async () => {
    const t = performance.now();
    const r = await fetch(url());
    await r.arrayBuffer();
    return { ms: performance.now() - t, ok: r.status === 200 };
  };
  for (let i = 0; i < 20; i++) await call(); // warm-up
  // One client alone: the latency of a single request.
  const alone: number[] = [];
  for (let i = 0; i < single; i++) alone.push((await call()).ms);
  // The same without HTTP: the service's own time per design (the code z_q, G, PNG).
  const inProcess: number[] = [];
  for (let i = 0; i < single; i++) {
    const t = performance.now();
    await service.design({ item: rng.pick(queries) }, [rng.pick(users)], 0, 'nearest', false);
    inProcess.push(performance.now() - t);
  }
  // C clients until N requests are answered.
  const rss0 = rssMb();
  const lat: number[] = [];
  let errors = 0,
    issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < requests) {
        issued++;
        const r = await call();
        lat.push(r.ms);
        if (!r.ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const phase = {
    batch_wait_ms: wait,
    clients,
    requests: lat.length,
    errors,
    seconds,
    throughput_rps: lat.length / seconds,
    p50_ms: median(lat),
    p99_ms: pct(lat, 99),
    single_client: {
      requests: alone.length,
      p50_ms: median(alone),
      p99_ms: pct(alone, 99),
      in_process_p50_ms: median(inProcess),
      in_process_p99_ms: pct(inProcess, 99),
    },
    warm_codes: warmed,
    warm_codes_seconds: warmSeconds,
    forward_passes: service.batcher.stats.batches,
    designs: service.batcher.stats.requests,
    rss_mb_before: rss0,
    rss_mb_after: rssMb(),
  };
  phases.push(phase);
  console.log(JSON.stringify(phase));
  await app.close();
  await service.close();
}
const file = writeResult(
  values.out!,
  { run: values.run, phases },
  `npm run bench -- serve_load --run ${values.run} --clients ${clients} --requests ${requests} --single ${single} ${waits.map((w) => `--wait ${w}`).join(' ')} --threads ${values.threads}${values['no-warm'] ? ' --no-warm' : ''}`,
);
console.log(`wrote ${file}`);
