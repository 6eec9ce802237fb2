/**
 * The checks a model's drill line must pass before an agent sees it (src/core/drill/voice.ts):
 * in character, in the machine's mood, and true to the scenario.
 */
import { describe, expect, it } from 'vitest';
import { startDrill, replyToDrill } from '../../src/core/drill/drill-engine.ts';
import { voiceEvent, voiceLineProblem, voiceRequest, voiceTurn, scenarioBrief, type VoiceRequest } from '../../src/core/drill/voice.ts';
import { testEngine } from '../helpers/engine.ts';

const e = testEngine();
const deps = { catalog: e.drillCatalog, content: e.content, lexicons: e.lexicons };
const scenario = (id: string) => e.drillCatalog.scenarios.get(id)!;

function request(over: Partial<VoiceRequest> = {}): VoiceRequest {
  return {
    scenario: scenario('late-delivery'),
    difficulty: 'normal',
    mood: 'angry',
    stage: 'venting',
    event: 'reply',
    scripted: 'Nobody answered my email. Not one reply. That is what really gets me.',
    revealed: false,
    transcript: [],
    ...over,
  };
}
const problem = (line: string, over: Partial<VoiceRequest> = {}) => voiceLineProblem(line, request(over), { lexicons: e.lexicons, catalog: e.drillCatalog });

describe('a voiced drill line', () => {
  it('passes when it says the scripted move in other words', () => {
    expect(problem('I wrote to you a week ago and heard nothing back. Not a word. That is what makes me so angry.')).toBeUndefined();
  });

  it('is refused when it steps out of the role or writes the agent too', () => {
    expect(problem('As an AI, I cannot pretend to be upset about a parcel.')).toBe('out_of_character');
    expect(problem('Customer: where is my parcel?')).toBe('out_of_character');
    expect(problem('Where is it?\nAgent: I am so sorry, let me check.')).toBe('out_of_character');
  });

  it('is refused with stage directions, blanks or personal data', () => {
    expect(problem('*sighs heavily* Nobody ever answers my emails here.')).toBe('stage_direction');
    expect(problem('My order [order number] still has not moved at all.')).toBe('placeholder');
    expect(problem('Write to me at dana.parent@example.com since nobody reads the other inbox.')).toBe('personal_data');
  });

  it('is refused when too short or too long for a chat message', () => {
    expect(problem('No.')).toBe('too_short');
    expect(problem('I waited. '.repeat(40))).toBe('too_long');
  });

  it('swears only when the persona does', () => {
    const swearing = 'You are a useless idiot and this company is a fucking joke.';
    expect(problem(swearing)).toBe('abusive');
    const abusive = scenario('swearing-customer');
    expect(abusive.persona.abusive).toBe(true);
    expect(problem(swearing, { scenario: abusive, scripted: abusive.lines.venting.furious[0]! })).toBeUndefined();
  });

  it('makes no threat the script did not make', () => {
    expect(problem('Nobody answered my email, so my lawyer will be in touch with you this week.')).toBe('new_threat');
    expect(problem('I am posting this all over Twitter and Trustpilot tonight.')).toBe('new_threat');
  });

  it('keeps to the mood the machine chose', () => {
    expect(problem('Thanks so much, that is perfectly fine, no rush at all.', { mood: 'furious' })).toBe('mood');
    expect(problem('This is OUTRAGEOUS!!! NINE DAYS and still nothing, I am DONE waiting!!!', { mood: 'calm', scripted: 'Okay. I have said my piece. I just want this sorted.' })).toBe('mood');
    expect(problem('Okay, thank you. I feel better knowing someone is on it now.', { mood: 'calm', scripted: 'Okay. I have said my piece. I just want this sorted.' })).toBeUndefined();
  });

  it('keeps the hidden outcome hidden until it is asked for', () => {
    const leak = 'Just send a replacement scooter by express so it gets here before Saturday.';
    expect(problem(leak)).toBe('reveals_outcome');
    expect(problem(leak, { event: 'reveal', scripted: scenario('late-delivery').reveal[0]! })).toBeUndefined();
    expect(problem(leak, { revealed: true })).toBeUndefined();
  });
});

describe('the voice request', () => {
  it('carries the mood, stage and scripted line the machine chose, with the agent redacted', () => {
    const s0 = startDrill(deps, 'late-delivery', 'normal', 42);
    const open = voiceRequest(scenario('late-delivery'), s0);
    expect(open.event).toBe('opening');
    expect(open.transcript).toEqual([]);
    expect(open.scripted).toBe(s0.customer[0]!.text);

    const t = replyToDrill(deps, s0, "I'm so sorry, that sounds awful. Mail me at agent.alex@example.com if you like.");
    const r = voiceRequest(scenario('late-delivery'), t.state);
    expect(r.event).toBe(voiceEvent(t.state));
    expect(r.scripted).toBe(t.line.text);
    expect(r.mood).toBe(t.line.mood);
    expect(r.stage).toBe(t.line.stage);
    expect(r.transcript.map((x) => x.speaker)).toEqual(['customer', 'agent']);
    expect(r.transcript[1]!.text).toContain('[email]');
    expect(r.transcript[1]!.text).not.toContain('example.com');
    const turn = voiceTurn(r);
    expect(turn).toContain(t.line.text);
    expect(turn).toContain(`Where the conversation is: ${t.line.stage}`);
  });

  it('names endings and the reveal from where the line came from', () => {
    let s = startDrill(deps, 'late-delivery', 'normal', 7);
    s = replyToDrill(deps, s, 'I completely understand, and I am sorry nobody answered your email.').state;
    s = replyToDrill(deps, s, 'What would put this right for you?').state;
    expect(s.customer.at(-1)!.key.startsWith('reveal.')).toBe(true);
    expect(voiceEvent(s)).toBe('reveal');
  });

  it('tells a persona that does not swear never to swear, and keeps the outcome for the model alone', () => {
    expect(scenarioBrief(scenario('late-delivery'))).toContain('never swear');
    expect(scenarioBrief(scenario('swearing-customer'))).toContain('swear at people');
    expect(scenarioBrief(scenario('late-delivery'))).toContain(scenario('late-delivery').ideal_outcome);
  });
});
