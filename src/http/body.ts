/** Reading a request body with a bound, for the routes that parse JSON themselves (Teams, the REST API). */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type Body = { ok: true; text: string } | { ok: false; error: 'too_large' | 'invalid_utf8' };

/** The body's bytes, or undefined when it runs over `max`. */
export async function readRawBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const raw = await readRawBody(req, max);
  if (raw === undefined) return { ok: false, error: 'too_large' };
  try {
    return { ok: true, text: UTF8.decode(raw) };
  } catch {
    return { ok: false, error: 'invalid_utf8' };
  }
}

/** Why a JSON body was refused: the status, a stable code, a message, and the field at fault. */
export interface BodyProblem {
  status: number;
  error: string;
  message: string;
  field?: string;
}

/**
 * A JSON body read within `max` bytes and validated by `schema`, or the problem with it: 413,
 * or 400 for bytes that are not UTF-8, text that is not JSON (also what a body nested too
 * deeply to parse ends as), or a value the schema refuses, naming the field.
 */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S, max: number): Promise<{ ok: true; value: z.infer<S> } | ({ ok: false } & BodyProblem)> {
  const body = await readBody(req, max);
  if (!body.ok) {
    return body.error === 'too_large'
      ? { ok: false, status: 413, error: 'body_too_large', message: `Request bodies are limited to ${max} bytes.` }
      : { ok: false, status: 400, error: 'invalid_utf8', message: 'The body is not valid UTF-8.' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body.text);
  } catch {
    return { ok: false, status: 400, error: 'invalid_json', message: 'The body is not valid JSON.' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.');
  const message = issue.code === 'unrecognized_keys' ? `Unknown field "${issue.keys[0]}".` : `${field || 'body'}: ${issue.message}`;
  return { ok: false, status: 400, error: 'invalid_request', message, ...(field ? { field } : {}) };
}
