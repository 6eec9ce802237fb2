import { describe, expect, it } from 'vitest';
import { replyToDrill, startDrill, type DrillDeps } from '../../src/core/drill/drill-engine.ts';
import { parseDrillCommand, isStopInDrill } from '../../src/core/drill/drill-command.ts';
import { MANAGER_HEAT, START_HEAT, TURN_LIMIT } from '../../src/core/drill/mood.ts';
import { DIFFICULTIES } from '../../src/core/drill/scenario.ts';
import { scoreDrill } from '../../src/core/drill/scorecard.ts';
import type { DrillState } from '../../src/core/drill/drill-state.ts';
import { testEngine } from '../helpers/engine.ts';

const e = testEngine();
const deps: DrillDeps = { content: e.content, catalog: e.drillCatalog, lexicons: e.lexicons };

function play(scenario: string, replies: readonly string[], difficulty: (typeof DIFFICULTIES)[number] = 'normal', seed = 42): DrillState {
  let st = startDrill(deps, scenario, difficulty, seed);
  for (const r of replies) {
    const t = replyToDrill(deps, st, r);
    st = t.state;
    if (t.ended) break;
  }
  return st;
}

/** One reply from the opening: how far it moved the customer's heat. */
function heatAfter(reply: string, scenario = 'late-delivery'): number {
  const st = startDrill(deps, scenario, 'normal', 1);
  return replyToDrill(deps, st, reply).state.heat - st.heat;
}

describe('the simulated customer (drill engine)', () => {
  it('replays a scripted drill exactly: every customer line, the outcome and the scorecard', () => {
    const st = play('late-delivery', [
      'Sorry, but you should have chosen express shipping if you needed it by Saturday.',
      "I'm really sorry, that sounds so stressful with his birthday this weekend.",
      'Can you tell me the order number so I can look into it?',
      'What would make this right for you?',
      'I can refund the whole order today.',
      'Better still: I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.',
      'It will be with you by 6pm Friday. Does that work for you?',
      'Thank you for your patience, and is there anything else I can help with?',
    ]);
    expect(st.customer.map((c) => c.text)).toEqual([
      "I emailed you days ago and nobody answered. The present for my kid's birthday is nowhere and the tracking is a joke.",
      "Do you understand it's a SEVEN year old's birthday? He's been counting the days. I'm not going to be the one to tell him.",
      'It was the blue scooter and the matching helmet, order 58213. Nothing else on it.',
      'What can you do for me? I really need this to work out.',
      "Honestly? I want the scooter here before Saturday. That's it. And I'm not paying shipping on a box that never left your warehouse.",
      'That helps a bit. Is there really nothing faster?',
      'Yes, that works for me. Thank you.',
      "That's great, thanks for your help. Have a good day.",
      "Great, I've got the confirmation email. Thank you.",
    ]);
    expect(st.replies.map((r) => `${r.stageBefore}>${r.stageAfter}`)).toEqual([
      'venting>venting', 'venting>explaining', 'explaining>seeking', 'seeking>seeking', 'seeking>negotiating', 'negotiating>accepting', 'accepting>closing', 'closing>closing',
    ]);
    expect(st.outcome).toBe('resolved');
    expect(st.revealed).toBe(true);
    const card = scoreDrill(e.content, e.drillCatalog.scenarios.get('late-delivery')!, st);
    expect(card.skills.map((k) => [k.skill, k.score])).toEqual([
      ['listening', 100], ['empathy', 100], ['apology', 100], ['objectivity', 60], ['diagnosis', 100], ['resolution', 100], ['confirmation', 100], ['closing', 100], ['professionalism', 100],
    ]);
    expect(card.score).toBe(96);
    expect(card.skills.find((k) => k.skill === 'objectivity')!.why).toMatch(/reply 1/);
    expect(card.weakest).toMatchObject({ turn: 1, step: 'apologize' });
    expect(card.weakest!.better).toBeTruthy();
    expect(card.weakest!.source.file).toMatch(/^\d{3}_[0-9a-f]+\.txt$/);
    expect(card.best!.turn).toBe(2);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const replies = ['That sounds awful, I am so sorry.', 'What happened exactly?', 'Okay.', 'Okay.'];
    expect(play('cancelled-flight', replies, 'hard', 7)).toEqual(play('cancelled-flight', replies, 'hard', 7));
    const openings = new Set(Array.from({ length: 12 }, (_, seed) => startDrill(deps, 'cancelled-flight', 'hard', seed).customer[0]!.text));
    expect(openings.size).toBeGreaterThan(1);
  });

  it('calms with empathy while the customer vents, and flares at a fix thrown at them, blame, sarcasm, "calm down", a policy wall or an over-promise', () => {
    expect(heatAfter("I'm so sorry. That sounds really stressful.")).toBeLessThan(-10);
    expect(heatAfter('I can refund the shipping charge.')).toBeGreaterThan(0);
    expect(heatAfter('You should have ordered earlier.')).toBeGreaterThan(10);
    expect(heatAfter('Sure, because shouting at me will make the parcel arrive faster.')).toBeGreaterThan(10);
    expect(heatAfter('Calm down, it is just a parcel.')).toBeGreaterThan(10);
    expect(heatAfter('Unfortunately our policy does not allow that.')).toBeGreaterThan(5);
    expect(heatAfter('I guarantee it will arrive tomorrow, 100%.')).toBeGreaterThan(0);
    // The same fix, once the customer is asking for one, calms.
    const seeking = play('late-delivery', ["I'm so sorry, that sounds really stressful.", 'Could you tell me what happened?']);
    expect(seeking.stage).toBe('seeking');
    const t = replyToDrill(deps, seeking, 'I can send a replacement by express today so it arrives tomorrow.');
    expect(t.state.heat).toBeLessThan(seeking.heat);
  });

  it('asks for a manager when pushed too far, walks out if pushed further, and ends with a handoff when one is offered', () => {
    const pushed = play('late-delivery', ['You should have paid for express.', 'Calm down, seriously.']);
    expect(pushed.demandingManager).toBe(true);
    expect(pushed.heat).toBeGreaterThanOrEqual(MANAGER_HEAT);
    const lines = e.drillCatalog.scenarios.get('late-delivery')!.endings;
    expect(lines.manager).toContain(pushed.customer.at(-1)!.text);
    const walked = replyToDrill(deps, pushed, 'That is our policy, nothing I can do.');
    expect(walked.state.outcome).toBe('walkout');
    expect(lines.walkout).toContain(walked.line.text);
    const handed = replyToDrill(deps, pushed, "You're right to want someone senior. I'm bringing in my supervisor now and will stay on until they join.");
    expect(handed.state.outcome).toBe('handoff');
  });

  it('starts a customer who wants a manager already asking, and drops the demand when the agent takes ownership', () => {
    const st = startDrill(deps, 'wants-manager', 'normal', 3);
    expect(st.demandingManager).toBe(true);
    const t = replyToDrill(deps, st, "I'm so sorry, that's really frustrating. I can sort this for you myself right now.");
    expect(t.state.demandingManager).toBe(false);
    expect(t.state.outcome).toBeUndefined();
  });

  it('never repeats a line, and always ends (turn limit or walk-out), in every scenario and difficulty', () => {
    for (const id of e.drillCatalog.scenarios.keys()) {
      for (const d of DIFFICULTIES) {
        const st = play(id, Array.from({ length: 30 }, () => 'Okay.'), d, 11);
        expect(st.outcome, `${id} ${d}`).toMatch(/turn_limit|walkout/);
        expect(st.replies.length).toBeLessThanOrEqual(TURN_LIMIT[d]);
        const keys = st.customer.map((c) => c.key);
        expect(new Set(keys).size, `${id} ${d}`).toBe(keys.length);
        expect(new Set(st.customer.map((c) => c.text)).size).toBe(keys.length);
      }
    }
  });

  it('resolves every scenario for an agent who follows the playbook, and loses it for one who fights', () => {
    for (const s of e.drillCatalog.scenarios.values()) {
      const ideal = s.resolutions.find((r) => r.quality === 'ideal')!;
      const good = play(s.id, [
        "I'm really sorry. That sounds incredibly stressful, and you have every right to be upset.",
        'Could you tell me a bit more about what happened so I can look into it properly?',
        'What would make this right for you?',
        `${ideal.examples[0]} I'll have it done within the hour and email you the confirmation.`,
        'Does that work for you?',
        'Thank you for your patience. Is there anything else I can help with?',
      ]);
      expect(good.outcome, s.id).toBe('resolved');
      expect(scoreDrill(e.content, s, good).score, s.id).toBeGreaterThanOrEqual(80);
      const bad = play(s.id, ["Calm down, it's not that bad.", "That's our policy, there's nothing I can do.", 'You should have read the terms.', "Whatever, it's not our fault."]);
      expect(bad.outcome, s.id).toBe('walkout');
      expect(scoreDrill(e.content, s, bad).score, s.id).toBeLessThan(40);
    }
  });

  it('starts hotter on harder difficulties', () => {
    expect(startDrill(deps, 'late-delivery', 'easy', 1).heat).toBe(START_HEAT.easy);
    expect(START_HEAT.easy).toBeLessThan(START_HEAT.normal);
    expect(START_HEAT.normal).toBeLessThan(START_HEAT.hard);
  });
});

describe('the scorecard', () => {
  it('explains every score, and says "not reached" instead of a silent zero', () => {
    const st = { ...play('medical-bill', ["I'm so sorry, that must be frightening."]), outcome: 'stopped' as const };
    const card = scoreDrill(e.content, e.drillCatalog.scenarios.get('medical-bill')!, st);
    expect(card.skills).toHaveLength(9);
    for (const k of card.skills) {
      expect(k.why.length, k.skill).toBeGreaterThan(15);
      expect(k.score).toBeGreaterThanOrEqual(0);
      expect(k.score).toBeLessThanOrEqual(100);
    }
    expect(card.skills.find((k) => k.skill === 'confirmation')!.why).toMatch(/^Not reached/);
    expect(card.skills.find((k) => k.skill === 'closing')!.why).toMatch(/^Not reached/);
    expect(card.skills.find((k) => k.skill === 'empathy')!.score).toBe(100);
  });

  it('gives partial credit with its reason: an apology taken back by an excuse, questions without asking what they want', () => {
    const st = play('double-charge', ["I apologise for this. The bank's system caused the error, not us.", 'When did you first notice the second charge?']);
    const card = scoreDrill(e.content, e.drillCatalog.scenarios.get('double-charge')!, { ...st, outcome: 'stopped' });
    const by = Object.fromEntries(card.skills.map((k) => [k.skill, k]));
    expect(by.diagnosis!.score).toBe(50);
    expect(by.diagnosis!.why).toMatch(/never what outcome/);
    expect(by.objectivity!.score).toBe(60);
    expect(by.apology!.score).toBe(50);
    expect(by.apology!.why).toMatch(/excuse or blame/);
  });
});

describe('drill commands', () => {
  it('reads the same words on every platform', () => {
    expect(parseDrillCommand('')).toEqual({ kind: 'start' });
    expect(parseDrillCommand('late-delivery hard')).toEqual({ kind: 'start', scenario: 'late-delivery', difficulty: 'hard' });
    expect(parseDrillCommand('easy')).toEqual({ kind: 'start', difficulty: 'easy' });
    expect(parseDrillCommand('list')).toEqual({ kind: 'list' });
    expect(parseDrillCommand('STOP')).toEqual({ kind: 'stop' });
    expect(parseDrillCommand('leaderboard join')).toEqual({ kind: 'leaderboard', join: true });
    expect(parseDrillCommand('leaderboard maybe').kind).toBe('invalid');
    expect(parseDrillCommand('late-delivery impossible').kind).toBe('invalid');
    expect(isStopInDrill('stop')).toBe(true);
    expect(isStopInDrill('End drill.')).toBe(true);
    expect(isStopInDrill('Stop charging me twice')).toBe(false);
  });
});
