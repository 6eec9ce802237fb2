/**
 * A local stand-in for the Bot Connector service (the `serviceUrl` of Teams activities), on
 * 127.0.0.1. It answers the REST calls a bot makes (send, reply, update, get member) with the
 * documented shapes, records them, and can be told to fail a call (429 with Retry-After, 5xx).
 */
import { createServer, type Server } from 'node:http';
import { listenLoopback } from '../support/service-harness.ts';

export interface ConnectorCall {
  kind: 'send' | 'reply' | 'update' | 'member' | 'other';
  method: string;
  conversationId: string;
  activityId: string | undefined;
  body: Record<string, unknown>;
  at: number;
  /** The activity id the double answered with (sends and replies). */
  returnedId?: string;
}

type Failure = { status: number; retryAfter?: number; times?: number };

export class ConnectorDouble {
  readonly calls: ConnectorCall[] = [];
  /** Members per conversation (or team) id, for GET …/members/{id}. */
  readonly members = new Map<string, string[]>();
  private readonly failures = new Map<ConnectorCall['kind'], Failure[]>();
  private server: Server | undefined;
  private seq = 0;
  url = '';
  /** Keep no call log and decode no bodies (a long benchmark would only grow it). */
  record = true;
  onCall: ((c: ConnectorCall) => void) | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const m = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?$/.exec(path);
        const conversationId = m ? decodeURIComponent(m[1]!) : '';
        const sub = m?.[2];
        const id = m?.[3] ? decodeURIComponent(m[3]) : undefined;
        const kind: ConnectorCall['kind'] =
          sub === 'activities' && req.method === 'POST' ? (id ? 'reply' : 'send') : sub === 'activities' && req.method === 'PUT' ? 'update' : sub === 'members' && req.method === 'GET' ? 'member' : 'other';
        // Decoded for the call log only: the bench keeps none and reads the path, and decoding
        // every reply would bill the bench's own process for the size of each target's
        // activities (Defuse's carry a card and the advice), a cost the real connector bears.
        let body: Record<string, unknown> = {};
        try {
          body = raw && this.record ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          body = { unparsed: raw };
        }
        const call: ConnectorCall = { kind, method: req.method ?? '', conversationId, activityId: id, body, at: Date.now() };
        if (this.record) this.calls.push(call);
        this.onCall?.(call);
        const pending = this.failures.get(kind) ?? [];
        const fail = pending[0];
        if (fail) {
          fail.times = (fail.times ?? 1) - 1;
          if (fail.times <= 0) pending.shift();
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (fail.retryAfter !== undefined) headers['retry-after'] = String(fail.retryAfter);
          res.writeHead(fail.status, headers);
          res.end(JSON.stringify({ error: { code: fail.status === 429 ? 'TooManyRequests' : 'ServiceError', message: 'failing on purpose' } }));
          return;
        }
        if (kind === 'member') {
          const list = this.members.get(conversationId) ?? [];
          if (!id || !list.includes(id)) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation.' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id, name: id, aadObjectId: id }));
          return;
        }
        if (kind === 'send' || kind === 'reply') call.returnedId = `act-${++this.seq}`;
        res.writeHead(kind === 'other' ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(kind === 'update' ? { id } : { id: call.returnedId }));
      });
    });
    this.url = `${await listenLoopback(this.server)}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  fail(kind: ConnectorCall['kind'], failure: Failure): void {
    const list = this.failures.get(kind) ?? [];
    list.push(failure);
    this.failures.set(kind, list);
  }

  /** Activities the bot sent (sends and replies), optionally in one conversation. */
  sent(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => (c.kind === 'send' || c.kind === 'reply') && (conversationId === undefined || c.conversationId === conversationId));
  }

  async waitFor(where: (c: ConnectorCall) => boolean, count = 1, timeoutMs = 8000): Promise<ConnectorCall[]> {
    const start = Date.now();
    for (;;) {
      const found = this.calls.filter(where);
      if (found.length >= count) return found;
      if (Date.now() - start > timeoutMs) {
        throw new Error(`timed out waiting for ${count} connector calls; got ${found.length}. Calls: ${this.calls.map((c) => `${c.kind} ${c.conversationId}`).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The Adaptive Card of a sent activity, if it has one. */
export function cardOf(c: ConnectorCall): Record<string, unknown> | undefined {
  const attachments = (c.body.attachments ?? []) as { contentType?: string; content?: Record<string, unknown> }[];
  return attachments.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

export function textOf(c: ConnectorCall): string {
  return `${String(c.body.text ?? '')} ${JSON.stringify(cardOf(c) ?? {})}`;
}
