/**
 * The one service every channel calls: Slack, Teams, the REST API and the CLI each build a
 * CoachRequest, call the coach once, and render the Advice back in their own format.
 */
import type { Advice, Review } from './advice.ts';
import type { Turn } from './case.ts';
import type { Content } from './content/schema.ts';
import { InputError } from './errors.ts';
import type { Lexicons } from './analysis/lexicon.ts';
import { readInput } from './parse/read-input.ts';
import type { Analyser } from './ports/analyser.ts';
import type { CaseStore, ChannelRef } from './ports/case-store.ts';
import type { EscalationRecord, EscalationStore } from './ports/escalation-store.ts';
import { escalationSummary } from './escalation/summary.ts';
import { REASON_TEXT } from './escalation/rules.ts';
import { redact } from './privacy/redact.ts';
import { reviewDraft } from './review/review-draft.ts';
import { sanitizeText } from './text/sanitize.ts';
import { limitKeys, type UsageLimits } from './limits/rate-limit.ts';

export interface CoachRequest {
  /** Continue this case; a new case is opened when absent or unknown. */
  caseId?: string;
  /** What the agent pasted: the customer's words, a transcript, narration, an e-mail. */
  text?: string;
  /** Or turns already split by role (API integrations). */
  turns?: Turn[];
  channel?: ChannelRef;
  /**
   * The channel knows this message opens the case (a new Slack thread, a new Teams chat case):
   * there is nothing stored to read first. A request without a caseId is always new.
   */
  opensCase?: boolean;
}

export interface CoachResult {
  caseId: string;
  advice: Advice;
  /** Escalations opened by this message (none when the case already had them). */
  escalations: EscalationRecord[];
  /**
   * With the LLM mode on: the model-tailored advice, or undefined when the model failed (the
   * offline advice above stands). Never rejects. Channels show `advice` at once and update
   * it in place when this settles, so an agent never waits on a model.
   */
  tailored?: Promise<Advice | undefined>;
}

/** Told what the coach concluded, for counting (metrics); never given any text. */
export interface CoachObserver {
  advised(advice: Advice, channel: ChannelRef['channel'] | undefined, escalations: readonly EscalationRecord[]): void;
  /** A supervisor took a case ("I'm on it") or dismissed its ping. */
  acknowledged(outcome: 'taken' | 'dismissed'): void;
}

export interface CoachDeps {
  content: Content;
  lexicons: Lexicons;
  analyser: Analyser;
  /** The LLM analyser, when the LLM mode is on: asked after the offline answer is out. */
  tailor?: Analyser;
  store: CaseStore;
  /** Absent in the CLI: nobody is pinged from a terminal. */
  escalations?: EscalationStore;
  now: () => Date;
  newId: () => string;
  /** Per-user and per-workspace limits on coaching turns (the channels' ChannelRef names both). */
  limits?: UsageLimits;
  observer?: CoachObserver;
}

/** Turns kept per case: the analysis reads the latest ones; older turns add nothing but cost. */
const MAX_TURNS = 60;

/**
 * Separates two customer messages the agent sent Defuse one after the other: pasted lines in
 * a row are one customer turn, but separate messages in a case are separate turns. A note,
 * so it is never read as anyone's words.
 */
const MESSAGE_BOUNDARY: Turn = { role: 'note', text: 'next message in the case' };

/** The case's turns followed by one more of its messages, with a boundary when both sides are the customer's. */
function withMessage(turns: readonly Turn[], message: readonly Turn[]): Turn[] {
  const boundary = turns.at(-1)?.role === 'customer' && message[0]?.role === 'customer' ? [MESSAGE_BOUNDARY] : [];
  return [...turns, ...boundary, ...message];
}

export class Coach {
  private readonly deps: CoachDeps;
  constructor(deps: CoachDeps) {
    this.deps = deps;
  }

  /** Reads text into turns, or throws an InputError with a message for the agent. */
  readInput(req: Pick<CoachRequest, 'text' | 'turns'>): { turns: Turn[]; notices: string[] } {
    return readInput(this.deps.lexicons, req);
  }

  async coach(req: CoachRequest): Promise<Advice> {
    return (await this.coachCase(req)).advice;
  }

  /**
   * Reads the agent's message in the light of the stored case, answers, and stores the new
   * turns (redacted) with the assessment. Escalations the advice calls for are recorded once
   * per case and reason; the ones new with this message come back for the channel to ping.
   */
  async coachCase(req: CoachRequest): Promise<CoachResult> {
    this.deps.limits?.check(limitKeys(req.channel));
    const input = this.readInput(req);
    // Personal data never reaches the store, the analyser (which may be remote) or a reply.
    const redacted = input.turns.map((t) => ({ ...t, text: redact(t.text).text }));
    const id = req.caseId ?? this.deps.newId();
    const existing = req.caseId === undefined || req.opensCase ? undefined : await this.storedTurns(id);
    // A new message after a customer turn is the customer's next turn (the agent answered in
    // between, in their own tool), not more of the same one.
    const caseTurns = withMessage(existing?.turns ?? [], redacted).slice(-MAX_TURNS);
    const context = { caseId: id, shownWordings: new Set(existing?.shown ?? []), notices: input.notices };
    const advice = await this.deps.analyser.analyse(caseTurns, context);
    const at = this.deps.now().toISOString();
    // Appending (not rewriting what was read above) keeps a turn that arrived meanwhile.
    await this.deps.store.append(id, {
      turns: redacted,
      assessment: { emotion: advice.emotion, intensity: advice.intensity, stage: advice.stage, flags: advice.flags, step: advice.step },
      shownWordings: advice.say.map((w) => w.id),
      stepsTaken: advice.stepsTaken,
      ...(req.channel ? { channel: req.channel } : {}),
      at,
    });
    const escalations: EscalationRecord[] = [];
    if (this.deps.escalations && advice.escalate.notify) {
      const summary = escalationSummary(advice);
      for (const reason of advice.escalate.reasons) {
        if (await this.deps.escalations.open({ caseId: id, reason: reason.id, summary, at })) {
          escalations.push({ caseId: id, reason: reason.id, summary, createdAt: at, notified: [] });
        }
      }
    }
    const tailor = this.deps.tailor;
    const tailored = tailor
      ? tailor.analyse(caseTurns, context).then(
          (a) => (a.source === 'offline' ? undefined : a),
          () => undefined,
        )
      : undefined;
    this.deps.observer?.advised(advice, req.channel?.channel, escalations);
    return { caseId: id, advice, escalations, ...(tailored ? { tailored } : {}) };
  }

  /** The stored case's turns as the analyser reads them, or undefined when there is no such case. */
  private async storedTurns(caseId: string): Promise<{ turns: Turn[]; shown: string[] } | undefined> {
    const c = await this.deps.store.get(caseId);
    if (!c || c.turns.length === 0) return undefined;
    // Turns committed together (one `at`) came in one message.
    let turns: Turn[] = [];
    let message: Turn[] = [];
    c.turns.forEach(({ seq: _s, at, assessment: _x, ...t }, i) => {
      message.push(t);
      if (c.turns[i + 1]?.at !== at) {
        turns = withMessage(turns, message);
        message = [];
      }
    });
    return { turns: turns.slice(-MAX_TURNS), shown: c.shownWordings };
  }

  /** New wordings for the same reading (the agent asked for another), remembered as shown. */
  async anotherWording(caseId: string): Promise<Advice | undefined> {
    const stored = await this.storedTurns(caseId);
    if (!stored) return undefined;
    const advice = await this.deps.analyser.analyse(stored.turns, { caseId, shownWordings: new Set(stored.shown), notices: [] });
    await this.deps.store.append(caseId, { turns: [], shownWordings: advice.say.map((w) => w.id), stepsTaken: [], at: this.deps.now().toISOString() });
    return advice;
  }

  /** The agent asks for a supervisor: an escalation with reason agent_request, once per case. */
  async requestSupervisor(caseId: string): Promise<{ opened: boolean; advice: Advice } | undefined> {
    const stored = await this.storedTurns(caseId);
    if (!stored || !this.deps.escalations) return undefined;
    const advice = await this.deps.analyser.analyse(stored.turns, { caseId, shownWordings: new Set(stored.shown), notices: [] });
    const withRequest: Advice = {
      ...advice,
      escalate: { notify: true, reasons: [...advice.escalate.reasons, { id: 'agent_request', text: REASON_TEXT.agent_request }] },
    };
    const opened = await this.deps.escalations.open({ caseId, reason: 'agent_request', summary: escalationSummary(withRequest), at: this.deps.now().toISOString() });
    return { opened, advice: withRequest };
  }

  /** The agent reports the customer calmed down: the case reads one notch calmer from here. */
  async customerCalmed(caseId: string): Promise<CoachResult | undefined> {
    if (!(await this.storedTurns(caseId))) return undefined;
    return this.coachCase({ caseId, turns: [{ role: 'note', text: 'The agent reports that the customer has calmed down.', signal: 'calmed' }] });
  }

  /**
   * A supervisor takes the case, or dismisses its ping: every open escalation of it is
   * acknowledged by them, so nobody is pinged about it again. False when there was nothing
   * left to take (another supervisor was first).
   */
  async takeCase(caseId: string, by: string, outcome: 'taken' | 'dismissed' = 'taken'): Promise<boolean> {
    if (!this.deps.escalations) return false;
    const at = this.deps.now().toISOString();
    let took = false;
    for (const e of await this.deps.escalations.forCase(caseId)) if (await this.deps.escalations.acknowledge(caseId, e.reason, by, at)) took = true;
    if (took) this.deps.observer?.acknowledged(outcome);
    return took;
  }

  async closeCase(caseId: string): Promise<boolean> {
    return this.deps.store.close(caseId, this.deps.now().toISOString());
  }

  review(draft: string, customerContext?: string): Review {
    const d = sanitizeText(draft);
    const ctx = customerContext !== undefined && customerContext.trim() !== '' ? sanitizeText(customerContext).text : undefined;
    return reviewDraft(this.deps.content, this.deps.lexicons, d.text, ctx);
  }
}
