/**
 * The coach with a durable store: what it keeps of a case, with personal data removed;
 * escalations opened once per case and reason; a restart that resumes the case.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.ts';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';

const root = mkdtempSync(join(tmpdir(), 'defuse-coach-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the coach with a durable store', () => {
  it('stores the turns with personal data redacted, and the assessment of each reading', async () => {
    const store = sqliteStore(join(root, 'a', 'defuse.sqlite'));
    const engine = createEngine({ store, now: () => new Date('2026-03-01T09:00:00Z') });
    const r = await engine.coach.coachCase({
      caseId: 'case-1',
      text: 'Customer: charge on card 4111 1111 1111 1111 again, email me at pat@example.com or call +44 7700 900123',
      channel: { channel: 'slack', address: { team: 'T1', channel: 'C1', thread: '171.1' } },
    });
    const stored = (await store.cases.get('case-1'))!;
    const text = stored.turns.map((t) => t.text).join(' ');
    expect(text).toContain('[card]');
    expect(text).toContain('[email]');
    expect(text).toContain('[phone]');
    expect(text).not.toMatch(/4111|pat@example|7700/);
    expect(stored.turns.at(-1)!.assessment).toEqual({ emotion: r.advice.emotion, intensity: r.advice.intensity, stage: r.advice.stage, flags: r.advice.flags, step: r.advice.step });
    expect(stored.shownWordings).toEqual(r.advice.say.map((w) => w.id));
    expect(stored.channel).toEqual({ channel: 'slack', address: { team: 'T1', channel: 'C1', thread: '171.1' } });
    // Nothing the agent is shown quotes the card number either.
    expect(JSON.stringify(r.advice)).not.toMatch(/4111/);
    await store.close();
  });

  it('opens an escalation once per case and reason, and resumes the case after a restart', async () => {
    const path = join(root, 'b', 'defuse.sqlite');
    const first = sqliteStore(path);
    const e1 = createEngine({ store: first });
    const a = await e1.coach.coachCase({ caseId: 'case-2', text: "I want your manager and I'm calling my lawyer about this" });
    expect(a.escalations.map((x) => x.reason).sort()).toEqual(['demands_manager', 'threat_legal']);
    const b = await e1.coach.coachCase({ caseId: 'case-2', text: 'My lawyer will hear about this, get me a manager' });
    expect(b.advice.escalate.notify).toBe(true);
    expect(b.escalations).toEqual([]);
    await first.close();

    // A new process on the same file: the case and its escalations are still there.
    const second = sqliteStore(path);
    const e2 = createEngine({ store: second });
    const c = await e2.coach.coachCase({ caseId: 'case-2', text: 'ok, thank you for sorting it, bye' });
    expect(c.escalations).toEqual([]);
    const stored = (await second.cases.get('case-2'))!;
    expect(stored.turns.filter((t) => t.role === 'customer')).toHaveLength(3);
    expect((await second.escalations.forCase('case-2')).map((x) => x.reason).sort()).toEqual(['demands_manager', 'threat_legal']);
    // Wordings shown before the restart are not offered again.
    const shownBefore = [...a.advice.say, ...b.advice.say].map((w) => w.id);
    expect(c.advice.say.some((w) => shownBefore.includes(w.id))).toBe(false);
    await second.close();
  });
});
