/**
 * The failures a request can meet that are the caller's to act on, as HTTP answers: a usage
 * limit (429 with Retry-After), unusable input (400), a store out of reach (503). The REST API
 * and the console both answer them this way; anything else is theirs to log as a 500.
 */
import { DefuseError, InputError } from '../core/errors.ts';
import { RateLimitError } from '../core/limits/rate-limit.ts';

export interface HttpFailure {
  status: number;
  error: string;
  message: string;
  headers?: Record<string, string>;
}

export function expectedFailure(err: unknown): HttpFailure | undefined {
  if (err instanceof RateLimitError) {
    return { status: 429, error: 'rate_limited', message: err.userMessage, headers: { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) } };
  }
  if (err instanceof InputError) return { status: 400, error: err.code, message: err.userMessage };
  if (err instanceof DefuseError && err.code === 'store_unavailable') return { status: 503, error: err.code, message: err.userMessage };
  return undefined;
}
