/**
 * Drills end to end on Teams: the real service and CloudAdapter, activities in, cards out to
 * the connector double, state in the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { textOf, type ConnectorCall } from './connector-double.ts';
import { message, startTeamsHarness, type TeamsHarness, type Where } from './teams-harness.ts';

let h: TeamsHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type DrillValue = { defuseDrill?: { drill_id: string; scenario: string; turn: number; mood: string }; defuseDrillScore?: { drill_id: string; score: number; skills: Record<string, number> } };
const valueOf = (c: ConnectorCall) => (c.body.value ?? {}) as DrillValue;

/** Sends one message and returns what the bot sent back for it. */
async function say(harness: TeamsHarness, text: string, where: Where = {}): Promise<ConnectorCall[]> {
  const before = harness.connector.calls.filter((c) => c.kind === 'reply').length;
  const activity = message(harness, text, where);
  expect((await harness.post(activity)).status).toBe(200);
  await harness.connector.waitFor((c) => c.kind === 'reply', before + 1);
  await new Promise((r) => setTimeout(r, 30));
  return harness.connector.calls.filter((c) => c.kind === 'reply').slice(before);
}

describe('Teams drills', () => {
  it('plays a drill in a personal chat: the mood moves, the scorecard card arrives with its value, and coaching resumes after', async () => {
    h = await startTeamsHarness();
    const [opening] = await say(h, 'drill late-delivery');
    expect(valueOf(opening!).defuseDrill).toMatchObject({ scenario: 'late-delivery', turn: 0, mood: 'angry' });
    const drillId = valueOf(opening!).defuseDrill!.drill_id;
    expect(textOf(opening!)).toContain('Order 58213');

    const [bad] = await say(h, 'Calm down, it is just a scooter.');
    expect(valueOf(bad!).defuseDrill).toMatchObject({ drill_id: drillId, turn: 1, mood: 'furious' });
    const [good] = await say(h, "You're right, I'm so sorry. A missed birthday present is awful and you shouldn't have had to chase us.");
    expect(valueOf(good!).defuseDrill!.mood).not.toBe('furious');
    let last: ConnectorCall[] = [];
    for (const line of ['Could you tell me what happened with the order?', 'What would make this right for you?', 'I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.', 'It will be with you by 6pm Friday. Does that work for you?', 'Thank you for your patience. Is there anything else I can help with?']) {
      last = await say(h, line);
      if (last.some((c) => valueOf(c).defuseDrillScore)) break;
    }
    const score = last.map(valueOf).find((v) => v.defuseDrillScore)!.defuseDrillScore!;
    expect(score.drill_id).toBe(drillId);
    expect(Object.keys(score.skills)).toHaveLength(9);
    expect(textOf(last.at(-1)!)).toContain('Scorecard');

    // The drill is over: the next message is coached as a customer's words again.
    const [coached] = await say(h, 'This is the third time I have called about my bill!!!');
    expect((coached!.body.value as { advice?: unknown }).advice).toBeDefined();

    const [stats] = await say(h, 'drill stats');
    expect(textOf(stats!)).toMatch(/Your drills: 1/);
  });

  it('runs drills in two channel reply chains at once, answers only the owner, and stops on `stop`', async () => {
    h = await startTeamsHarness();
    const chainA: Where = { conversationType: 'channel', conversationId: '19:train@thread.tacv2;messageid=111', teamId: '19:team', user: '29:one', userName: 'One' };
    const chainB: Where = { ...chainA, conversationId: '19:train@thread.tacv2;messageid=222', user: '29:two', userName: 'Two' };
    const [a] = await say(h, '<at>Defuse</at> drill double-charge', chainA);
    const [b] = await say(h, '<at>Defuse</at> drill cancelled-flight hard', chainB);
    const idA = valueOf(a!).defuseDrill!.drill_id;
    const idB = valueOf(b!).defuseDrill!.drill_id;
    expect(idA).not.toBe(idB);
    const [ra] = await say(h, "<at>Defuse</at> I'm so sorry, that sounds really stressful.", chainA);
    expect(valueOf(ra!).defuseDrill).toMatchObject({ drill_id: idA, scenario: 'double-charge', turn: 1 });
    const [rb] = await say(h, "<at>Defuse</at> I'm so sorry, that sounds really stressful.", chainB);
    expect(valueOf(rb!).defuseDrill).toMatchObject({ drill_id: idB, scenario: 'cancelled-flight', turn: 1 });
    const [spectator] = await say(h, '<at>Defuse</at> Let me refund you now.', { ...chainA, user: '29:two', userName: 'Two' });
    expect(textOf(spectator!)).toMatch(/belongs to someone else/);
    const [stopped] = await say(h, '<at>Defuse</at> stop', chainA);
    expect(textOf(stopped!)).toMatch(/Drill stopped/);
    expect((await h.service.store.drills.get(idA))!.status).toBe('abandoned');
    expect((await h.service.store.drills.get(idB))!.status).toBe('active');
  });

  it('keeps a drill across a restart of the service', async () => {
    const data = mkdtempSync(join(tmpdir(), 'defuse-teams-drill-'));
    dirs.push(data);
    h = await startTeamsHarness({ DATA_DIR: data });
    const [opening] = await say(h, 'drill medical-bill');
    const drillId = valueOf(opening!).defuseDrill!.drill_id;
    await say(h, "I'm so sorry, that must be really frightening.");
    await h.stop();
    h = await startTeamsHarness({ DATA_DIR: data });
    const [next] = await say(h, 'Could you tell me when the bill arrived?');
    expect(valueOf(next!).defuseDrill).toMatchObject({ drill_id: drillId, turn: 2 });
  });
});
