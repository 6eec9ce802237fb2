/**
 * The one contract every store keeps (memory, SQLite, PostgreSQL). Each engine's test file
 * calls storeContract with a way to open a fresh store and a second instance on the same
 * data (another process or replica, as far as the store can tell).
 */
import { describe, expect, it } from 'vitest';
import type { CaseAppend, TurnAssessment } from '../../src/core/ports/case-store.ts';
import type { Step } from '../../src/core/taxonomy.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { StoreError } from '../../src/core/errors.ts';
import { runRetention } from '../../src/jobs/retention.ts';

export interface Harness {
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** Another instance over the same data as the last store open() returned. */
  second(): Promise<Store>;
  /** Writes a row the store cannot read back, for case `id` (which exists). */
  corrupt?(id: string): Promise<void>;
  /** Marks the schema as written by a newer Defuse, then reopens: must throw. */
  reopenTooNew?(): Promise<unknown>;
}

const T0 = '2026-01-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function turn(text: string, extra: Partial<CaseAppend> = {}): CaseAppend {
  return { turns: [{ role: 'customer', text }], shownWordings: [], stepsTaken: [], at: T0, ...extra };
}

/** An assessment recommending `step`. */
function reading(step: Step): TurnAssessment {
  return { emotion: 'frustrated', intensity: 0.5, stage: 'explaining', flags: [], step };
}

export function storeContract(name: string, h: Harness): void {
  describe(`${name} store: cases`, () => {
    it('creates a case on first append and numbers turns in commit order', async () => {
      const s = await h.open();
      expect(await s.cases.get('c1')).toBeUndefined();
      const a1 = await s.cases.append('c1', {
        turns: [
          { role: 'agent', text: "I'm sorry, let me check." },
          { role: 'customer', text: 'It is the [card] one', reported: true },
        ],
        assessment: { emotion: 'frustrated', intensity: 0.45, stage: 'explaining', flags: ['repeat_contact'], step: 'resolve' },
        shownWordings: ['resolve.w1', 'resolve.w2'],
        stepsTaken: ['apologize', 'diagnose'],
        channel: { channel: 'slack', address: { team: 'T1', channel: 'C1', thread: '1.2' } },
        at: T0,
      });
      const r1 = (await s.cases.get('c1'))!;
      expect(a1).toEqual({ turns: r1.turns, version: r1.version });
      expect(r1.turns.map((t) => [t.seq, t.role])).toEqual([
        [1, 'agent'],
        [2, 'customer'],
      ]);
      expect(r1.turns[0]!.assessment).toBeUndefined();
      expect(r1.turns[1]).toMatchObject({ reported: true, assessment: { emotion: 'frustrated', flags: ['repeat_contact'], step: 'resolve' } });
      const a2 = await s.cases.append('c1', {
        turns: [{ role: 'note', text: 'third message', actions: ['resolve'], signal: 'calmed' }],
        shownWordings: ['resolve.w3'],
        stepsTaken: ['diagnose', 'resolve'],
        channel: { channel: 'teams', address: { conversation: 'other' } },
        at: at(5),
      });
      const r2 = (await s.cases.get('c1'))!;
      expect(a2.turns.map((t) => t.seq)).toEqual([3]);
      expect(r2.turns.map((t) => t.seq)).toEqual([1, 2, 3]);
      expect(r2.turns[2]).toMatchObject({ role: 'note', text: 'third message', actions: ['resolve'], signal: 'calmed', at: at(5) });
      expect(r2.stepsTaken).toEqual(['apologize', 'diagnose', 'resolve']);
      expect(r2.shownWordings).toEqual(['resolve.w1', 'resolve.w2', 'resolve.w3']);
      // The channel of the first message stays: a case does not move threads.
      expect(r2.channel).toEqual({ channel: 'slack', address: { team: 'T1', channel: 'C1', thread: '1.2' } });
      expect(r2).toMatchObject({ open: true, createdAt: T0, updatedAt: at(5) });
      expect(r2.version).toBeGreaterThan(r1.version);
      expect(await s.cases.get('c1')).toEqual(r2);
      await s.close();
    });

    it('keeps at most 200 shown wordings, the newest', async () => {
      const s = await h.open();
      const ids = Array.from({ length: 230 }, (_, i) => `w${i}`);
      await s.cases.append('c2', turn('hi', { shownWordings: ids }));
      const r = (await s.cases.get('c2'))!;
      expect(r.shownWordings).toHaveLength(200);
      expect(r.shownWordings[0]).toBe('w30');
      await s.close();
    });

    it('closes a case, and says so when there is none', async () => {
      const s = await h.open();
      await s.cases.append('c3', turn('thanks, all sorted'));
      expect(await s.cases.close('c3', at(1))).toBe(true);
      expect(await s.cases.get('c3')).toMatchObject({ open: false, closedAt: at(1) });
      expect(await s.cases.close('nope', at(1))).toBe(false);
      await s.close();
    });

    it('keeps all 50 turns, in order, when two instances append to one case at once', async () => {
      const a = await h.open();
      const b = await h.second();
      const writer = async (s: Store, who: string) => {
        for (let i = 0; i < 25; i++) await s.cases.append('busy', turn(`${who}-${i}`, { at: at(i) }));
      };
      await Promise.all([writer(a, 'a'), writer(b, 'b')]);
      const r = (await a.cases.get('busy'))!;
      expect(r.turns).toHaveLength(50);
      expect(r.turns.map((t) => t.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      for (const who of ['a', 'b']) {
        const mine = r.turns.filter((t) => t.text.startsWith(`${who}-`)).map((t) => t.text);
        expect(mine).toEqual(Array.from({ length: 25 }, (_, i) => `${who}-${i}`));
      }
      await b.close();
      await a.close();
    });
  });

  describe(`${name} store: feedback and an agent's recent cases`, () => {
    it('keeps feedback per case, and lists an agent\'s cases newest first with their latest reading', async () => {
      const s = await h.open();
      const slack = (agent: string) => ({ channel: 'slack' as const, address: { team: 'T1', channel: 'C1', thread: '1.1', agent } });
      await s.cases.append('k1', turn('first', { channel: slack('U_A'), at: at(1), assessment: { emotion: 'angry', intensity: 0.7, stage: 'venting', flags: [], step: 'empathize' } }));
      await s.cases.append('k2', turn('second', { channel: slack('U_A'), at: at(2) }));
      await s.cases.append('k3', turn('other agent', { channel: slack('U_B'), at: at(3) }));
      await s.cases.append('k1', turn('later', { at: at(4), assessment: { emotion: 'calm', intensity: 0.1, stage: 'closing', flags: [], step: 'close' } }));
      await s.cases.close('k2', at(5));
      const recent = await s.cases.recentForAgent('U_A', 10);
      expect(recent.map((c) => [c.id, c.open])).toEqual([
        ['k2', false],
        ['k1', true],
      ]);
      expect(recent[1]!.latest).toMatchObject({ emotion: 'calm', step: 'close' });
      expect(recent[0]!.latest).toBeUndefined();
      expect(await s.cases.recentForAgent('U_A', 1)).toHaveLength(1);
      expect(await s.cases.recentForAgent('U_NOBODY', 5)).toEqual([]);

      // The case a chat message continues: open, fresh, the agent's, with the chat's prefix.
      await s.cases.append('chat-1#a', turn('x', { channel: slack('U_A'), at: at(8) }));
      await s.cases.append('chat-1#b', turn('y', { channel: slack('U_A'), at: at(9) }));
      await s.cases.append('chat-2#c', turn('z', { channel: slack('U_A'), at: at(10) }));
      await s.cases.append('chat-1#d', turn('w', { channel: slack('U_B'), at: at(11) }));
      expect(await s.cases.openCaseFor('U_A', 'chat-1#', at(1))).toBe('chat-1#b');
      await s.cases.close('chat-1#b', at(12));
      expect(await s.cases.openCaseFor('U_A', 'chat-1#', at(1))).toBe('chat-1#a');
      expect(await s.cases.openCaseFor('U_A', 'chat-1#', at(9))).toBeUndefined();
      expect(await s.cases.openCaseFor('U_A', 'chat-%', at(1))).toBeUndefined();
      expect(await s.cases.openCaseFor('U_B', 'chat-1#', at(1))).toBe('chat-1#d');
      expect(await s.cases.openCaseFor('U_NOBODY', 'chat-1#', at(1))).toBeUndefined();
      // Any character may follow the prefix; a neighbour of the prefix is not in it.
      await s.cases.append('chat-1$', turn('v', { channel: slack('U_A'), at: at(13) }));
      expect(await s.cases.openCaseFor('U_A', 'chat-1#', at(1))).toBe('chat-1#a');
      await s.cases.append('chat-1#\u{10ffff}é', turn('u', { channel: slack('U_A'), at: at(14) }));
      expect(await s.cases.openCaseFor('U_A', 'chat-1#', at(1))).toBe('chat-1#\u{10ffff}é');
      expect(await s.cases.openCaseFor('U_A', 'chat-1#\u{10ffff}', at(1))).toBe('chat-1#\u{10ffff}é');

      expect(await s.cases.addFeedback({ caseId: 'k1', by: 'U_A', kind: 'helpful', at: at(6) })).toBe(true);
      expect(await s.cases.addFeedback({ caseId: 'k1', by: 'U_A', kind: 'not_helpful', at: at(7) })).toBe(true);
      expect(await s.cases.addFeedback({ caseId: 'missing', by: 'U_A', kind: 'helpful', at: at(7) })).toBe(false);
      expect((await s.cases.feedbackFor('k1')).map((f) => f.kind)).toEqual(['helpful', 'not_helpful']);
      expect(await s.cases.feedbackFor('missing')).toEqual([]);
      await s.close();
    });
  });

  describe(`${name} store: the supervisor view`, () => {
    it('lists open cases updated since a time, most recent first, with their latest reading', async () => {
      const s = await h.open();
      await s.cases.append('a-old', turn('before the window', { at: at(1) }));
      await s.cases.append('a-edge', turn('exactly at since', { at: at(2) }));
      await s.cases.append('a-mid', turn('one', { at: at(2), assessment: reading('apologize') }));
      await s.cases.append('a-mid', turn('two', { at: at(3), assessment: reading('diagnose') }));
      await s.cases.append('a-mid', turn('three, not read', { at: at(4) }));
      await s.cases.append('a-closed', turn('sorted', { at: at(3), assessment: reading('close') }));
      await s.cases.close('a-closed', at(5));
      await s.cases.append('a-new', turn('newest', { at: at(6), assessment: reading('resolve') }));

      const active = await s.cases.activeSince(at(2), 10);
      expect(active.map((c) => c.id)).toEqual(['a-new', 'a-mid', 'a-edge']);
      expect(active[0]).toEqual({ id: 'a-new', open: true, updatedAt: at(6), latest: reading('resolve') });
      // The latest assessed turn's reading, though a later turn was not read.
      expect(active[1]).toEqual({ id: 'a-mid', open: true, updatedAt: at(4), latest: reading('diagnose') });
      expect(active[2]).toEqual({ id: 'a-edge', open: true, updatedAt: at(2) });
      expect((await s.cases.activeSince(at(2), 2)).map((c) => c.id)).toEqual(['a-new', 'a-mid']);
      expect((await s.cases.activeSince(T0, 10)).map((c) => c.id)).toEqual(['a-new', 'a-mid', 'a-edge', 'a-old']);
      expect(await s.cases.activeSince(at(7), 10)).toEqual([]);
      await s.close();
    });

    it('counts the steps recommended since a time, across cases, ignoring turns without a reading', async () => {
      const s = await h.open();
      expect(await s.cases.stepCounts(T0)).toEqual({});
      await s.cases.append('s1', turn('before the window', { at: at(1), assessment: reading('empathize') }));
      // Two turns, one reading: it belongs to the last turn, and counts once.
      await s.cases.append('s1', {
        turns: [
          { role: 'agent', text: 'I hear you.' },
          { role: 'customer', text: 'Still broken.' },
        ],
        assessment: reading('empathize'),
        shownWordings: [],
        stepsTaken: [],
        at: at(2),
      });
      await s.cases.append('s1', turn('not read', { at: at(3) }));
      await s.cases.append('s2', turn('again', { at: at(4), assessment: reading('empathize') }));
      await s.cases.append('s2', turn('fix it', { at: at(5), assessment: reading('resolve') }));
      // A closed case's turns still count: they were recommended.
      await s.cases.append('s3', turn('ok then', { at: at(6), assessment: reading('resolve') }));
      await s.cases.close('s3', at(7));

      expect(await s.cases.stepCounts(at(2))).toEqual({ empathize: 2, resolve: 2 });
      expect(await s.cases.stepCounts(T0)).toEqual({ empathize: 3, resolve: 2 });
      expect(await s.cases.stepCounts(at(6))).toEqual({ resolve: 1 });
      expect(await s.cases.stepCounts(at(8))).toEqual({});
      await s.close();
    });

    it('lists the escalations of open cases since a time, newest first, acknowledged ones with who and when', async () => {
      const s = await h.open();
      for (const id of ['o1', 'o2', 'o3']) await s.cases.append(id, turn('I want a manager', { at: T0 }));
      await s.escalations.open({ caseId: 'o1', reason: 'threat_legal', summary: 'too early', at: at(1) });
      await s.escalations.open({ caseId: 'o1', reason: 'demands_manager', summary: 'at the edge', at: at(2) });
      await s.escalations.markNotified('o1', 'demands_manager', 'C-SUPERVISORS');
      await s.escalations.acknowledge('o1', 'demands_manager', 'U-LEAD', at(3));
      await s.escalations.open({ caseId: 'o2', reason: 'safety_risk', summary: 'safety', at: at(4) });
      await s.escalations.open({ caseId: 'o3', reason: 'threat_legal', summary: 'closed since', at: at(5) });
      await s.cases.close('o3', at(6));
      await s.escalations.open({ caseId: 'o2', reason: 'threat_legal', summary: 'newest', at: at(7) });

      const list = await s.escalations.openSince(at(2), 10);
      expect(list.map((e) => [e.caseId, e.reason])).toEqual([
        ['o2', 'threat_legal'],
        ['o2', 'safety_risk'],
        ['o1', 'demands_manager'],
      ]);
      expect(list[0]).toEqual({ caseId: 'o2', reason: 'threat_legal', summary: 'newest', createdAt: at(7), notified: [] });
      expect(list[2]).toEqual({
        caseId: 'o1',
        reason: 'demands_manager',
        summary: 'at the edge',
        createdAt: at(2),
        notified: ['C-SUPERVISORS'],
        acknowledgedBy: 'U-LEAD',
        acknowledgedAt: at(3),
      });
      expect((await s.escalations.openSince(at(2), 2)).map((e) => e.summary)).toEqual(['newest', 'safety']);
      expect((await s.escalations.openSince(T0, 10)).map((e) => e.summary)).toEqual(['newest', 'safety', 'at the edge', 'too early']);
      expect(await s.escalations.openSince(at(8), 10)).toEqual([]);
      await s.close();
    });

    it("lists every workspace's scorecards since a time, newest first, at most the limit", async () => {
      const s = await h.open();
      const card = (id: string, team: string, minutes: number) => ({ id, sessionId: `d-${id}`, userId: `U-${id}`, team, card: { score: minutes }, createdAt: at(minutes) });
      await s.drills.addScorecard(card('sc-a', 'T1', 1));
      await s.drills.addScorecard(card('sc-c', 'T1', 3));
      await s.drills.addScorecard(card('sc-b', 'T2', 2));
      await s.drills.addScorecard(card('sc-d', 'T3', 4));
      const since = await s.drills.scorecardsSince(at(2), 10);
      expect(since.map((c) => c.id)).toEqual(['sc-d', 'sc-c', 'sc-b']);
      expect(since[2]).toEqual(card('sc-b', 'T2', 2));
      expect((await s.drills.scorecardsSince(at(2), 2)).map((c) => c.id)).toEqual(['sc-d', 'sc-c']);
      expect((await s.drills.scorecardsSince(T0, 10)).map((c) => c.id)).toEqual(['sc-d', 'sc-c', 'sc-b', 'sc-a']);
      expect(await s.drills.scorecardsSince(at(5), 10)).toEqual([]);
      await s.close();
    });
  });

  describe(`${name} store: retention`, () => {
    it('purges closed and idle cases older than the cutoff, with their turns and escalations', async () => {
      const s = await h.open();
      await s.cases.append('old-idle', turn('a', { at: '2025-01-01T00:00:00.000Z' }));
      await s.cases.append('old-closed', turn('b', { at: '2025-01-01T00:00:00.000Z' }));
      await s.cases.close('old-closed', '2025-01-02T00:00:00.000Z');
      await s.escalations.open({ caseId: 'old-idle', reason: 'threat_legal', summary: 's', at: '2025-01-01T00:00:00.000Z' });
      await s.cases.append('fresh', turn('c', { at: '2026-01-30T00:00:00.000Z' }));
      // 30 days before 2026-02-01 is 2026-01-02: both 2025 cases are past it, the fresh one is not.
      const result = await runRetention(s, 30, new Date('2026-02-01T00:00:00.000Z'));
      expect(result.cases).toBe(2);
      expect(await s.cases.get('old-idle')).toBeUndefined();
      expect(await s.cases.get('old-closed')).toBeUndefined();
      expect(await s.escalations.forCase('old-idle')).toEqual([]);
      expect((await s.cases.get('fresh'))!.turns).toHaveLength(1);
      await s.close();
    });
  });

  describe(`${name} store: escalations`, () => {
    it('records one escalation per case and reason, notes who was pinged once, and one acknowledgement', async () => {
      const s = await h.open();
      await s.cases.append('e1', turn('I will sue'));
      expect(await s.escalations.open({ caseId: 'e1', reason: 'threat_legal', summary: 'legal threat', at: T0 })).toBe(true);
      expect(await s.escalations.open({ caseId: 'e1', reason: 'threat_legal', summary: 'again', at: at(1) })).toBe(false);
      expect(await s.escalations.open({ caseId: 'e1', reason: 'demands_manager', summary: 'manager', at: at(2) })).toBe(true);
      await s.escalations.markNotified('e1', 'threat_legal', 'C-SUPERVISORS');
      await s.escalations.markNotified('e1', 'threat_legal', 'C-SUPERVISORS');
      await s.escalations.markNotified('e1', 'threat_legal', 'U-LEAD');
      expect(await s.escalations.acknowledge('e1', 'threat_legal', 'U-LEAD', at(3))).toBe(true);
      expect(await s.escalations.acknowledge('e1', 'threat_legal', 'U-OTHER', at(4))).toBe(false);
      expect(await s.escalations.acknowledge('e1', 'safety_risk', 'U-LEAD', at(4))).toBe(false);
      const list = await s.escalations.forCase('e1');
      expect(list.map((e) => e.reason)).toEqual(['threat_legal', 'demands_manager']);
      expect(list[0]).toMatchObject({ summary: 'legal threat', notified: ['C-SUPERVISORS', 'U-LEAD'], acknowledgedBy: 'U-LEAD', acknowledgedAt: at(3) });
      expect((await s.escalations.unacknowledged(10)).map((e) => e.reason)).toEqual(['demands_manager']);
      await s.close();
    });

    it('opens an escalation exactly once when two instances try at the same moment', async () => {
      const a = await h.open();
      await a.cases.append('e2', turn('manager now'));
      const b = await h.second();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).escalations.open({ caseId: 'e2', reason: 'demands_manager', summary: `try ${i}`, at: T0 })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      await b.close();
      await a.close();
    });
  });

  describe(`${name} store: routes, events and drills`, () => {
    it('remembers who muted Defuse, per platform', async () => {
      const s = await h.open();
      expect(await s.preferences.get('slack', 'U1')).toEqual({ muted: false, leaderboard: false });
      await s.preferences.setMuted('slack', 'U1', true, T0);
      expect(await s.preferences.get('slack', 'U1')).toEqual({ muted: true, leaderboard: false });
      expect(await s.preferences.get('teams', 'U1')).toEqual({ muted: false, leaderboard: false });
      await s.preferences.setLeaderboard('slack', 'U1', true, at(1));
      expect(await s.preferences.get('slack', 'U1')).toEqual({ muted: true, leaderboard: true });
      await s.preferences.setMuted('slack', 'U1', false, at(2));
      expect(await s.preferences.get('slack', 'U1')).toEqual({ muted: false, leaderboard: true });
      await s.preferences.setLeaderboard('slack', 'U1', false, at(3));
      expect(await s.preferences.get('slack', 'U1')).toEqual({ muted: false, leaderboard: false });
      await s.close();
    });

    it('stores and replaces where supervisor pings go, per platform and tenant', async () => {
      const s = await h.open();
      expect(await s.routes.get('slack', 'T1')).toBeUndefined();
      await s.routes.set({ platform: 'slack', tenant: 'T1', target: { channel: 'C1' }, updatedAt: T0 });
      await s.routes.set({ platform: 'teams', tenant: 'T1', target: { conversation: { id: '19:x' } }, updatedAt: T0 });
      await s.routes.set({ platform: 'slack', tenant: 'T1', target: { channel: 'C2' }, updatedAt: at(1) });
      expect(await s.routes.get('slack', 'T1')).toEqual({ platform: 'slack', tenant: 'T1', target: { channel: 'C2' }, updatedAt: at(1) });
      expect((await s.routes.get('teams', 'T1'))!.target).toEqual({ conversation: { id: '19:x' } });
      await s.close();
    });

    it('lets exactly one of two instances claim a redelivered event, until the claim expires', async () => {
      const a = await h.open();
      const b = await h.second();
      const claims = await Promise.all([a, b, a, b].map((s) => s.events.claim('slack', 'Ev123', at(60))));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await a.events.claim('teams', 'Ev123', at(60))).toBe(true);
      expect(await a.events.purge(at(30))).toBe(0);
      expect(await a.events.purge(at(61))).toBe(2);
      expect(await b.events.claim('slack', 'Ev123', at(120))).toBe(true);
      await b.close();
      await a.close();
    });

    it('saves drill sessions with version checks and lists scorecards newest first', async () => {
      const s = await h.open();
      const base = { id: 'd1', userId: 'U1', team: 'T1', status: 'active' as const, state: { turn: 1 }, createdAt: T0, updatedAt: T0 };
      expect(await s.drills.save(base, 0)).toBe(true);
      expect(await s.drills.save(base, 0)).toBe(false);
      expect(await s.drills.save({ ...base, state: { turn: 2 }, updatedAt: at(1) }, 1)).toBe(true);
      expect(await s.drills.save({ ...base, state: { turn: 9 }, updatedAt: at(2) }, 1)).toBe(false);
      expect(await s.drills.get('d1')).toMatchObject({ version: 2, state: { turn: 2 }, updatedAt: at(1) });
      expect((await s.drills.active('U1'))!.id).toBe('d1');
      await s.drills.save({ ...base, status: 'finished', updatedAt: at(3) }, 2);
      expect(await s.drills.active('U1')).toBeUndefined();
      for (let i = 0; i < 3; i++) await s.drills.addScorecard({ id: `sc${i}`, sessionId: 'd1', userId: 'U1', team: 'T1', card: { score: i }, createdAt: at(i) });
      await s.drills.addScorecard({ id: 'sc0', sessionId: 'd1', userId: 'U1', team: 'T1', card: { score: 99 }, createdAt: at(9) });
      expect((await s.drills.scorecards('U1', 2)).map((c) => c.card)).toEqual([{ score: 2 }, { score: 1 }]);
      expect(await s.drills.scorecards('U2', 5)).toEqual([]);
      await s.drills.addScorecard({ id: 'sc9', sessionId: 'd2', userId: 'U2', team: 'T2', card: { score: 7 }, createdAt: at(5) });
      expect((await s.drills.teamScorecards('T1', at(1))).map((c) => c.id)).toEqual(['sc2', 'sc1']);
      expect((await s.drills.teamScorecards('T2', T0)).map((c) => c.card)).toEqual([{ score: 7 }]);
      await s.close();
    });
  });

  if (h.corrupt || h.reopenTooNew) {
    describe(`${name} store: bad state`, () => {
      if (h.corrupt) {
        it('refuses a corrupt row with a message naming the row and what to do', async () => {
          const s = await h.open();
          await s.cases.append('bad', turn('hello'));
          await h.corrupt!('bad');
          const err = await s.cases.get('bad').then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(StoreError);
          expect(err).toMatchObject({ code: 'store_corrupt' });
          expect((err as Error).message).toMatch(/case_turns\[bad#1\].*Restore the database from a backup/);
          await s.close();
        });
      }
      if (h.reopenTooNew) {
        it('refuses a database written by a newer Defuse, without changing it', async () => {
          const err = await h.reopenTooNew!().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(StoreError);
          expect(err).toMatchObject({ code: 'store_too_new' });
          expect((err as Error).message).toMatch(/schema version 999.*knows versions up to 6/);
        });
      }
    });
  }
}
