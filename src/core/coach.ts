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
import type { CaseRecord, CaseStore, ChannelRef } from './ports/case-store.ts';
import { reviewDraft } from './review/review-draft.ts';
import { sanitizeText } from './text/sanitize.ts';

export interface CoachRequest {
  /** Continue this case; a new case is opened when absent or unknown. */
  caseId?: string;
  /** What the agent pasted: the customer's words, a transcript, narration, an e-mail. */
  text?: string;
  /** Or turns already split by role (API integrations). */
  turns?: Turn[];
  channel?: ChannelRef;
}

export interface CoachDeps {
  content: Content;
  lexicons: Lexicons;
  analyser: Analyser;
  store: CaseStore;
  now: () => Date;
  newId: () => string;
}

/** Turns kept per case: the analysis reads the latest ones; older turns add nothing but cost. */
const MAX_TURNS = 60;

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
    const input = this.readInput(req);
    const id = req.caseId ?? this.deps.newId();
    // Analyse first with the stored turns, then store the new turns with the wordings shown.
    const existing = await this.deps.store.get(id);
    const analysed = [...(existing?.turns ?? []), ...input.turns].slice(-MAX_TURNS);
    const advice = await this.deps.analyser.analyse(analysed, {
      caseId: id,
      shownWordings: new Set(existing?.shownWordings ?? []),
      notices: input.notices,
    });
    const shown = advice.say.map((w) => w.id);
    const at = this.deps.now().toISOString();
    await this.deps.store.update(id, (current): CaseRecord => {
      const base: CaseRecord = current ?? {
        id,
        turns: [],
        shownWordings: [],
        open: true,
        ...(req.channel ? { channel: req.channel } : {}),
        createdAt: at,
        updatedAt: at,
        version: 0,
      };
      // Appending to the current record (not to what we read before) keeps a concurrent turn.
      return {
        ...base,
        turns: [...base.turns, ...input.turns].slice(-MAX_TURNS),
        shownWordings: [...base.shownWordings, ...shown].slice(-200),
        updatedAt: at,
      };
    });
    return advice;
  }

  review(draft: string, customerContext?: string): Review {
    const d = sanitizeText(draft);
    const ctx = customerContext !== undefined && customerContext.trim() !== '' ? sanitizeText(customerContext).text : undefined;
    return reviewDraft(this.deps.content, this.deps.lexicons, d.text, ctx);
  }
}
