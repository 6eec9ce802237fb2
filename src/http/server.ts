/**
 * The one HTTP service: Slack's request URL (POST /slack/events, handed to Bolt's receiver)
 * and GET /healthz. Anything else is a 404; a handler that throws is a 500 without details.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';

export interface Route {
  /** Path prefix this handler owns, e.g. "/slack/events". */
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface Health {
  ready: () => boolean;
  details: () => Record<string, string | number | boolean>;
}

/** A JSON answer, or an empty one when there is no body (an invoke that returns nothing). */
export function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function createHttpServer(routes: Route[], health: Health, log: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ready = health.ready();
      send(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', ...health.details() });
      return;
    }
    const route = routes.find((r) => path === r.path || path.startsWith(`${r.path}/`));
    if (!route) {
      send(res, 404, { error: 'not_found' });
      return;
    }
    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((err: unknown) => {
        log.error('request failed', { path: route.path, code: (err as { code?: string }).code ?? 'internal' });
        if (!res.headersSent) send(res, 500, { error: 'internal' });
        else res.end();
      });
  });
}
