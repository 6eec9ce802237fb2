/**
 * The one HTTP service: the channels' routes (Slack at /slack/events, Teams at /api/messages,
 * the REST API at /api/v1), GET /healthz (alive), GET /readyz (store reachable, content
 * loaded) and GET /metrics. Every request gets a request id (X-Request-Id, taken from the
 * proxy when it sent a sane one) that every log line of its turn carries. A declared length
 * over the limit is refused before any route reads the body; a handler that throws is a 500
 * without details.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { requestContext } from '../log.ts';
import type { Metrics } from '../metrics/defuse-metrics.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.ts';

/**
 * 1 MiB: far above any Slack event or Teams activity (Slack caps a message at 40,000
 * characters), far below what could hurt the process.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Route {
  /** The metrics label: slack, teams, api, console. */
  name: string;
  /** Path prefix this handler owns, e.g. "/slack/events". */
  path: string;
  /** For a route that owns more than one prefix (the console's pages): decides instead of `path`. */
  match?: (path: string) => boolean;
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface Health {
  /** Content loaded and the service started (and not stopping). */
  ready: () => boolean;
  /** The store answers; rejects with a reason when it does not. */
  storeReachable: () => Promise<void>;
  details: () => Record<string, string | number | boolean>;
}

/** A JSON answer, or an empty one when there is no body (an invoke that returns nothing). */
export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface HttpService {
  server: Server;
  /** Stop taking requests: new ones get 503, idle keep-alive connections close. */
  stopAccepting(): void;
}

export function createHttpServer(routes: Route[], health: Health, log: Logger, metrics: Metrics): HttpService {
  let stopping = false;
  const server = createServer((req, res) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.find((r) => (r.match ? r.match(path) : path === r.path || path.startsWith(`${r.path}/`)));
    const label = route?.name ?? (path === '/healthz' ? 'health' : path === '/readyz' ? 'ready' : path === '/metrics' ? 'metrics' : 'other');
    const started = performance.now();
    res.on('finish', () => {
      metrics.httpRequests.inc({ route: label, status: String(res.statusCode) });
      metrics.httpSeconds.observe({ route: label }, (performance.now() - started) / 1000);
    });
    requestContext.run({ requestId }, () => handle(req, res, path, route));
  });

  function handle(req: IncomingMessage, res: ServerResponse, path: string, route: Route | undefined): void {
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && get) {
      // Alive: the process answers. Readiness (can it do work) is /readyz.
      const ready = health.ready();
      send(res, ready ? 200 : 503, { status: ready ? 'ok' : stopping ? 'stopping' : 'starting', ...health.details() });
      return;
    }
    if (path === '/readyz' && get) {
      if (!health.ready()) {
        send(res, 503, { status: stopping ? 'stopping' : 'starting' });
        return;
      }
      health.storeReachable().then(
        () => send(res, 200, { status: 'ready', store: 'reachable', content: 'loaded' }),
        (err: unknown) => {
          log.warn('not ready: store unreachable', { code: (err as { code?: string }).code ?? 'unknown' });
          send(res, 503, { status: 'not_ready', store: 'unreachable', content: 'loaded' });
        },
      );
      return;
    }
    if (path === '/metrics' && get) {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
      res.end(metrics.registry.render());
      return;
    }
    if (!route) {
      send(res, 404, { error: 'not_found' });
      return;
    }
    if (stopping) {
      send(res, 503, { error: 'stopping', message: 'This instance is shutting down; retry on another.' }, { connection: 'close', 'retry-after': '1' });
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) {
      // Answered before a byte of the body is read; the connection closes so the rest is not.
      send(res, 413, { error: 'body_too_large', message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.` }, { connection: 'close' });
      req.destroy();
      return;
    }
    // A chunked body (no length) is allowed: every route reads its body through
    // http/body.ts, which stops at MAX_BODY_BYTES and answers 413.
    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((err: unknown) => {
        log.error('request failed', { path: route.path, code: (err as { code?: string }).code ?? 'internal' });
        if (!res.headersSent) send(res, 500, { error: 'internal' });
        else res.end();
      });
  }

  return {
    server,
    stopAccepting() {
      stopping = true;
      server.close();
      server.closeIdleConnections();
    },
  };
}
