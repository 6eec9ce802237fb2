/**
 * Reads a whole case: every customer turn, in the light of the ones before it, and the
 * agent turns between them (what the agent already did). Pure and synchronous.
 */
import type { Turn } from '../case.ts';
import { InputError } from '../errors.ts';
import { FLAGS, type Behaviour, type Emotion, type Flag, type Stage, type Step, type Trend } from '../taxonomy.ts';
import { detectBehaviours } from '../review/detect-behaviours.ts';
import type { Cue } from './cue.ts';
import { readEmotion, type EmotionReading } from './emotion.ts';
import type { Lexicons } from './lexicon.ts';
import { learnedReading, type FlagVerdict } from './learned.ts';
import { CALMED_NOTICE, calmedReading } from './reported-calm.ts';
import { readTurn, type TurnReading } from './read-turn.ts';
import { decideStage } from './stage.ts';
import { looksEnglish } from './language.ts';
import { tokenize } from '../text/tokens.ts';

const NO_VERDICT: FlagVerdict = { added: [], doubted: [] };

export interface CustomerTurnReading extends TurnReading {
  emotionReading: EmotionReading;
  stageId: Stage;
  /** Steps the agent took between the customer's previous turn and this one. */
  agentStepsBefore: Step[];
  /** What the agent said between the customer's previous turn and this one ('' when nothing). */
  agentTextBefore: string;
}

export interface AgentTurnReading {
  turn: number;
  behaviours: Behaviour[];
  steps: Step[];
}

export interface TrendPoint {
  turn: number;
  emotion: Emotion;
  intensity: number;
}

export interface CaseReading {
  turns: readonly Turn[];
  customer: CustomerTurnReading[];
  agent: AgentTurnReading[];
  emotion: Emotion;
  intensity: number;
  trend: { direction: Trend | null; history: TrendPoint[] };
  flags: Flag[];
  /**
   * The customer's turns of the latest moment, the latest last: with it, a turn of the other kind
   * (quoted or reported) right before it. The flags are theirs.
   */
  moment: CustomerTurnReading[];
  stage: Stage;
  /** Steps the agent has taken in this case, in order, without repeats. */
  stepsTaken: Step[];
  /** Steps taken since the customer's latest turn began to be answered (the last agent turns). */
  lastAgentSteps: Step[];
  cues: Cue[];
  notices: string[];
}

/** What each agent behaviour counts as on the playbook. */
const BEHAVIOUR_STEP: Partial<Record<Behaviour, Step>> = {
  acknowledge: 'empathize',
  apologize: 'apologize',
  ask: 'diagnose',
  offer: 'resolve',
  expect: 'resolve',
  check: 'confirm',
  boundary: 'boundary',
  handoff: 'handoff',
};

/** A change smaller than this is noise in the scale, not a trend. */
const TREND_STEP = 0.08;

function agentSteps(lex: Lexicons, turn: Turn, index: number): AgentTurnReading {
  const behaviours = turn.role === 'agent' ? detectBehaviours(lex, turn.text).map((b) => b.id) : [];
  const steps = new Set<Step>(turn.actions ?? []);
  for (const b of behaviours) {
    const s = BEHAVIOUR_STEP[b];
    if (s) steps.add(s);
  }
  return { turn: index, behaviours, steps: [...steps] };
}

function trendOf(history: TrendPoint[]): Trend | null {
  if (history.length < 2) return null;
  const last = history[history.length - 1]!;
  const prev = history[history.length - 2]!;
  const d = last.intensity - prev.intensity;
  if (d >= TREND_STEP) return 'rising';
  if (d <= -TREND_STEP) return 'falling';
  return 'steady';
}

/** Messages a customer sends in a row are one turn: "the issue is YOU" + "get me a real person". */
function mergeCustomerRuns(turns: readonly Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    const prev = out[out.length - 1];
    if (prev && prev.role === 'customer' && t.role === 'customer' && prev.reported === t.reported) {
      out[out.length - 1] = { ...prev, text: `${prev.text}\n${t.text}` };
    } else out.push(t);
  }
  return out;
}

/** The words of a text as the lexicons see them: how a time is compared between two turns. */
const words = (text: string) => tokenize(text).map((t) => t.norm).join(' ');

/**
 * A time the agent offered and the customer repeats ("Before 5, okay", "Tuesday then") is the
 * agent's promise being accepted, not the customer's deadline: `urgent` is dropped when every
 * one of its cues was in the agent's turn just before.
 */
function withoutEchoedTimes(r: TurnReading, turns: readonly Turn[], at: number): TurnReading {
  const before = turns[at - 1];
  if (before?.role !== 'agent') return r;
  const offered = ` ${words(before.text)} `;
  const echoed = (c: Cue) => offered.includes(` ${words(c.text)} `);
  const cues = r.flags.get('urgent');
  const times = r.times.length > 0 && r.times.every(echoed) ? [] : r.times;
  if (!cues || !cues.every(echoed)) return times === r.times ? r : { ...r, times };
  const flags = new Map(r.flags);
  flags.delete('urgent');
  return { ...r, flags, times, cues: r.cues.filter((c) => !(c.signal === 'flag' && c.label === 'urgent')) };
}

/**
 * The latest turn with its urgency as the urgency model decided it (learned.ts). A flag is
 * always shown with its reason: the lexicon's deadline cues, or else the times the turn
 * names; a turn that names neither is never urgent.
 */
function withUrgency<R extends TurnReading>(r: R, urgent: boolean): R {
  const ruleCues = r.flags.get('urgent');
  const shown = urgent ? (ruleCues ?? (r.times.length > 0 ? r.times : undefined)) : undefined;
  if (shown === ruleCues) return r;
  const flags = new Map(r.flags);
  const cues = r.cues.filter((c) => !(c.signal === 'flag' && c.label === 'urgent'));
  if (shown) {
    flags.set('urgent', shown);
    cues.push(...shown);
  } else flags.delete('urgent');
  return { ...r, flags, cues };
}

/**
 * The latest turn with the flags the flag model added (learned.ts), each shown by its words,
 * and without the ones it doubted, cues and all. Words alone do not say whom a safety risk is
 * to: as for any reading without the lexicon's kinds (policy/safety.ts), a hostile customer is
 * taken to threaten someone else and anyone else to be at risk themselves, so despair is never
 * met with a boundary.
 */
function withWordFlags<R extends TurnReading>(r: R, verdict: FlagVerdict, emotion: Emotion): R {
  const { added, doubted } = verdict;
  if (added.length === 0 && doubted.length === 0) return r;
  const flags = new Map(r.flags);
  for (const f of doubted) flags.delete(f);
  for (const c of added) flags.set(c.label as Flag, [c]);
  const kept = doubted.length === 0 ? r.cues : r.cues.filter((c) => !(c.signal === 'flag' && doubted.includes(c.label as Flag)));
  const toSelf = emotion === 'hostile' ? [] : added.filter((c) => c.label === 'safety_risk');
  return { ...r, flags, cues: [...kept, ...added], ...(toSelf.length > 0 ? { riskToSelf: [...r.riskToSelf, ...toSelf] } : {}) };
}

/**
 * When a date or time in the latest turn is no deadline pressed on the agent. Said by a calm
 * customer who is explaining, weighing an offer, agreeing or signing off ("my flight on 4 Aug",
 * "I'll hear back within 5 days, thanks"), it is a fact of the case; a calm customer asking for
 * something by a time still presses one. In a hostile outburst ("I'll be at your office at 9
 * tomorrow") it is when a threat falls due, and the threat is what the agent must meet. On the
 * tuning sets the flag was wrong 17 times and right 6 in the first group, wrong 13 times and
 * right once in the second.
 */
function deadlineWithoutPressure(emotion: Emotion, stage: Stage): boolean {
  if (emotion === 'hostile') return stage === 'venting';
  return emotion === 'calm' && stage !== 'seeking' && stage !== 'venting';
}

/** What the agent said since the customer last spoke: notes are the agent's asides, not said to the customer. */
function agentTextOf(since: readonly AgentTurnReading[], turns: readonly Turn[]): string {
  return since
    .filter((a) => turns[a.turn]!.role === 'agent')
    .map((a) => turns[a.turn]!.text)
    .join('\n');
}

export function analyseCase(lex: Lexicons, input: readonly Turn[]): CaseReading {
  const turns = mergeCustomerRuns(input);
  const customer: CustomerTurnReading[] = [];
  const agent: AgentTurnReading[] = [];
  const stepsTaken: Step[] = [];
  let sinceCustomer: AgentTurnReading[] = [];
  let lastAgentSteps: Step[] = [];
  let prior: Record<Emotion, number> | undefined;

  const lastCustomer = turns.findLastIndex((t) => t.role === 'customer');
  turns.forEach((turn, i) => {
    if (turn.role === 'customer') {
      const r = withoutEchoedTimes(readTurn(lex, turn.text, i, turn.reported === true), turns, i);
      const ruleEmotion = readEmotion(r, prior);
      const steps = new Set(sinceCustomer.flatMap((a) => a.steps));
      const ruleStage = decideStage(r, ruleEmotion, { proposal: steps.has('resolve') || steps.has('handoff'), asked: steps.has('diagnose') });
      const agentStepsBefore = [...steps];
      const agentTextBefore = agentTextOf(sinceCustomer, turns);
      const { emotion: e, stage: stageId, urgent, wordFlags, wordCues } = lex.models
        ? learnedReading(lex.models, r, ruleEmotion, ruleStage, agentStepsBefore, customer.length, i === lastCustomer, agentTextBefore, lex.bareWords)
        : { emotion: ruleEmotion, stage: ruleStage, urgent: undefined, wordFlags: undefined, wordCues: undefined };
      const learned = withWordFlags(urgent === undefined ? r : withUrgency(r, urgent), wordFlags ?? NO_VERDICT, e.emotion);
      const cues = wordCues && wordCues.length > 0 ? [...learned.cues, ...wordCues] : learned.cues;
      customer.push({ ...learned, cues, emotionReading: e, stageId, agentStepsBefore, agentTextBefore });
      prior = e.scores;
      lastAgentSteps = [...steps];
      sinceCustomer = [];
    } else {
      const a = agentSteps(lex, turn, i);
      if (a.steps.length > 0 || turn.role === 'agent') {
        agent.push(a);
        sinceCustomer.push(a);
        for (const s of a.steps) if (!stepsTaken.includes(s)) stepsTaken.push(s);
      }
    }
  });

  const latest = customer[customer.length - 1];
  if (!latest) {
    throw new InputError(
      'no_customer_text',
      "I couldn't find the customer's words. Paste what the customer said, or a transcript with lines like \"Customer: …\" and \"Me: …\".",
    );
  }
  // Agent turns after the latest customer turn are steps already taken for it too.
  if (sinceCustomer.length > 0) lastAgentSteps = [...new Set(sinceCustomer.flatMap((a) => a.steps))];

  // A quote and the agent's narration of the same moment ("> I know which branch you work at" then
  // "he's the one whose loan was declined, I'm a bit rattled") are two customer turns side by
  // side, kept apart only because one is reported: what either says is what the customer says
  // now, and the narration's calm words are often the agent's own. Hostility in either is the
  // moment's (taking the higher of any two emotions read fewer tuning cases right: an anxious
  // quote and a frustrated note are not an angrier customer). The urgency model weighs only the
  // latest, so `urgent` comes from it alone.
  const before = customer[customer.length - 2];
  const beside = before && before.turn === latest.turn - 1 ? before : undefined;
  const moment = beside ? [beside, latest] : [latest];
  const felt = beside?.emotionReading.emotion === 'hostile' ? beside : latest;
  const history = customer.map((c) => ({ turn: c.turn, emotion: c.emotionReading.emotion, intensity: c.emotionReading.intensity }));
  if (beside) history.splice(-2, 2, { turn: latest.turn, emotion: felt.emotionReading.emotion, intensity: felt.emotionReading.intensity });
  const notices: string[] = [];
  let emotion = felt.emotionReading.emotion;
  let intensity = felt.emotionReading.intensity;
  let stage = latest.stageId;
  // With the models, the urgency model has weighed the latest turn, emotion and stage included;
  // the rule is for the rules alone.
  const unhurried = !lex.models && deadlineWithoutPressure(emotion, stage);
  const flags = FLAGS.filter(
    (f) => (latest.flags.has(f) && !(f === 'urgent' && unhurried)) || (f !== 'urgent' && beside?.flags.has(f) === true),
  );
  const calmedAt = turns.findLastIndex((t) => t.role === 'note' && t.signal === 'calmed');
  if (calmedAt > latest.turn) {
    const c = calmedReading(emotion, intensity, stage, calmedAt);
    ({ emotion, intensity, stage } = c);
    history.push(c.point);
    notices.push(CALMED_NOTICE);
  }
  if (!looksEnglish(customer.map((c) => c.text).join(' '))) {
    notices.push("This doesn't read as English. The offline coach understands English only, so take this reading with care.");
  }
  // Cues shown to the agent: what drove the emotion, flags and stage in the latest turn.
  // Two lexicon entries may find the same words ("before Saturday"): the agent sees them once.
  const seen = new Set<string>();
  const besideCues = beside
    ? beside.cues.filter((c) => (c.signal === 'flag' && c.label !== 'urgent' && !latest.flags.has(c.label as Flag)) || (c.signal === 'emotion' && felt === beside))
    : [];
  const cues = [...besideCues, ...latest.cues].filter((c) => {
    const shown =
      (c.signal === 'emotion' && c.label === emotion) ||
      (c.signal === 'flag' && flags.includes(c.label as Flag)) ||
      (c.signal === 'stage' && c.label === stage);
    const key = `${c.turn}:${c.signal}:${c.label}:${c.start}:${c.end}`;
    if (!shown || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Entries that end alike ("I'll be waiting outside when you finish", "waiting outside when you
  // finish") would show the agent the same words three times: the longest span stands for them.
  const inside = (c: Cue, o: Cue) =>
    o !== c && o.turn === c.turn && o.signal === c.signal && o.label === c.label && o.start <= c.start && o.end >= c.end && o.end - o.start > c.end - c.start;
  const shownCues = cues.filter((c) => !cues.some((o) => inside(c, o)));
  return {
    turns,
    customer,
    agent,
    emotion,
    intensity,
    trend: { direction: trendOf(history), history },
    flags,
    moment,
    stage,
    stepsTaken,
    lastAgentSteps,
    cues: shownCues,
    notices,
  };
}
