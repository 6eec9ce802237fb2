/**
 * A snapshot of content that already passed validation, keyed by a hash of every file in
 * prompts/. Start-up reads it instead of parsing YAML and re-validating when nothing has
 * changed; any edit changes the hash, so an edited file is always validated afresh.
 * The snapshot lives in the project's node_modules/.cache (never a shared temporary
 * directory another user could write to); when that is not writable, there is no snapshot.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Content } from '../core/content/schema.ts';

/** Bump when the shape of Content changes: old snapshots are then ignored. */
const FORMAT = 'defuse-content/3';
const DEFAULT_DIR = new URL('../../node_modules/.cache/defuse/', import.meta.url).pathname;

export function snapshotDir(): string {
  return process.env.DEFUSE_CACHE_DIR ?? DEFAULT_DIR;
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(dir, path));
    else if (/\.(ya?ml|json|md)$/.test(e.name)) out.push(path);
  }
  return out.sort();
}

/** The hash of every content file and of the options; undefined when the tree cannot be read. */
export function contentKey(dir: string, options: string): string | undefined {
  try {
    const h = createHash('sha256').update(FORMAT).update('\0').update(options);
    for (const f of listFiles(dir)) h.update('\0').update(f).update('\0').update(readFileSync(join(dir, f)));
    return h.digest('hex').slice(0, 32);
  } catch {
    return undefined;
  }
}

interface Stored extends Omit<Content, 'playbook'> {
  playbook: [string, unknown][];
}

export function readSnapshot(key: string): Content | undefined {
  try {
    const stored = JSON.parse(readFileSync(join(snapshotDir(), `content-${key}.json`), 'utf8')) as Stored;
    return { ...stored, playbook: new Map(stored.playbook) } as Content;
  } catch {
    return undefined;
  }
}

export function writeSnapshot(key: string, content: Content): void {
  try {
    const dir = snapshotDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `content-${key}.json`);
    const tmp = `${path}.${process.pid}.tmp`;
    const stored: Stored = { ...content, playbook: [...content.playbook] };
    writeFileSync(tmp, JSON.stringify(stored));
    // Rename is atomic: a concurrent start never reads half a snapshot.
    renameSync(tmp, path);
    pruneSnapshots(dir);
  } catch {
    // No snapshot: start-up validates the YAML every time, which is correct, only slower.
  }
}

/** Every edit of prompts/ makes a new snapshot; the few most recent are all a checkout needs. */
const KEEP_SNAPSHOTS = 4;

function pruneSnapshots(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => /^content-[0-9a-f]+\.json$/.test(f))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of files.slice(KEEP_SNAPSHOTS)) unlinkSync(join(dir, f));
}
