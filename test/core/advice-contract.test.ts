/**
 * The Advice and Review objects are the published contract (CLI --json, Slack metadata, the
 * Teams activity value). The core builds them with typed code and does not parse them on the
 * hot path, so this test holds every answer over the evaluation sets, and over awkward input,
 * to the zod schemas.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AdviceSchema, ReviewSchema } from '../../src/core/advice.ts';
import { parseCaseLine, isOutput, runCase } from '../../src/eval/run-case.ts';
import { coachText, testEngine } from '../helpers/engine.ts';

function problems(schema: typeof AdviceSchema | typeof ReviewSchema, value: unknown, id: string): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${id}: ${i.path.join('.')} ${i.message}`);
}

describe('the answer contract', () => {
  for (const file of ['../../evals/dev/cases.jsonl', '../../evals/tuning/cases.jsonl', '../../evals/tuning/extra-g.jsonl']) {
    it(`holds for every case of ${file.split('/').slice(-2).join('/')}`, () => {
      const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n').filter((l) => l.trim() !== '');
      const found: string[] = [];
      let checked = 0;
      lines.forEach((line, i) => {
        const c = parseCaseLine(line, i + 1);
        if (isOutput(c)) throw new Error(`bad case line ${i + 1}`);
        const out = runCase(testEngine(), c);
        if ('advice' in out) found.push(...problems(AdviceSchema, out.advice, out.id));
        else if ('review' in out) found.push(...problems(ReviewSchema, testEngine().coach.review(c.draft!, c.context), out.id));
        else found.push(`${out.id}: ${out.error.code}`);
        checked++;
      });
      expect(found).toEqual([]);
      expect(checked).toBe(lines.length);
    });
  }

  it('holds for awkward input: one word, shouting, a long paste, another language, abuse', () => {
    const inputs = [
      'no',
      'WHERE IS MY MONEY!!!!!!',
      'Customer: hi\nAgent: hello\n'.repeat(40) + 'Customer: still waiting',
      'Je suis très en colère, mon colis n’est jamais arrivé et personne ne répond.',
      "you useless idiot, I'll find where you live",
      '🙂',
    ];
    const found = inputs.flatMap((text, i) => problems(AdviceSchema, coachText(text), `input ${i}`));
    expect(found).toEqual([]);
  });

  it('rejects an answer that breaks it, so the checks above can fail', () => {
    const a = coachText('my parcel is late again');
    expect(problems(AdviceSchema, { ...a, intensity: 1.5 }, 'x')).not.toEqual([]);
    expect(problems(AdviceSchema, { ...a, say: [] }, 'x')).not.toEqual([]);
  });
});
