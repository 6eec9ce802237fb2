/**
 * The analyser port. The offline analyser (core) is the default; the LLM analyser
 * (src/llm) implements the same port and falls back to the offline one.
 */
import type { Advice } from '../advice.ts';
import type { Turn } from '../case.ts';

export interface AnalyseContext {
  caseId?: string;
  /** Wording ids already shown in this case, so the answer offers new ones. */
  shownWordings: ReadonlySet<string>;
  /** Notices from reading the input (truncation, quoted history), carried into the advice. */
  notices?: readonly string[];
}

export interface Analyser {
  readonly name: string;
  analyse(turns: readonly Turn[], context: AnalyseContext): Promise<Advice>;
}
