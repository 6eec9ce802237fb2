/**
 * A snapshot of content that already passed validation, keyed by a hash of every file in
 * prompts/. Start-up reads it instead of parsing YAML and re-validating when nothing has
 * changed; any edit changes the hash, so an edited file is always validated afresh.
 * The snapshot lives in the project's node_modules/.cache (never a shared temporary
 * directory another user could write to); when that is not writable, there is no snapshot.
 * It also keeps the lexicons compiled (lexicon.ts, LexiconImage), so its key covers the code
 * that compiles them as well: a change to how patterns are read never meets an old image.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileLexicons, lexiconImage, offerLexiconImage, type LexiconImage } from '../core/analysis/lexicon.ts';
import { modelFromPacked, packWeights, type LinearModel } from '../core/analysis/linear-model.ts';
import type { Content } from '../core/content/schema.ts';

/** Bump when the shape of Content changes: old snapshots are then ignored. */
const FORMAT = 'defuse-content/8';
/** The code a LexiconImage depends on: how patterns are parsed and words folded. */
const COMPILER = ['../core/text/phrase-matcher.ts', '../core/text/tokens.ts', '../core/analysis/lexicon.ts'].map((f) => new URL(f, import.meta.url));
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
    for (const f of COMPILER) h.update('\0').update(readFileSync(f));
    for (const f of listFiles(dir)) h.update('\0').update(f).update('\0').update(readFileSync(join(dir, f)));
    return h.digest('hex').slice(0, 32);
  } catch {
    return undefined;
  }
}

/**
 * A model as the snapshot keeps it: feature names joined by line breaks (no feature name holds
 * one), and where its weights start in the snapshot's weights file, which holds every model's
 * Float64Array as raw bytes. Read back, that is one string for JSON.parse instead of some
 * 60,000 keys and no Object.entries (see modelFromPacked); and the 5 MB of weights are neither
 * text to decode nor base64, which took about a tenth of the CLI's start-up.
 */
interface StoredModel extends Omit<LinearModel, 'weights'> {
  names: string;
  /** Byte offset in the weights file, a multiple of 8. */
  at: number;
  /** How many float64 weights. */
  floats: number;
}

type Models = NonNullable<Content['models']>;

interface Stored extends Omit<Content, 'playbook' | 'models'> {
  playbook: [string, unknown][];
  models?: Record<keyof Models, StoredModel>;
  lexicons?: LexiconImage;
}

/** Stores each model's head and names, and appends its weights to `weights`. */
function modelStore(weights: Buffer[]): (m: LinearModel) => StoredModel {
  let at = 0;
  return (m) => {
    const { weights: _weights, ...head } = m;
    const { names, rows } = packWeights(m);
    weights.push(Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
    const stored = { ...head, names: names.join('\n'), at, floats: rows.length };
    at += rows.byteLength;
    return stored;
  };
}

function modelReader(weights: Buffer): (m: StoredModel) => LinearModel {
  return ({ names, at, floats, ...head }) => {
    if (!Number.isInteger(at) || !Number.isInteger(floats) || at < 0 || floats < 0 || at + floats * 8 > weights.length) {
      throw new RangeError('the weights file does not fit the snapshot');
    }
    const start = weights.byteOffset + at;
    // A Float64Array must start on a multiple of 8; a file read whole starts its own buffer, but copy if not.
    const rows = start % 8 === 0 ? new Float64Array(weights.buffer, start, floats) : new Float64Array(weights.buffer.slice(start, start + floats * 8));
    return modelFromPacked(head, { names: names === '' ? [] : names.split('\n'), rows });
  };
}

function mapModels<A, B>(models: Record<keyof Models, A>, f: (m: A) => B): Record<keyof Models, B> {
  return { emotion: f(models.emotion), stage: f(models.stage), behaviours: f(models.behaviours), urgency: f(models.urgency), flags: f(models.flags) };
}

export function readSnapshot(key: string): Content | undefined {
  try {
    const stored = JSON.parse(readFileSync(join(snapshotDir(), `content-${key}.json`), 'utf8')) as Stored;
    const { models, lexicons, ...rest } = stored;
    const read = models ? modelReader(readFileSync(join(snapshotDir(), `content-${key}.weights`))) : undefined;
    const content = { ...rest, playbook: new Map(stored.playbook), ...(models && read ? { models: mapModels(models, read) } : {}) } as Content;
    if (lexicons) offerLexiconImage(content, lexicons);
    return content;
  } catch {
    return undefined;
  }
}

export function writeSnapshot(key: string, content: Content): void {
  try {
    const dir = snapshotDir();
    makeDirs(dir);
    const path = join(dir, `content-${key}.json`);
    const tmp = `${path}.${process.pid}.tmp`;
    const { models, ...rest } = content;
    // Validation compiled the lexicons already (checkLexicons), without the models: asked the
    // same way, the cache answers without compiling the models for nothing.
    const lexicons = lexiconImage(compileLexicons(rest as Content));
    const weights: Buffer[] = [];
    const stored: Stored = { ...rest, playbook: [...content.playbook], ...(models ? { models: mapModels(models, modelStore(weights)) } : {}), lexicons };
    // Rename is atomic: a concurrent start never reads half a snapshot. The weights go first, so
    // a snapshot is never there without them (a start that finds none validates afresh).
    if (models) {
      const weightsPath = join(dir, `content-${key}.weights`);
      writeFileSync(`${weightsPath}.${process.pid}.tmp`, Buffer.concat(weights));
      renameSync(`${weightsPath}.${process.pid}.tmp`, weightsPath);
    }
    writeFileSync(tmp, JSON.stringify(stored));
    renameSync(tmp, path);
    pruneSnapshots(dir);
  } catch {
    // No snapshot: start-up validates the YAML every time, which is correct, only slower.
  }
}

/**
 * mkdir -p, each level tried once. Node's own recursive mkdirSync never returns where a parent
 * exists but refuses children (DEFUSE_CACHE_DIR=/proc/x: it retries the pair forever).
 */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  mkdirSync(dir);
}

/** Every edit of prompts/ makes a new snapshot; the few most recent are all a checkout needs. */
const KEEP_SNAPSHOTS = 4;

function pruneSnapshots(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => /^content-[0-9a-f]+\.json$/.test(f))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of files.slice(KEEP_SNAPSHOTS)) {
    unlinkSync(join(dir, f));
    rmSync(join(dir, f.replace(/\.json$/, '.weights')), { force: true });
  }
}
