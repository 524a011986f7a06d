// `pfd serve`: the HTTP API (src/serve/app.ts) over one trained run, loaded once.
import { parseArgs } from 'node:util';
import * as T from '../torch/index.js';
import { DesignService, DEFAULT_SERVICE } from '../serve/service.js';
import { buildApp, DEFAULT_APP } from '../serve/app.js';
import { UsageError } from './errors.js';

export { SERVE_USAGE } from './serve_usage.js';

export async function serveCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      run: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'batch-wait-ms': { type: 'string' },
      'body-limit-mb': { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      log: { type: 'boolean' },
      'no-warm': { type: 'boolean' },
      threads: { type: 'string' },
    },
  });
  if (!v.run) throw new UsageError('pfd serve needs --run DIR (a folder written by pfd train)');
  const port = Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${v.port}'`);
  const wait = v['batch-wait-ms'] === undefined ? DEFAULT_SERVICE.batchWaitMs : Number(v['batch-wait-ms']);
  if (!(wait >= 0 && wait <= 1000)) throw new UsageError(`--batch-wait-ms must be a number from 0 to 1000, got '${v['batch-wait-ms']}'`);
  const mb = v['body-limit-mb'] === undefined ? DEFAULT_APP.bodyLimit / 2 ** 20 : Number(v['body-limit-mb']);
  if (!(mb > 0 && mb <= 256)) throw new UsageError(`--body-limit-mb must be a number above 0 and at most 256, got '${v['body-limit-mb']}'`);
  // One intra-op thread by default: a design alone is faster on one (G 7 ms against 11.5 ms on
  // two, this 2-core machine), and the other cores are left to HTTP, PNG encoding and decoding;
  // measured in docs/serving.md. Switching per batch costs more than it saves.
  const threads = v.threads === undefined ? 1 : Number(v.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024)
    throw new UsageError(`--threads must be a positive integer, got '${v.threads}'`);
  T.setNumThreads(threads);
  const service = new DesignService(v.run, { ...DEFAULT_SERVICE, device: T.parseDevice(v.device!), batchWaitMs: wait });
  const app = buildApp(service, { bodyLimit: Math.round(mb * 2 ** 20), logger: !!v.log });
  const stop = async () => {
    await app.close();
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const url = await app.listen({ host: v.host!, port });
  console.log(`serving ${service.trained.run.dir} (model ${service.trained.config.method ?? 'designer'}, iteration ${service.trained.iteration}, ${service.trained.users.length} users) at ${url}
  API: ${url}/api/openapi.json${v.host !== '127.0.0.1' && v.host !== 'localhost' ? `\n  note: bound to ${v.host}, reachable from other machines` : ''}`);
  // The catalog's query codes, so that a design request skips F (served meanwhile).
  if (!v['no-warm']) {
    const t = performance.now();
    const n = await service.warmCatalogCodes();
    await service.warmRequests(); // a page-shaped request per category: no person pays for the first pass
    if (n)
      console.log(`query codes of ${n} catalog items and the retrieval indexes ready (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  await new Promise(() => {}); // until a signal stops it
}
