// The web page of `pfd serve` (src/web/): index.html and style.css as they are,
// app.ts compiled for the browser by esbuild once, when the server starts (no
// separate build step or server). Served from memory: no request names a file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import type { FastifyInstance } from 'fastify';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');

export function registerWebPage(app: FastifyInstance): void {
  const html = readFileSync(path.join(dir, 'index.html'));
  const css = readFileSync(path.join(dir, 'style.css'));
  const js = transformSync(readFileSync(path.join(dir, 'app.ts'), 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'es2020',
    sourcefile: 'app.ts',
  }).code;
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/web/style.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(css));
  app.get('/web/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(js));
  // The page declares an empty icon; browsers that ask for /favicon.ico anyway get "no content", not a 404.
  app.get('/favicon.ico', async (_req, reply) => reply.status(204).send());
}
