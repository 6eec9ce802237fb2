/** Reading a request body with a bound, for the routes that parse JSON themselves (Teams, the REST API). */
import type { IncomingMessage } from 'node:http';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type Body = { ok: true; text: string } | { ok: false; error: 'too_large' | 'invalid_utf8' };

export async function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return { ok: false, error: 'too_large' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, text: UTF8.decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, error: 'invalid_utf8' };
  }
}
