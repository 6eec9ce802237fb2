/**
 * Usage limits on coaching and drills: a token bucket per user and one per workspace (Slack
 * team, Teams tenant, API key), so one runaway integration or script cannot starve everyone
 * else or run up model costs. Pure: the clock is passed in. Kept in memory per process, so
 * with several replicas each one allows the configured rate (the README says so).
 */
import { DefuseError } from '../errors.ts';
import type { ChannelRef } from '../ports/case-store.ts';

export interface RateLimitConfig {
  /** Coaching turns and drill replies per user per minute; 0 turns the limit off. */
  userPerMinute: number;
  /** The same for a whole workspace or tenant; 0 turns it off. */
  workspacePerMinute: number;
}

export class RateLimitError extends DefuseError {
  readonly retryAfterMs: number;
  readonly scope: 'user' | 'workspace';
  constructor(scope: 'user' | 'workspace', retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('rate_limited', `rate limited (${scope})`, {
      userMessage:
        scope === 'user'
          ? `That's more messages than I can coach well in a minute. Give it ${seconds} second${seconds === 1 ? '' : 's'} and send the last one again: it was not read or stored.`
          : `Your team is sending me more than I can take right now. Give it ${seconds} second${seconds === 1 ? '' : 's'} and send the last message again: it was not read or stored.`,
    });
    this.name = 'RateLimitError';
    this.retryAfterMs = retryAfterMs;
    this.scope = scope;
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A bucket holds a minute's allowance at most (a burst), and refills evenly over the minute. */
export class TokenBuckets {
  private readonly perMinute: number;
  private readonly buckets = new Map<string, Bucket>();
  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  /** How long until `key` has a token, in milliseconds: 0 when it has one now. */
  wait(key: string, nowMs: number): number {
    if (this.perMinute <= 0) return 0;
    const tokens = this.tokensAt(key, nowMs);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * (60_000 / this.perMinute));
  }

  /** Takes a token (the caller checked `wait` first). */
  take(key: string, nowMs: number): void {
    if (this.perMinute <= 0) return;
    this.buckets.set(key, { tokens: Math.max(0, this.tokensAt(key, nowMs) - 1), at: nowMs });
    this.sweep(nowMs);
  }

  private tokensAt(key: string, nowMs: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.perMinute;
    return Math.min(this.perMinute, b.tokens + Math.max(0, nowMs - b.at) * (this.perMinute / 60_000));
  }

  /** Buckets that have refilled to full say nothing a new one would not: drop them, so memory stays bounded. */
  private sweep(nowMs: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [k, b] of this.buckets) if (nowMs - b.at >= 60_000) this.buckets.delete(k);
  }
}

/** Who a request counts against: the platform's user and workspace ids, from the channel address. */
export function limitKeys(ref: ChannelRef | undefined): { user?: string; workspace?: string } {
  if (!ref) return {};
  const a = ref.address;
  const workspace = a.team ?? a.tenant;
  return { ...(a.agent ? { user: `${ref.channel}:${a.agent}` } : {}), ...(workspace ? { workspace: `${ref.channel}:${workspace}` } : {}) };
}

export class UsageLimits {
  private readonly users: TokenBuckets;
  private readonly workspaces: TokenBuckets;
  private readonly now: () => Date;
  private readonly onLimited: (scope: 'user' | 'workspace') => void;
  constructor(config: RateLimitConfig, now: () => Date, onLimited: (scope: 'user' | 'workspace') => void = () => undefined) {
    this.users = new TokenBuckets(config.userPerMinute);
    this.workspaces = new TokenBuckets(config.workspacePerMinute);
    this.now = now;
    this.onLimited = onLimited;
  }

  /** Throws RateLimitError when the user or their workspace is over its limit; takes from both otherwise. */
  check(keys: { user?: string; workspace?: string }): void {
    const t = this.now().getTime();
    // Both are checked before either is charged: a refused request costs nobody an allowance.
    const workspaceWait = keys.workspace ? this.workspaces.wait(keys.workspace, t) : 0;
    if (workspaceWait > 0) {
      this.onLimited('workspace');
      throw new RateLimitError('workspace', workspaceWait);
    }
    const userWait = keys.user ? this.users.wait(keys.user, t) : 0;
    if (userWait > 0) {
      this.onLimited('user');
      throw new RateLimitError('user', userWait);
    }
    if (keys.workspace) this.workspaces.take(keys.workspace, t);
    if (keys.user) this.users.take(keys.user, t);
  }
}
