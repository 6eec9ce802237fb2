import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadedAnalyser } from '../../src/analysis-thread/threaded-analyser.ts';
import { createLogger } from '../../src/log.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = testEngine();
const logs: string[] = [];
const log = createLogger('info', (l) => logs.push(l));

/** Development cases with turns or raw text, as an agent would send them. */
const cases = readFileSync(new URL('../../evals/dev/cases.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; turns?: { role: 'customer' | 'agent' | 'note'; text: string }[]; raw?: string })
  .filter((c) => c.turns || c.raw)
  .slice(0, 60)
  .map((c) => engine.coach.readInput(c.turns ? { turns: c.turns } : { text: c.raw! }).turns);

let open: ThreadedAnalyser | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
  logs.length = 0;
});

const readings: string[] = [];
function analyser(): ThreadedAnalyser {
  readings.length = 0;
  open = new ThreadedAnalyser(engine.offline, { log, onReading: (on) => readings.push(on) });
  return open;
}

describe('the analyser on its own thread', () => {
  it('gives the advice the event loop would, case for case', async () => {
    const a = analyser();
    expect(await a.started).toBe(true);
    expect(cases.length).toBeGreaterThan(40);
    const shown = new Set(['empathize.w1']);
    const threaded = await Promise.all(cases.map((turns, i) => a.analyse(turns, { caseId: `c${i}`, shownWordings: shown, notices: ['a notice'] })));
    threaded.forEach((advice, i) => {
      expect(advice).toEqual(engine.offline.analyseSync(cases[i]!, { caseId: `c${i}`, shownWordings: shown, notices: ['a notice'] }));
    });
    expect(readings.filter((on) => on === 'thread')).toHaveLength(cases.length);
    expect(readings).not.toContain('event_loop');
  });

  it('rejects a case it cannot read with the same error as the event loop, and keeps going', async () => {
    const a = analyser();
    expect(await a.started).toBe(true);
    const noCustomer = [{ role: 'agent' as const, text: 'Hello, how can I help?' }];
    await expect(a.analyse(noCustomer, { shownWordings: new Set() })).rejects.toMatchObject({ code: 'no_customer_text' });
    expect((await a.analyse(cases[3]!, { shownWordings: new Set() })).step).toBe(engine.offline.analyseSync(cases[3]!, { shownWordings: new Set() }).step);
    expect(a.thread).toBeDefined();
  });

  it('answers on the event loop before the thread is ready', async () => {
    const a = analyser();
    let ready = false;
    void a.started.then(() => (ready = true));
    const advice = await a.analyse(cases[0]!, { shownWordings: new Set() });
    // Starting a thread loads prompts/ again, far slower than one reading.
    expect(ready).toBe(false);
    expect(readings).toEqual(['event_loop']);
    expect(await a.started).toBe(true);
    expect(advice).toEqual(engine.offline.analyseSync(cases[0]!, { shownWordings: new Set() }));
  });

  it('answers readings in flight when the thread dies, and starts another', async () => {
    const a = analyser();
    expect(await a.started).toBe(true);
    const first = a.thread!;
    const inFlight = cases.slice(0, 20).map((turns) => a.analyse(turns, { shownWordings: new Set() }));
    await first.terminate();
    const answers = await Promise.all(inFlight);
    answers.forEach((advice, i) => expect(advice).toEqual(engine.offline.analyseSync(cases[i]!, { shownWordings: new Set() })));
    expect(logs.some((l) => l.includes('analysis_thread_exit'))).toBe(true);
    // Meanwhile the event loop answers; then a new thread takes over.
    expect((await a.analyse(cases[1]!, { shownWordings: new Set() })).step).toBe(engine.offline.analyseSync(cases[1]!, { shownWordings: new Set() }).step);
    await vi.waitFor(() => expect(a.thread !== undefined && a.thread !== first).toBe(true), { timeout: 5000 });
  });

  it('stops its thread on close and reads on the event loop after', async () => {
    const a = analyser();
    expect(await a.started).toBe(true);
    const thread = a.thread!;
    const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
    await a.close();
    await exited;
    expect(a.thread).toBeUndefined();
    expect(await a.analyse(cases[2]!, { shownWordings: new Set() })).toEqual(engine.offline.analyseSync(cases[2]!, { shownWordings: new Set() }));
    expect(logs.some((l) => l.includes('analysis_thread_exit'))).toBe(false);
  });
});
