import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS_DIR, loadContent } from '../../src/content/load-content.ts';
import { ContentError } from '../../src/core/errors.ts';

let prompts: string;
let cache: string;
const before = process.env.DEFUSE_CACHE_DIR;
beforeEach(() => {
  prompts = mkdtempSync(join(tmpdir(), 'defuse-prompts-'));
  cache = mkdtempSync(join(tmpdir(), 'defuse-cache-'));
  cpSync(DEFAULT_PROMPTS_DIR, prompts, { recursive: true });
  process.env.DEFUSE_CACHE_DIR = cache;
});
afterEach(() => {
  rmSync(prompts, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
  if (before === undefined) delete process.env.DEFUSE_CACHE_DIR;
  else process.env.DEFUSE_CACHE_DIR = before;
});

describe('the validated-content snapshot', () => {
  it('is written after a successful validation and read back as the same content', () => {
    const first = loadContent(prompts);
    expect(readdirSync(cache).filter((f) => f.startsWith('content-'))).toHaveLength(1);
    const second = loadContent(prompts);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(second.playbook).toBeInstanceOf(Map);
  });

  it('never serves an edited file from the snapshot: the edit is validated afresh', () => {
    loadContent(prompts);
    const file = join(prompts, 'playbook', 'listen.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: listen$/m, 'id: listening'));
    expect(() => loadContent(prompts)).toThrow(ContentError);
  });

  it('keeps only the few most recent snapshots', () => {
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(prompts, 'self-care.yaml'), readFileSync(join(DEFAULT_PROMPTS_DIR, 'self-care.yaml'), 'utf8') + `\n# edit ${i}\n`);
      loadContent(prompts);
    }
    expect(readdirSync(cache).filter((f) => f.startsWith('content-')).length).toBe(4);
  });

  it('still loads when the cache directory cannot be written', () => {
    process.env.DEFUSE_CACHE_DIR = join(prompts, 'playbook', 'listen.yaml', 'not-a-dir');
    expect(loadContent(prompts).playbook.size).toBe(9);
  });
});
