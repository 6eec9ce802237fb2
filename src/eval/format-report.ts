/** The evaluation report as a terminal table. */
import type { EvalReport } from './evaluate.ts';
import type { MultiLabelReport, SingleLabelReport } from './metrics.ts';

const pct = (x: number) => x.toFixed(3);
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

function single(name: string, r: SingleLabelReport): string[] {
  const out = [`${name}: n=${r.n}  accuracy=${pct(r.accuracy)}  macro-F1=${pct(r.macroF1)}`];
  out.push(`  ${pad('class', 14)}${lpad('P', 7)}${lpad('R', 7)}${lpad('F1', 7)}${lpad('n', 6)}`);
  for (const c of r.classes) out.push(`  ${pad(c.label, 14)}${lpad(pct(c.precision), 7)}${lpad(pct(c.recall), 7)}${lpad(pct(c.f1), 7)}${lpad(String(c.support), 6)}`);
  out.push(`  confusion (rows: gold, columns: predicted)`);
  const w = Math.max(...r.labels.map((l) => l.length)) + 1;
  out.push(`  ${pad('', 14)}${r.labels.map((l) => lpad(l.slice(0, w - 1), w)).join('')}`);
  for (const g of r.labels) out.push(`  ${pad(g, 14)}${r.labels.map((p) => lpad(String(r.confusion[g]![p]), w)).join('')}`);
  return out;
}

function multi(name: string, r: MultiLabelReport): string[] {
  const out = [`${name}: n=${r.n}  micro-P=${pct(r.microPrecision)}  micro-R=${pct(r.microRecall)}  micro-F1=${pct(r.microF1)}`];
  out.push(`  ${pad('id', 18)}${lpad('P', 7)}${lpad('R', 7)}${lpad('F1', 7)}${lpad('n', 6)}`);
  for (const c of r.classes) out.push(`  ${pad(c.label, 18)}${lpad(pct(c.precision), 7)}${lpad(pct(c.recall), 7)}${lpad(pct(c.f1), 7)}${lpad(String(c.support), 6)}`);
  return out;
}

export function formatReport(file: string, r: EvalReport, showMisses: boolean): string {
  const lines = [`${file}: ${r.cases} cases, ${r.errors.length} errors`];
  if (r.emotion) lines.push('', ...single('emotion', r.emotion));
  if (r.stage) lines.push('', ...single('stage', r.stage));
  if (r.step) lines.push('', `step: n=${r.step.n}  inside accepted set=${pct(r.step.inAccepted)}`);
  if (r.flags) lines.push('', ...multi('flags', r.flags));
  if (r.behaviours) lines.push('', ...multi('behaviours', r.behaviours));
  for (const e of r.errors) lines.push(`error ${e.id}: ${e.code}: ${e.message}`);
  if (showMisses) {
    lines.push('', 'misses:');
    for (const m of r.misses) lines.push(`  ${m.id} ${m.field}: gold=${JSON.stringify(m.gold)} pred=${JSON.stringify(m.pred)}`);
  }
  return lines.join('\n');
}
