// The HTTP API of `pfd serve` on fastify: a JSON schema on every route (fastify
// validates requests against it), one error catalogue (errors.ts), and an
// OpenAPI description generated from the same schemas. buildApp() returns the
// instance unstarted, so tests drive it with inject() and no sockets.
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import type { Category } from '../models/designer.js';
import { ApiError, errorBody, ERROR_SCHEMA } from './errors.js';
import { publicId, type DesignService } from './service.js';
import { registerWebPage } from './web.js';

export interface AppOptions {
  bodyLimit: number; // bytes of a request body (an uploaded image travels base64 in JSON)
  logger: boolean;
}

export const DEFAULT_APP: AppOptions = { bodyLimit: 8 * 2 ** 20, logger: false };

/** The largest photo a request body of `bodyLimit` bytes carries: base64 (4 bytes per 3) plus room for the JSON around it. */
export function maxPhotoBytes(bodyLimit: number): number {
  return Math.max(0, Math.floor(((bodyLimit - 1024) * 3) / 4));
}

/** Bytes as a person reads them: 6.0 MB, 3 KB. */
export function humanBytes(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 2 ** 10))} KB`;
}

/** Most queries (and users) of one query x user grid. */
export const GRID_MAX = 8;

const CATEGORY = { type: 'string', enum: ['top', 'bottom'] } as const;
const ITEM_ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const USER_ID = { type: 'string', minLength: 1, maxLength: 64 } as const;
const RETRIEVED = {
  type: 'object',
  properties: { id: { type: 'string' }, distance: { type: 'number' }, score: { type: 'number' }, image: { type: 'string' } },
} as const;

/** Routes with their schemas, for the OpenAPI description. */
interface RouteDoc {
  method: string;
  url: string;
  summary: string;
  schema: Record<string, unknown>;
}

export function buildApp(service: DesignService, o: Partial<AppOptions> = {}): FastifyInstance {
  const opts = { ...DEFAULT_APP, ...o };
  const app = Fastify({
    logger: opts.logger,
    bodyLimit: opts.bodyLimit,
    routerOptions: { maxParamLength: 256 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  });
  app.removeContentTypeParser(['text/plain']); // JSON only: anything else is a 415
  const docs: RouteDoc[] = [];
  const doc = (method: string, url: string, summary: string, schema: Record<string, unknown>) => {
    docs.push({ method, url, summary, schema });
    return { schema: { ...schema, response: { ...((schema.response as object) ?? {}), '4xx': ERROR_SCHEMA } } };
  };

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return reply.status(err.status).send(errorBody(err.code, err.message));
    const e = err as FastifyError;
    if (e.validation)
      return reply
        .status(400)
        .send(
          errorBody(
            'BAD_REQUEST',
            `${e.validationContext ?? 'request'}${e.message.replace(/^(body|querystring|params)/, '').replace(/^(?!\/)/, ' ')}`,
          ),
        );
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .status(413)
        .send(
          errorBody(
            'PAYLOAD_TOO_LARGE',
            `the request is larger than this server's ${humanBytes(opts.bodyLimit)} limit (${opts.bodyLimit} bytes): an uploaded photo travels base64 in JSON, so photos up to ${humanBytes(maxPhotoBytes(opts.bodyLimit))} fit`,
          ),
        );
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply
        .status(415)
        .send(
          errorBody(
            'UNSUPPORTED_MEDIA_TYPE',
            `content type '${req.headers['content-type'] ?? ''}' is not accepted here: send application/json`,
          ),
        );
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.status(400).send(errorBody('BAD_REQUEST', e.message));
    req.log.error(err);
    return reply.status(500).send(errorBody('INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));

  registerWebPage(app);

  const imageUrl = (category: Category, id: string) => `/api/items/${category}/${encodeURIComponent(id)}/image`;

  app.get('/api/health', doc('GET', '/api/health', 'the loaded model', {}), async () => ({
    status: 'ok',
    model: service.trained.config.method ?? 'designer',
    iteration: service.trained.iteration,
    targets: service.targets,
    users: service.trained.users.length,
    image_size: service.trained.imageSize,
    retrieval: service.designer !== null, // real items under each design (the designer's compatibility discriminator)
    max_photo_bytes: maxPhotoBytes(opts.bodyLimit),
  }));

  app.get('/api/users', doc('GET', '/api/users', 'every user the model designs for', {}), async () => ({ users: service.users() }));

  app.post<{ Body: { id: string; outfits: { top: string; bottom: string }[] } }>(
    '/api/users',
    doc('POST', '/api/users', 'a new user from outfits they like (theta_u learned, everything else frozen; stored in SQLite)', {
      body: {
        type: 'object',
        required: ['id', 'outfits'],
        additionalProperties: false,
        properties: {
          id: USER_ID,
          outfits: {
            type: 'array',
            minItems: 1,
            maxItems: 500,
            items: {
              type: 'object',
              required: ['top', 'bottom'],
              additionalProperties: false,
              properties: { top: ITEM_ID, bottom: ITEM_ID },
            },
          },
        },
      },
    }),
    async (req, reply) => reply.status(201).send(await service.createUser(req.body.id, req.body.outfits)),
  );

  app.get<{ Querystring: { category?: Category; q?: string; offset: number; limit: number } }>(
    '/api/items',
    doc('GET', '/api/items', 'browse and search the catalog', {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          category: CATEGORY,
          q: { type: 'string', maxLength: 128 },
          offset: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
    }),
    async (req) => {
      const r = service.listItems(req.query.category, req.query.q, req.query.offset, req.query.limit);
      return { total: r.total, items: r.items.map((x) => ({ ...x, image: imageUrl(x.category, x.id) })) };
    },
  );

  app.get<{ Params: { category: Category; id: string } }>(
    '/api/items/:category/:id/image',
    doc('GET', '/api/items/{category}/{id}/image', "an item's image", {
      params: { type: 'object', required: ['category', 'id'], properties: { category: CATEGORY, id: ITEM_ID } },
    }),
    async (req, reply) => {
      const bytes = service.itemImage(req.params.category, req.params.id);
      const type =
        bytes[0] === 0x89
          ? 'image/png'
          : bytes[0] === 0xff
            ? 'image/jpeg'
            : bytes.subarray(8, 12).toString() === 'WEBP'
              ? 'image/webp'
              : 'application/octet-stream';
      return reply.type(type).header('cache-control', 'public, max-age=3600').send(bytes);
    },
  );

  app.post<{ Body: { query: { item?: string; image?: string; as?: Category }; users: string[]; k: number; rank: 'nearest' | 'compat' } }>(
    '/api/design',
    doc(
      'POST',
      '/api/design',
      'designs for one query (a catalog item or an uploaded image, base64) and several users, each with the k nearest real items',
      {
        body: {
          type: 'object',
          required: ['query', 'users'],
          additionalProperties: false,
          properties: {
            query: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: { item: ITEM_ID, image: { type: 'string', minLength: 1 }, as: CATEGORY },
            },
            users: { type: 'array', minItems: 1, maxItems: 32, items: USER_ID },
            k: { type: 'integer', minimum: 0, maximum: 20, default: 5 },
            rank: { type: 'string', enum: ['nearest', 'compat'], default: 'nearest' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              target: CATEGORY,
              designs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    user: { type: 'string' },
                    image: { type: 'string' },
                    score: { type: ['number', 'null'] },
                    items: { type: 'array', items: RETRIEVED },
                  },
                },
              },
            },
          },
        },
      },
    ),
    async (req) => {
      const { query, users, k, rank } = req.body;
      if ((query.item === undefined) === (query.image === undefined))
        throw new ApiError('BAD_REQUEST', 'the query is either a catalog "item" id or an uploaded "image" (base64), exactly one of them');
      const image = query.image === undefined ? undefined : Buffer.from(query.image, 'base64');
      if (image && image.length === 0) throw new ApiError('BAD_IMAGE', 'the uploaded image is empty (or not base64)');
      const r = await service.design({ item: query.item, image, as: query.as }, users, k, rank);
      return {
        target: r.target,
        designs: r.designs.map((d) => ({
          user: d.user,
          image: `data:image/png;base64,${d.png.toString('base64')}`,
          score: d.score,
          items: d.items.map((x) => ({
            id: publicId(x.id),
            distance: x.distance,
            score: x.score,
            image: imageUrl(r.target, publicId(x.id)),
          })),
        })),
      };
    },
  );

  app.post<{ Body: { queries: string[]; users: string[] } }>(
    '/api/design/grid',
    doc(
      'POST',
      '/api/design/grid',
      "a query x user grid (the paper's Fig. 7 for several queries): each catalog item designed for each user",
      {
        body: {
          type: 'object',
          required: ['queries', 'users'],
          additionalProperties: false,
          properties: {
            queries: { type: 'array', minItems: 1, maxItems: GRID_MAX, items: ITEM_ID },
            users: { type: 'array', minItems: 1, maxItems: GRID_MAX, items: USER_ID },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              users: { type: 'array', items: { type: 'string' } },
              rows: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    query: { type: 'object', properties: { id: { type: 'string' }, category: CATEGORY, image: { type: 'string' } } },
                    target: CATEGORY,
                    designs: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    ),
    async (req) => {
      const { queries, users } = req.body;
      // One row per query, each designed for every user in one batch (no retrieval, no scores).
      const rows = [];
      for (const item of queries) {
        const r = await service.design({ item }, users, 0, 'nearest', false);
        const category = r.target === 'top' ? 'bottom' : 'top';
        rows.push({
          query: { id: item, category, image: imageUrl(category, item) },
          target: r.target,
          designs: r.designs.map((d) => `data:image/png;base64,${d.png.toString('base64')}`),
        });
      }
      return { users, rows };
    },
  );

  app.get<{ Querystring: { item: string; user: string } }>(
    '/api/design.png',
    doc('GET', '/api/design.png', 'one design as a PNG (the fast path: no retrieval)', {
      querystring: {
        type: 'object',
        required: ['item', 'user'],
        additionalProperties: false,
        properties: { item: ITEM_ID, user: USER_ID },
      },
    }),
    async (req, reply) => {
      const r = await service.design({ item: req.query.item }, [req.query.user], 0, 'nearest', false);
      return reply.type('image/png').send(r.designs[0]!.png);
    },
  );

  app.get('/api/openapi.json', async () => ({
    openapi: '3.0.3',
    info: { title: 'pfd serve: personalized fashion design', version: '1' },
    paths: Object.fromEntries(
      Object.entries(
        docs.reduce<Record<string, Record<string, unknown>>>((acc, r) => {
          (acc[r.url] ??= {})[r.method.toLowerCase()] = {
            summary: r.summary,
            ...(r.schema.body ? { requestBody: { content: { 'application/json': { schema: r.schema.body } } } } : {}),
            parameters: [
              ...Object.entries((r.schema.querystring as { properties?: object })?.properties ?? {}).map(([name, schema]) => ({
                name,
                in: 'query',
                schema,
              })),
              ...Object.entries((r.schema.params as { properties?: object })?.properties ?? {}).map(([name, schema]) => ({
                name,
                in: 'path',
                required: true,
                schema,
              })),
            ],
            responses: {
              200: {
                description: 'ok',
                ...(r.schema.response
                  ? { content: { 'application/json': { schema: (r.schema.response as Record<string, unknown>)[200] } } }
                  : {}),
              },
              '4xx': { description: 'an error of the catalogue', content: { 'application/json': { schema: ERROR_SCHEMA } } },
            },
          };
          return acc;
        }, {}),
      ),
    ),
  }));

  return app;
}
