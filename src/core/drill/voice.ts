/**
 * What a model is told when it speaks for the drill customer, and the checks its line must
 * pass before the agent sees it. The mood and stage machine stays in charge: the model only
 * words the move the machine already made (the scripted line shows it which), so a drill
 * scores the same with or without a model.
 */
import { analyseCase } from '../analysis/analyse-case.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import { PLACEHOLDER } from '../llm/guardrails.ts';
import { redact } from '../privacy/redact.ts';
import type { Flag, Stage } from '../taxonomy.ts';
import { remediesIn, type DrillCatalog } from './catalog.ts';
import type { DrillState } from './drill-state.ts';
import type { Difficulty, Mood, Scenario } from './scenario.ts';

/** What just happened in the drill, which decides what the customer's line must do. */
export type VoiceEvent = 'opening' | 'reply' | 'reveal' | 'manager' | 'walkout' | 'handoff' | 'resolved';

export interface VoiceRequest {
  scenario: Scenario;
  difficulty: Difficulty;
  mood: Mood;
  stage: Stage;
  event: VoiceEvent;
  /** The curated line the machine picked: what to say, which the model may re-word. */
  scripted: string;
  /** Whether the customer has already said what they want. */
  revealed: boolean;
  /** The drill so far, oldest first, redacted; the scripted line is not in it. */
  transcript: { speaker: 'customer' | 'agent'; text: string }[];
}

/** As long as a chat message from an upset person gets; the scenarios' own lines stay under 280. */
export const MAX_VOICE_CHARS = 320;
const MIN_VOICE_CHARS = 8;

/** What the last line does, from where in the scenario the machine took it. */
export function voiceEvent(state: DrillState): VoiceEvent {
  const key = state.customer.at(-1)!.key;
  if (key.startsWith('openings.')) return 'opening';
  if (key.startsWith('endings.walkout')) return 'walkout';
  if (key.startsWith('endings.manager')) return 'manager';
  if (key.startsWith('endings.resolved')) return 'resolved';
  if (key.startsWith('reveal.')) return 'reveal';
  if (state.outcome === 'handoff') return 'handoff';
  return 'reply';
}

/** The drill's state after a turn, as a request: the last customer line is the scripted one. */
export function voiceRequest(scenario: Scenario, state: DrillState): VoiceRequest {
  const line = state.customer.at(-1)!;
  const event = voiceEvent(state);
  const transcript: VoiceRequest['transcript'] = [];
  // Customer lines and agent replies alternate: opening, reply 1, line 1, reply 2, line 2...
  state.customer.slice(0, -1).forEach((c, i) => {
    transcript.push({ speaker: 'customer', text: c.text });
    const r = state.replies[i];
    if (r) transcript.push({ speaker: 'agent', text: redact(r.text).text });
  });
  return {
    scenario,
    difficulty: state.difficulty,
    mood: line.mood,
    stage: line.stage,
    event,
    scripted: line.text,
    revealed: state.revealed && event !== 'reveal',
    transcript,
  };
}

export type VoiceProblem = 'too_short' | 'too_long' | 'placeholder' | 'stage_direction' | 'out_of_character' | 'personal_data' | 'abusive' | 'new_threat' | 'mood' | 'reveals_outcome';

/** "*sighs*", "(angrily)": the agent reads a chat message, not a script. */
const STAGE_DIRECTION = /\*[^*]+\*|^\s*\(|\(\s*(sigh|angr|shout|yell|pause|laugh)/i;
/** The model stepping out of the role, or writing both sides of the chat. */
const OUT_OF_CHARACTER = /\bas an ai\b|\blanguage model\b|\bi(?:'m| am) (?:an? )?(?:ai|assistant|chatbot|virtual)\b|\brole-?play|\bin character\b|^\s*(?:customer|agent|dana|me)\s*:|\n\s*(?:agent|customer)\s*:/i;
/** Flags the model may not bring into a drill that the script did not have at this point. */
const SERIOUS: readonly Flag[] = ['threat_legal', 'threat_public', 'safety_risk'];

/**
 * Why a model's line may not be said, or undefined when it may. Checked against the scenario
 * (abuse only from an abusive persona, no threat the script did not make, the hidden outcome
 * kept hidden until asked) and against the machine's mood (a calm customer does not rage, a
 * furious one does not sound content).
 */
export function voiceLineProblem(text: string, req: VoiceRequest, deps: { lexicons: Lexicons; catalog: DrillCatalog }): VoiceProblem | undefined {
  const t = text.trim();
  if (t.length < MIN_VOICE_CHARS) return 'too_short';
  if (t.length > MAX_VOICE_CHARS) return 'too_long';
  if (OUT_OF_CHARACTER.test(t)) return 'out_of_character';
  if (STAGE_DIRECTION.test(t)) return 'stage_direction';
  if (PLACEHOLDER.test(t)) return 'placeholder';
  if (redact(t).text !== t) return 'personal_data';
  const read = analyseCase(deps.lexicons, [{ role: 'customer', text: t }]);
  const script = analyseCase(deps.lexicons, [{ role: 'customer', text: req.scripted }]);
  if (read.flags.includes('abusive_language') && !req.scenario.persona.abusive && !script.flags.includes('abusive_language')) return 'abusive';
  if (SERIOUS.some((f) => read.flags.includes(f) && !script.flags.includes(f))) return 'new_threat';
  if (req.mood === 'calm' && (read.emotion === 'angry' || read.emotion === 'hostile')) return 'mood';
  if (req.mood === 'furious' && read.emotion === 'calm') return 'mood';
  if (!req.revealed && req.event !== 'reveal') {
    const ideal = (line: string) => remediesIn(deps.catalog, req.scenario, line).some((r) => r.quality === 'ideal');
    if (ideal(t) && !ideal(req.scripted)) return 'reveals_outcome';
  }
  return undefined;
}

const MOOD_VOICE: Record<Mood, string> = {
  furious: 'furious: short, sharp sentences, no patience, may shout in capitals',
  angry: 'angry: blunt and demanding, but still talking',
  upset: 'upset: hurt and worried more than hostile, willing to listen',
  calm: 'calm: settled, polite, a little tired',
};

const EVENT_DIRECTION: Record<VoiceEvent, string> = {
  opening: 'You have just reached the support agent. Open the conversation.',
  reply: "Answer the agent's last message.",
  reveal: 'The agent asked what you want. Say plainly what would put this right for you.',
  manager: 'You have had enough of this agent. Demand a manager.',
  walkout: 'You give up on this conversation and leave it.',
  handoff: 'The agent is passing you to a manager. React to that in one last message.',
  resolved: 'The problem is settled. Say goodbye, in your mood.',
};

/** The scenario's part of the prompt: the same for every turn of a drill, so it follows the static prefix. */
export function scenarioBrief(s: Scenario): string {
  const lines = [
    `You are ${s.persona.name}. ${s.persona.about}`,
    `What happened (the agent sees this too): ${s.situation}`,
    `What you really want, kept to yourself until the agent asks or you are told to say it: ${s.ideal_outcome}`,
    `What calms you: ${s.calms.map((c) => c.why).join(' ')}`,
    `What makes you angrier: ${s.inflames.map((c) => c.why).join(' ')}`,
  ];
  if (s.persona.abusive) lines.push('You swear at people when you are angry.');
  else lines.push('You never swear at the agent.');
  return lines.join('\n');
}

/** The turn's part: the conversation so far and what this line must do. */
export function voiceTurn(req: VoiceRequest): string {
  const transcript = req.transcript.map((t) => `${t.speaker === 'customer' ? 'You' : 'Agent'}: ${t.text}`).join('\n');
  return [
    transcript ? `The conversation so far:\n${transcript}` : 'The conversation has not started yet.',
    '',
    `Your mood now: ${MOOD_VOICE[req.mood]}.`,
    `Where the conversation is: ${req.stage}.`,
    EVENT_DIRECTION[req.event],
    `The scripted line for this moment (say the same thing, in your own words, fitted to what the agent just said): ${req.scripted}`,
  ].join('\n');
}
