import { createEngine, type Engine } from '../../src/engine.ts';

let engine: Engine | undefined;
/** One engine per test file: loading prompts/ is the slow part. */
export function testEngine(): Engine {
  engine ??= createEngine();
  return engine;
}

export function coachText(text: string) {
  const e = testEngine();
  const { turns, notices } = e.coach.readInput({ text });
  return e.offline.analyseSync(turns, { shownWordings: new Set(), notices });
}

export function coachTurns(turns: { role: 'customer' | 'agent' | 'note'; text: string }[]) {
  return testEngine().offline.analyseSync(turns, { shownWordings: new Set() });
}
