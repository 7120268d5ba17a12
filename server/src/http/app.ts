// The HTTP server: every request is authenticated before its body is read (onRequest), bodies are left unread for
// the routes to stream with their own limits, and every refusal is a JSON error body (docs/STORE.md section 6).
import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { authenticate } from '../auth/authenticate.js';
import { NonceRecorder } from '../auth/nonces.js';
import { isUnavailable } from '../db/pool.js';
import type { ServerContext } from './context.js';
import { LibraryRefusal, StoreError } from './errors.js';
import { objectRoutes } from './objects.js';
import { uploadRoutes } from './uploads.js';

export function buildApp(ctx: ServerContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 2048 },
    // Node's own limits still apply to headers and the request line.
    frameworkErrors: (error, _req, reply) => {
      void sendError(reply, new StoreError(400, 'bad_path', error.message));
    },
  });
  app.decorateRequest('principal', null);

  // Bodies are read by the routes (counted, hashed, at most one part in memory), never by the framework.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  // A read (an object, a listing, a device list: nothing changes) runs while its nonce commits, and its answer, or
  // its refusal, waits for that commit in onSend: a replay gets request_replayed and nothing of what was read. Any
  // other request runs only once its nonce is committed.
  const v1 = `${ctx.config.prefix}/v1`;
  const reads = [`${v1}/o/`, `${v1}/list/`, `${v1}/log/`];
  const isRead = (method: string | undefined, url: string | undefined): boolean =>
    method === 'GET' && reads.some((r) => (url ?? '').startsWith(r));
  const nonces = new NonceRecorder(ctx.db);
  app.decorateRequest('nonceRecorded', null);
  app.addHook('onRequest', async (req) => {
    const defer = isRead(req.raw.method, req.raw.url)
      ? (recorded: Promise<void>): void => { req.nonceRecorded = recorded; } : undefined;
    req.principal = await authenticate(ctx.db, ctx.limiter, nonces, req.raw, defer);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const recorded = req.nonceRecorded;
    if (recorded === null) return payload;
    req.nonceRecorded = null;
    try {
      await recorded;
      return payload;
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;  // the database: 503 through the error handler
      if (payload instanceof Readable) payload.destroy();
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      reply.code(e.status).type('application/json; charset=utf-8');
      return JSON.stringify(e.body());
    }
  });

  app.setErrorHandler((error: FastifyError | Error, _req, reply) => sendError(reply, error));
  app.setNotFoundHandler((_req, reply) => sendError(reply, new StoreError(404, 'not_found', 'no such resource')));

  objectRoutes(app, ctx, v1);
  uploadRoutes(app, ctx, v1);
  return app;
}

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof StoreError) {
    for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
    // A body left unread (refused before reading it) is not drained: the connection closes after the answer.
    if (!reply.request.raw.complete) reply.header('connection', 'close');
    return reply.code(error.status).send(error.body());
  }
  if (error instanceof LibraryRefusal) return reply.code(422).send(error.body());
  if (isUnavailable(error)) {
    return reply.code(503).header('retry-after', '1')
      .send({ error: 'unavailable', code: null, message: 'the database is unreachable; retry' });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(400).send({ error: 'bad_request', code: null, message: (error as Error).message });
  }
  reply.log.error(error);
  console.error('coffre-server: internal error', error);
  return reply.code(500).send({ error: 'internal', code: null, message: 'internal error' });
}
