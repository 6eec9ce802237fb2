import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS_DIR, loadContent } from '../../src/content/load-content.ts';
import { ContentError } from '../../src/core/errors.ts';
import { STEPS } from '../../src/core/taxonomy.ts';
import { slotsOf } from '../../src/core/content/check-content.ts';
import { compileLexicons } from '../../src/core/analysis/lexicon.ts';
import { readTurn } from '../../src/core/analysis/read-turn.ts';

let dir: string | undefined;
function copyPrompts(): string {
  dir = mkdtempSync(join(tmpdir(), 'defuse-prompts-'));
  cpSync(DEFAULT_PROMPTS_DIR, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function loadError(d: string): ContentError {
  try {
    loadContent(d);
  } catch (err) {
    if (err instanceof ContentError) return err;
    throw err;
  }
  throw new Error('expected loadContent to fail');
}

describe('the curated content', () => {
  const content = loadContent();

  it('has one playbook file per step, each with enough wordings, avoids and sources', () => {
    expect([...content.playbook.keys()].sort()).toEqual([...STEPS].sort());
    for (const step of content.playbook.values()) {
      expect(step.wordings.length).toBeGreaterThanOrEqual(5);
      expect(step.avoid.length).toBeGreaterThanOrEqual(3);
      expect(step.sources.length).toBeGreaterThanOrEqual(1);
      expect(step.wordings.some((w) => slotsOf(w.text).length > 0)).toBe(true);
    }
  });

  it('cites every guidance file that the taxonomy grounds a step in', () => {
    // docs/taxonomy.md §4, "grounded in": first three digits of the file names.
    const grounded: Record<string, string[]> = {
      listen: ['000', '001', '003', '004'], empathize: ['000', '001', '002', '003'], apologize: ['000', '001', '003', '004'],
      diagnose: ['002', '003', '004'], resolve: ['000', '003', '004'], confirm: ['000', '002'], close: ['000', '002', '003', '004'],
      boundary: ['004'], handoff: ['000', '004'],
    };
    for (const [id, files] of Object.entries(grounded)) {
      const cited = content.playbook.get(id as (typeof STEPS)[number])!.sources.map((s) => s.file.slice(0, 3));
      expect(cited.every((f) => files.includes(f)), `${id} cites ${cited.join(',')}`).toBe(true);
    }
  });

  it('fails on a bad playbook file, naming the file and the field', () => {
    const d = copyPrompts();
    const p = join(d, 'playbook', 'resolve.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^title: .*$/m, 'title: ""'));
    const err = loadError(d);
    expect(err.message).toMatch(/playbook\/resolve\.yaml: title/);
  });

  it('reports every problem at once: a missing step file and an unknown slot', () => {
    const d = copyPrompts();
    rmSync(join(d, 'playbook', 'close.yaml'));
    const p = join(d, 'playbook', 'listen.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^wordings:\n/m, 'wordings:\n  - text: "Tell me about {nonsense}."\n'));
    const err = loadError(d);
    expect(err.message).toMatch(/playbook\/close\.yaml: file is missing/);
    expect(err.message).toMatch(/playbook\/listen\.yaml: wordings\.0\.text: unknown slot \{nonsense\}/);
  });

  it('fails on an unknown situation, and counts no situational wording among the plain ones', () => {
    const d = copyPrompts();
    const p = join(d, 'playbook', 'listen.yaml');
    // Every wording of listen marked for a situation: none is left for an ordinary case.
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^(  - text: .*)$/gm, '$1\n    situations: [danger]'));
    const q = join(d, 'playbook', 'close.yaml');
    writeFileSync(q, readFileSync(q, 'utf8').replace(/^wordings:\n/m, 'wordings:\n  - text: "Take care now."\n    situations: [flood]\n'));
    const err = loadError(d);
    expect(err.message).toMatch(/playbook\/listen\.yaml: wordings: needs at least 3 wordings with no slot, no emotion and no situation/);
    expect(err.message).toMatch(/playbook\/close\.yaml: wordings\.0\.situations/);
  });

  it('fails on a source that names a heading the guidance catalogue does not have', () => {
    const d = copyPrompts();
    const p = join(d, 'playbook', 'boundary.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/section: .*/, 'section: "A heading nobody wrote"'));
    expect(loadError(d).message).toMatch(/boundary\.yaml: sources\.0\.section/);
  });

  it('fails on a lexicon pattern that does not compile, naming the file', () => {
    const d = copyPrompts();
    const p = join(d, 'lexicons', 'emotion.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^calm:\n/m, 'calm:\n  "(unclosed group": 1\n'));
    expect(loadError(d).message).toMatch(/lexicons\/emotion\.yaml: emotion: unbalanced brackets/);
  });

  it('fails on a bad behaviour lexicon pattern too, naming the file', () => {
    const d = copyPrompts();
    const p = join(d, 'lexicons', 'behaviours.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^thank:\n/m, 'thank:\n  "[optional first": 1\n'));
    expect(loadError(d).message).toMatch(/lexicons\/behaviours\.yaml: behaviours: /);
  });

  it('fails on an abuse target that is not one word as the text reads it, naming the file and the field', () => {
    const d = copyPrompts();
    const p = join(d, 'lexicons', 'signals.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^  you: \[you, /m, "  you: [you're, "));
    expect(loadError(d).message).toMatch(/lexicons\/signals\.yaml: abuse_targets\.you\.0: one lower-case word/);
  });

  it('reads whom an insult is aimed at from signals.yaml, not from code', () => {
    const abuse = (c: typeof content, text: string) => readTurn(compileLexicons({ ...c, models: undefined }), text, 0).abuse.map((a) => a.text);
    expect(abuse(content, 'your cashiers are pathetic')).toEqual([]);
    expect(abuse(content, 'your staff are pathetic')).toContain('your staff are pathetic');
    const d = copyPrompts();
    const p = join(d, 'lexicons', 'signals.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^  people: \[staff, /m, '  people: [cashiers, '));
    const edited = loadContent(d, { models: false });
    expect(abuse(edited, 'your cashiers are pathetic')).toContain('your cashiers are pathetic');
    expect(abuse(edited, 'your staff are pathetic')).toEqual([]);
  });
});
