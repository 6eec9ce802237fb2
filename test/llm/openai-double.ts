/**
 * A local OpenAI-compatible server for the tests and the bench: POST /v1/chat/completions on
 * 127.0.0.1, answered by whatever the test queued. The real `openai` SDK talks to it over HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; delayMs?: number; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'hang' };

export interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A chat completion whose message content is `content` (a string: the model's JSON text). */
export function completion(content: string | null, extra: { refusal?: string; usage?: { prompt_tokens: number; completion_tokens: number } } = {}): Extract<Reply, { kind: 'json' }> {
  const usage = extra.usage ?? { prompt_tokens: 900, completion_tokens: 120 };
  return {
    kind: 'json',
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_800_000_000,
      model: 'test-model',
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: extra.refusal ?? null } }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

export function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { kind: 'json', status, body: { error: { message, type: 'test_error', code: null } }, headers };
}

export class OpenAiDouble {
  readonly seen: Seen[] = [];
  /** Replies in order; when empty, `fallback` answers. */
  readonly queue: Reply[] = [];
  fallback: Reply = errorReply(500, 'nothing queued');
  /** Answers from the request when nothing is queued (before `fallback`). */
  respond: ((body: Record<string, unknown>) => Reply) | undefined;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      body = {};
    }
    this.seen.push({ path: req.url ?? '', headers: req.headers, body });
    const reply = this.queue.shift() ?? this.respond?.(body) ?? this.fallback;
    if (reply.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }
}

/** The offline reading the request carried (the user message ends with it). */
export function offlineReadingOf(body: Record<string, unknown>): { emotion: string; stage: string; flags: string[]; step: string } {
  const messages = body.messages as { content: string }[];
  const m = /Offline reading: (\{.*\})$/.exec(messages.at(-1)!.content);
  return JSON.parse(m![1]!) as { emotion: string; stage: string; flags: string[]; step: string };
}
