// The first design after `pfd serve` starts, against warm ones: the page's request
// (POST /api/design for the chosen user and three others, k = 5 real items each),
// over loopback, for the first query of each category after the page's own first
// requests (the page, health, users, the catalog), then `--warm N` more. Two
// start-ups in one process, each with a fresh service: as `pfd serve` starts (model
// warm-up, catalog query codes, retrieval indexes) and with --no-warm (the model's
// warm-up alone). Figures: start-up seconds, first request ms per category, warm
// median ms, and first / warm.
//   npm run bench -- serve_first --run runs/demo/pretrained [--warm 20] [--threads 1]
import { parseArgs } from 'node:util';
import * as T from '../src/torch/index.js';
import { DesignService, DEFAULT_SERVICE } from '../src/serve/service.js';
import { buildApp } from '../src/serve/app.js';
import { complementOf } from '../src/models/designer.js';
import { writeResult, median } from './results.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    warm: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: 'serve_first' },
  },
});
if (!values.run) throw new Error('serve_first needs --run DIR');
const warmN = Number(values.warm);
T.setNumThreads(Number(values.threads)); // as `pfd serve --threads` (default 1)

const phases: Record<string, unknown>[] = [];
for (const startup of ['pfd serve', '--no-warm'] as const) {
  const t0 = performance.now();
  const service = new DesignService(values.run, { ...DEFAULT_SERVICE, batchWaitMs: 2 });
  if (startup === 'pfd serve') {
    await service.warmCatalogCodes();
    await service.warmRequests();
  }
  const startSeconds = (performance.now() - t0) / 1000;
  const app = buildApp(service);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const users = service.trained.users.slice(0, 4);
  const design = async (item: string) => {
    const t = performance.now();
    const r = await fetch(`${base}/api/design`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { item }, users, k: 5 }),
    });
    if (r.status !== 200) throw new Error(`design ${item}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    return performance.now() - t;
  };
  // What the page loads before a person can ask for a design (its requests open the connection).
  for (const url of ['/', '/api/health', '/api/users', '/api/items?category=top&limit=60']) await (await fetch(base + url)).arrayBuffer();
  const first: Record<string, number> = {};
  const warm: number[] = [];
  for (const target of service.targets) {
    const queries = [...service.items[complementOf(target)].keys()];
    first[target] = await design(queries[0]!);
    for (let i = 1; i <= warmN; i++) warm.push(await design(queries[i % queries.length]!));
  }
  const warmMs = median(warm);
  const phase = {
    startup,
    startup_seconds: startSeconds,
    first_ms: first,
    warm_median_ms: warmMs,
    first_over_warm: Object.fromEntries(Object.entries(first).map(([c, ms]) => [c, ms / warmMs])),
  };
  phases.push(phase);
  console.log(
    `${startup}: started in ${startSeconds.toFixed(1)} s; first design ${Object.entries(first)
      .map(([c, ms]) => `${c}s ${ms.toFixed(0)} ms`)
      .join(', ')}; warm median ${warmMs.toFixed(0)} ms (first/warm ${Object.values(phase.first_over_warm)
      .map((x) => x.toFixed(2))
      .join(', ')})`,
  );
  await app.close();
  await service.close();
}
const file = writeResult(
  values.out!,
  { run: values.run, warm_requests: warmN, phases },
  `npm run bench -- serve_first --run ${values.run} --warm ${warmN} --threads ${values.threads}`,
);
console.log(`wrote ${file}`);
