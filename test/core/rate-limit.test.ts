import { describe, expect, it } from 'vitest';
import { limitKeys, RateLimitError, UsageLimits } from '../../src/core/limits/rate-limit.ts';

function clock() {
  let t = Date.parse('2026-11-22T10:00:00Z');
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}
const refused = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RateLimitError) return err;
    throw err;
  }
  return undefined;
};

describe('usage limits', () => {
  it('allows a minute\'s worth at once, then one more as each slot refills', () => {
    const c = clock();
    const limited: string[] = [];
    const l = new UsageLimits({ userPerMinute: 3, workspacePerMinute: 0 }, c.now, (s) => limited.push(s));
    const u = { user: 'slack:U1', workspace: 'slack:T1' };
    for (let i = 0; i < 3; i++) expect(refused(() => l.check(u))).toBeUndefined();
    const e = refused(() => l.check(u))!;
    expect(e.scope).toBe('user');
    expect(e.retryAfterMs).toBe(20_000);
    expect(e.userMessage).toMatch(/Give it 20 seconds/);
    c.advance(19_000);
    expect(refused(() => l.check(u))).toBeDefined();
    c.advance(1_000);
    expect(refused(() => l.check(u))).toBeUndefined();
    expect(limited).toEqual(['user', 'user']);
    // Someone else is not affected.
    expect(refused(() => l.check({ user: 'slack:U2', workspace: 'slack:T1' }))).toBeUndefined();
  });

  it('limits a workspace as a whole, and a refused request costs the user nothing', () => {
    const c = clock();
    const l = new UsageLimits({ userPerMinute: 2, workspacePerMinute: 2 }, c.now);
    expect(refused(() => l.check({ user: 'teams:a', workspace: 'teams:T' }))).toBeUndefined();
    expect(refused(() => l.check({ user: 'teams:b', workspace: 'teams:T' }))).toBeUndefined();
    expect(refused(() => l.check({ user: 'teams:c', workspace: 'teams:T' }))!.scope).toBe('workspace');
    // teams:c was refused by the workspace: its own two are intact in another workspace.
    expect(refused(() => l.check({ user: 'teams:c', workspace: 'teams:OTHER' }))).toBeUndefined();
    expect(refused(() => l.check({ user: 'teams:c', workspace: 'teams:OTHER' }))).toBeUndefined();
    expect(refused(() => l.check({ user: 'teams:c', workspace: 'teams:THIRD' }))!.scope).toBe('user');
  });

  it('is off at 0, and does nothing without keys', () => {
    const l = new UsageLimits({ userPerMinute: 0, workspacePerMinute: 0 }, clock().now);
    for (let i = 0; i < 1000; i++) l.check({ user: 'slack:U1', workspace: 'slack:T1' });
    const strict = new UsageLimits({ userPerMinute: 1, workspacePerMinute: 1 }, clock().now);
    for (let i = 0; i < 5; i++) strict.check({});
    expect(refused(() => strict.check({ user: 'x' }))).toBeUndefined();
  });

  it('takes user and workspace from a channel address', () => {
    expect(limitKeys({ channel: 'slack', address: { team: 'T1', channel: 'C1', agent: 'U1' } })).toEqual({ user: 'slack:U1', workspace: 'slack:T1' });
    expect(limitKeys({ channel: 'teams', address: { tenant: 'ten', agent: 'aad-1' } })).toEqual({ user: 'teams:aad-1', workspace: 'teams:ten' });
    expect(limitKeys(undefined)).toEqual({});
  });
});
