/**
 * The scorecard: each skill 0–100 with one line of why, read from the replies against the
 * same playbook as live coaching. Partial credit always says what earned it and what was
 * missing; a skill the drill never reached says so instead of scoring a silent zero.
 */
import type { Source } from '../advice.ts';
import type { Content } from '../content/schema.ts';
import { sourcesFor, wordingsFor } from '../playbook/compose.ts';
import { repairStep } from '../review/review-draft.ts';
import { bestRemedy } from './catalog.ts';
import { isHarmful, type Behaviour, type Emotion, type Stage, type Step } from '../taxonomy.ts';
import type { AgentReply, DrillOutcome, DrillState } from './drill-state.ts';
import { SKILLS, type Mood, type Scenario, type Skill } from './scenario.ts';

export interface SkillScore {
  skill: Skill;
  score: number;
  why: string;
}

export interface QuotedReply {
  turn: number;
  text: string;
  why: string;
}

export interface DrillScorecard {
  schema: 'defuse.drill-score/1';
  scenario: string;
  title: string;
  difficulty: DrillState['difficulty'];
  outcome: DrillOutcome;
  turns: number;
  score: number;
  skills: SkillScore[];
  best?: QuotedReply;
  weakest?: QuotedReply & { better?: string; step: Step; source: Source };
  /** The hidden outcome, shown at the end so the agent learns what this customer wanted. */
  idealOutcome: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const turns = (rs: readonly AgentReply[]) => rs.map((r) => r.turn).join(', ');
const any = (r: AgentReply, ...bs: Behaviour[]) => bs.some((b) => r.behaviours.includes(b));

function listening(rs: readonly AgentReply[]): SkillScore {
  const venting = rs.filter((r) => r.stageBefore === 'venting');
  if (venting.length === 0) return { skill: 'listening', score: 100, why: 'The customer never needed to vent.' };
  const rushed = venting.filter((r) => (any(r, 'offer') && !any(r, 'acknowledge', 'apologize')) || any(r, 'excuse', 'argue', 'policy_wall'));
  const score = Math.round((100 * (venting.length - rushed.length)) / venting.length);
  return {
    skill: 'listening',
    score,
    why:
      rushed.length === 0
        ? `${venting.length === 1 ? 'Your reply' : `All ${venting.length} replies`} while the customer vented let them finish before any fix.`
        : `${rushed.length} of ${venting.length} replies while they vented jumped to a fix or an explanation (reply ${turns(rushed)}).`,
  };
}

function empathy(rs: readonly AgentReply[]): SkillScore {
  const first = rs.find((r) => any(r, 'acknowledge'));
  const dismissed = rs.filter((r) => any(r, 'dismiss'));
  let score = first === undefined ? 0 : first.turn <= 2 ? 100 : 70;
  let why = first === undefined ? 'No reply named or validated how the customer felt.' : first.turn <= 2 ? `You acknowledged the feeling early (reply ${first.turn}).` : `You acknowledged the feeling, but only at reply ${first.turn}; earlier lands better.`;
  if (dismissed.length > 0) {
    score = Math.max(0, score - 40);
    why += ` Minimising the problem cost 40 (reply ${turns(dismissed)}).`;
  }
  return { skill: 'empathy', score, why };
}

function apology(rs: readonly AgentReply[]): SkillScore {
  const apologies = rs.filter((r) => any(r, 'apologize'));
  if (apologies.length === 0) return { skill: 'apology', score: 0, why: 'No apology: even when it is not your fault, saying sorry for their experience matters.' };
  const clean = apologies.filter((r) => !any(r, 'excuse', 'blame'));
  if (clean.length === 0) return { skill: 'apology', score: 50, why: `Half credit: every apology came with an excuse or blame (reply ${turns(apologies)}), which takes it back.` };
  if (apologies.length > 3) return { skill: 'apology', score: 80, why: `You apologised ${apologies.length} times; after the first, repeats start to sound hollow.` };
  return { skill: 'apology', score: 100, why: `A sincere apology with no excuse attached (reply ${clean[0]!.turn}).` };
}

function objectivity(rs: readonly AgentReply[]): SkillScore {
  const bad = rs.filter((r) => any(r, 'blame', 'excuse'));
  if (bad.length === 0) return { skill: 'objectivity', score: 100, why: 'No blame and no excuses: you owned the problem for the company.' };
  return { skill: 'objectivity', score: Math.max(0, 100 - 40 * bad.length), why: `Blame or excuses in ${plural(bad.length, 'reply', 'replies')} (reply ${turns(bad)}), 40 off each.` };
}

function diagnosis(rs: readonly AgentReply[]): SkillScore {
  const asked = rs.find((r) => any(r, 'ask'));
  const outcome = rs.find((r) => r.moves.includes('asks_outcome'));
  const score = (asked ? 50 : 0) + (outcome ? 50 : 0);
  const why =
    asked && outcome
      ? `You asked what happened (reply ${asked.turn}) and what they wanted (reply ${outcome.turn}).`
      : asked
        ? `Half: you asked questions (reply ${asked.turn}) but never what outcome they wanted.`
        : outcome
          ? `Half: you asked what they wanted (reply ${outcome.turn}) but not what happened.`
          : 'No questions: you never found out what happened or what they wanted.';
  return { skill: 'diagnosis', score, why };
}

function resolution(rs: readonly AgentReply[], s: Scenario): SkillScore {
  const best = bestRemedy(rs.map((r) => r.remedy).filter((r) => r !== undefined));
  const generic = rs.some((r) => any(r, 'offer'));
  let score = best ? { ideal: 100, acceptable: 75, partial: 40 }[best.quality] : generic ? 25 : 0;
  const parts: string[] = [];
  if (best) parts.push(`You offered the ${best.quality} remedy: ${s.resolutions.find((x) => x.id === best.id)?.description ?? best.id}`);
  else if (generic) parts.push('You offered something, but not a remedy this customer could accept.');
  else parts.push('No concrete remedy was offered.');
  if ((best || generic) && !rs.some((r) => any(r, 'expect'))) {
    score = Math.max(0, score - 15);
    parts.push('No honest timing (15 off).');
  }
  const promised = rs.filter((r) => any(r, 'overpromise'));
  if (promised.length > 0) {
    score = Math.max(0, score - 30);
    parts.push(`A promise you cannot control (reply ${turns(promised)}, 30 off).`);
  }
  return { skill: 'resolution', score, why: parts.join(' ') };
}

function confirmation(rs: readonly AgentReply[], state: DrillState): SkillScore {
  const firstOffer = rs.find((r) => any(r, 'offer') || r.remedy);
  if (!firstOffer) return { skill: 'confirmation', score: 0, why: 'Not reached: no remedy was on the table to confirm.' };
  const checked = rs.find((r) => r.turn >= firstOffer.turn && any(r, 'check'));
  if (checked) return { skill: 'confirmation', score: 100, why: `You checked the remedy works for them (reply ${checked.turn}).` };
  if (state.confirmed) return { skill: 'confirmation', score: 70, why: 'You confirmed what happens next, but never asked whether it works for them.' };
  return { skill: 'confirmation', score: 0, why: 'You never asked whether the remedy actually works for them.' };
}

function closing(rs: readonly AgentReply[], outcome: DrillOutcome): SkillScore {
  const last = rs.at(-1);
  const closed = rs.find((r) => r.moves.includes('closes'));
  if (outcome === 'resolved' && closed) return { skill: 'closing', score: 100, why: `A proper close: thanks and what follows (reply ${closed.turn}).` };
  if (outcome === 'resolved') return { skill: 'closing', score: 60, why: 'Resolved, but the close lacked thanks or the follow-up they can expect.' };
  if (closed) return { skill: 'closing', score: 40, why: `You tried to close (reply ${closed.turn}) before the customer had agreed to anything.` };
  const where = last ? `it ended at "${last.stageAfter}"` : 'there were no replies';
  return { skill: 'closing', score: 0, why: `Not reached: ${where}, before a close.` };
}

function professionalism(rs: readonly AgentReply[]): SkillScore {
  const bad = rs.filter((r) => any(r, 'sarcasm', 'argue', 'dismiss'));
  if (bad.length === 0) return { skill: 'professionalism', score: 100, why: 'No sarcasm, arguing or "calm down": steady throughout.' };
  return { skill: 'professionalism', score: Math.max(0, 100 - 35 * bad.length), why: `Sarcasm, arguing or dismissing in reply ${turns(bad)}, 35 off each.` };
}

/** How much a reply helped: the heat it took off, plus helpful moves, minus harmful ones. */
function replyValue(r: AgentReply): number {
  const harmful = r.behaviours.filter(isHarmful).length;
  const helpful = r.behaviours.length - harmful + r.moves.length;
  return r.heatBefore - r.heatAfter + 3 * helpful - 10 * harmful;
}

/** What the reply should have done at that point: the repair for its worst move, or the stage's step. */
const STAGE_STEP: Record<Stage, Step> = { venting: 'empathize', explaining: 'diagnose', seeking: 'resolve', negotiating: 'resolve', accepting: 'confirm', closing: 'close' };
const MOOD_EMOTION: Record<Mood, Emotion> = { furious: 'angry', angry: 'angry', upset: 'frustrated', calm: 'calm' };

function whyOf(r: AgentReply): string {
  const harmful = r.behaviours.filter(isHarmful);
  const helpful = r.behaviours.filter((b) => !isHarmful(b));
  const moved = r.heatAfter - r.heatBefore;
  const heat = moved < 0 ? `cooled the customer by ${-moved}` : moved > 0 ? `heated the customer by ${moved}` : 'left the customer where they were';
  const what = [helpful.length > 0 ? `helpful: ${helpful.join(', ')}` : '', harmful.length > 0 ? `harmful: ${harmful.join(', ')}` : ''].filter(Boolean).join('; ');
  const heatLine = `${heat.charAt(0).toUpperCase()}${heat.slice(1)} while they were ${r.stageBefore}.`;
  return what ? `${what.charAt(0).toUpperCase()}${what.slice(1)}. ${heatLine}` : heatLine;
}

export function scoreDrill(content: Content, s: Scenario, state: DrillState): DrillScorecard {
  const rs = state.replies;
  const outcome = state.outcome ?? 'stopped';
  const skills = [listening(rs), empathy(rs), apology(rs), objectivity(rs), diagnosis(rs), resolution(rs, s), confirmation(rs, state), closing(rs, outcome), professionalism(rs)];
  // Fixed order, whatever the functions above return in.
  skills.sort((a, b) => SKILLS.indexOf(a.skill) - SKILLS.indexOf(b.skill));
  const score = Math.round(skills.reduce((sum, k) => sum + k.score, 0) / skills.length);
  const card: DrillScorecard = { schema: 'defuse.drill-score/1', scenario: s.id, title: s.title, difficulty: state.difficulty, outcome, turns: rs.length, score, skills, idealOutcome: s.ideal_outcome };
  if (rs.length === 0) return card;
  const ranked = [...rs].sort((a, b) => replyValue(b) - replyValue(a) || a.turn - b.turn);
  const best = ranked[0]!;
  const weakest = ranked.at(-1)!;
  card.best = { turn: best.turn, text: best.text, why: whyOf(best) };
  if (rs.length > 1 || replyValue(weakest) < 0) {
    const harmful = weakest.behaviours.find(isHarmful);
    const step = harmful ? repairStep(harmful) : STAGE_STEP[weakest.stageBefore];
    const def = content.playbook.get(step)!;
    const mood = state.customer[weakest.turn - 1]?.mood ?? 'angry';
    const better = wordingsFor(def, MOOD_EMOTION[mood], {}, new Set(), 1)[0]?.text;
    card.weakest = { turn: weakest.turn, text: weakest.text, why: whyOf(weakest), ...(better ? { better } : {}), step, source: sourcesFor(content, def)[0]! };
  }
  return card;
}
