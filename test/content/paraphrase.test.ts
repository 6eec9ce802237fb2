import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const GUIDANCE = new URL('../fixtures/guidance/', import.meta.url).pathname;
const PROMPTS = new URL('../../prompts/', import.meta.url).pathname;
const words = (t: string) => t.toLowerCase().match(/[a-z0-9']+/g) ?? [];

function grams(text: string, n = 10): string[] {
  const w = words(text);
  return Array.from({ length: Math.max(0, w.length - n + 1) }, (_, i) => w.slice(i, i + n).join(' '));
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

function copiedRuns(guidance: Map<string, string>, text: string): string[] {
  return grams(text).filter((g) => guidance.has(g));
}

describe('prompts/ paraphrases the guidance', () => {
  const guidance = new Map<string, string>();
  for (const f of readdirSync(GUIDANCE)) for (const g of grams(readFileSync(join(GUIDANCE, f), 'utf8'))) guidance.set(g, f);

  it('no run of ten consecutive words from a guidance sentence appears in prompts/', () => {
    const hits = allFiles(PROMPTS).flatMap((p) => copiedRuns(guidance, readFileSync(p, 'utf8')).map((g) => `${p}: "${g}" (${guidance.get(g)})`));
    expect(hits).toEqual([]);
  });

  it('the check finds a copied sentence', () => {
    const copied = 'Finding a suitable resolution is the reason for the call, so it is your job.';
    expect(copiedRuns(guidance, copied).length).toBeGreaterThan(0);
  });
});
