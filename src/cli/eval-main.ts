/** `npm run eval -- FILE.jsonl [--misses] [--json]`: scores the engine on labelled cases. */
import { readFileSync } from 'node:fs';
import { createEngine } from '../engine.ts';
import { evaluate } from '../eval/evaluate.ts';
import { formatReport } from '../eval/format-report.ts';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  process.stderr.write('usage: npm run eval -- FILE.jsonl [FILE.jsonl …] [--misses] [--json]\n');
  process.exit(2);
}
const engine = createEngine();
for (const file of files) {
  const report = evaluate(engine, readFileSync(file, 'utf8'));
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ file, ...report })}\n`);
  else process.stdout.write(`${formatReport(file, report, args.includes('--misses'))}\n\n`);
}
