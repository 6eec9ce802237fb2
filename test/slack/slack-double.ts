/**
 * A local stand-in for Slack's Web API (and for response_url), on 127.0.0.1. It answers
 * the methods Defuse calls with Slack's documented shapes, records every call, and can be
 * told to fail a method once (rate limit with Retry-After, channel errors).
 */
import { createServer, type Server } from 'node:http';
import { listenLoopback } from '../support/service-harness.ts';

export interface Call {
  method: string;
  body: Record<string, unknown>;
  at: number;
}

type Failure = { status: number; error: string; retryAfter?: number; when?: (body: Record<string, unknown>) => boolean };

export class SlackDouble {
  readonly calls: Call[] = [];
  /** Members per channel id, for conversations.members. */
  readonly members = new Map<string, string[]>();
  /** Every answer waits this long: a slow Slack, so turns are still in flight when a test acts. */
  delayMs = 0;
  private readonly failures = new Map<string, Failure[]>();
  private server: Server | undefined;
  private ts = 1_700_000_000;
  url = '';
  origin = '';
  /** Called on every recorded call (the bench times replies with it). */
  onCall: ((c: Call) => void) | undefined;
  /** Keep no call log (a long benchmark would only grow it). */
  record = true;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', async () => {
        const path = (req.url ?? '').split('?')[0]!;
        const method = path.startsWith('/api/') ? path.slice(5) : path.startsWith('/respond/') ? 'response_url' : path;
        const body = parseBody(raw, String(req.headers['content-type'] ?? ''), this.record);
        const call = { method, body, at: Date.now() };
        if (this.record) this.calls.push(call);
        this.onCall?.(call);
        if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
        const pending = this.failures.get(method) ?? [];
        const index = pending.findIndex((f) => !f.when || f.when(body));
        const fail = index === -1 ? undefined : pending.splice(index, 1)[0];
        if (fail) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (fail.retryAfter !== undefined) headers['retry-after'] = String(fail.retryAfter);
          res.writeHead(fail.status, headers);
          res.end(JSON.stringify({ ok: false, error: fail.error }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.answer(method, body)));
      });
    });
    this.origin = await listenLoopback(this.server);
    this.url = `${this.origin}/api/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  failOnce(method: string, failure: Failure): void {
    const list = this.failures.get(method) ?? [];
    list.push(failure);
    this.failures.set(method, list);
  }

  of(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `count` calls of `method` (matching `where`) have arrived. */
  async waitFor(method: string, count = 1, where: (c: Call) => boolean = () => true, timeoutMs = 5000): Promise<Call[]> {
    const start = Date.now();
    for (;;) {
      const found = this.calls.filter((c) => c.method === method && where(c));
      if (found.length >= count) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${count} × ${method}; got ${found.length}. Calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Where apps.connections.open sends a Socket Mode client (set by the socket double). */
  socketUrl = '';

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: this.socketUrl };
      case 'auth.test':
        return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'defuse', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        const ts = `${++this.ts}.000100`;
        return { ok: true, channel: body.channel, ts, message: { type: 'message', text: body.text, ts, bot_id: 'BBOT' } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++this.ts}.000200` };
      case 'chat.getPermalink':
        return { ok: true, channel: body.channel, permalink: `https://acme.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}` };
      case 'conversations.members':
        return { ok: true, members: this.members.get(String(body.channel)) ?? [], response_metadata: { next_cursor: '' } };
      default:
        return { ok: true };
    }
  }
}

/**
 * The Web API client sends form fields, with blocks and metadata as JSON strings. Those are
 * decoded for the call log only: the bench keeps none and reads plain fields, and decoding
 * every reply's blocks would bill the bench's own process for the size of each target's
 * messages, a cost the real Slack bears on its own machines.
 */
function parseBody(raw: string, type: string, decodeJson: boolean): Record<string, unknown> {
  if (raw === '') return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = decodeJson && /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
