/**
 * Reads prompts/drills: one YAML file per scenario, and moves.yaml (agent moves the drill
 * listens for). Validated at start like the rest of prompts/, every problem listed with its
 * file and field; a remedy whose own examples do not match its cues is a problem too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from './yaml.ts';
import { z } from 'zod';
import { compileMoves, compileRemedies, MOVES, remediesIn, type DrillCatalog, type Move } from '../core/drill/catalog.ts';
import { checkScenario, ScenarioSchema, type Scenario } from '../core/drill/scenario.ts';
import { ContentError } from '../core/errors.ts';
import { PatternSyntaxError, type PhraseMatcher } from '../core/text/phrase-matcher.ts';
import { DEFAULT_PROMPTS_DIR } from './load-content.ts';

const MovesSchema = z.strictObject(Object.fromEntries(MOVES.map((m) => [m, z.array(z.string().trim().min(1)).min(3)])) as Record<Move, z.ZodArray<z.ZodString>>);
const MOVES_FILE = 'moves.yaml';

function issues(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `drills/${file}: ${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`);
}

export function loadDrills(dir: string = DEFAULT_PROMPTS_DIR): DrillCatalog {
  const root = join(dir, 'drills');
  const problems: string[] = [];
  const readYaml = (file: string): unknown => {
    try {
      return parseYaml(readFileSync(join(root, file), 'utf8'), { uniqueKeys: true });
    } catch (err) {
      problems.push(`drills/${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : (err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };

  let moves: PhraseMatcher<Move> | undefined;
  const rawMoves = readYaml(MOVES_FILE);
  if (rawMoves !== undefined) {
    const r = MovesSchema.safeParse(rawMoves);
    if (!r.success) problems.push(...issues(MOVES_FILE, r.error));
    else {
      try {
        moves = compileMoves(r.data);
      } catch (err) {
        if (!(err instanceof PatternSyntaxError)) throw err;
        problems.push(`drills/${MOVES_FILE}: ${err.message}`);
      }
    }
  }

  let files: string[] = [];
  try {
    files = readdirSync(root).filter((f) => f.endsWith('.yaml') && f !== MOVES_FILE).sort();
  } catch {
    problems.push('drills/: directory is missing');
  }
  if (files.length === 0 && problems.length === 0) problems.push('drills/: no scenarios');
  const scenarios = new Map<string, Scenario>();
  const remedies = new Map<string, PhraseMatcher<string>>();
  for (const f of files) {
    const raw = readYaml(f);
    if (raw === undefined) continue;
    const r = ScenarioSchema.safeParse(raw);
    if (!r.success) {
      problems.push(...issues(f, r.error));
      continue;
    }
    const s = r.data;
    if (`${s.id}.yaml` !== f) problems.push(`drills/${f}: id: "${s.id}" does not match the file name`);
    problems.push(...checkScenario(s).map((p) => `drills/${f}: ${p}`));
    try {
      remedies.set(s.id, compileRemedies(s));
    } catch (err) {
      if (!(err instanceof PatternSyntaxError)) throw err;
      problems.push(`drills/${f}: resolutions: ${err.message}`);
      continue;
    }
    scenarios.set(s.id, s);
  }
  if (moves) {
    const catalog: DrillCatalog = { scenarios, remedies, moves };
    for (const s of scenarios.values()) {
      s.resolutions.forEach((res, i) =>
        res.examples.forEach((ex, j) => {
          if (!remediesIn(catalog, s, ex).some((found) => found.id === res.id)) {
            problems.push(`drills/${s.id}.yaml: resolutions.${i}.examples.${j}: does not match the cues of "${res.id}"`);
          }
        }),
      );
    }
    if (problems.length === 0) return catalog;
  }
  throw new ContentError('prompts/drills', problems);
}
