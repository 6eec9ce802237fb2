/** The Advice and Review as calm, short terminal text. */
import type { Advice, Review } from '../core/advice.ts';

function bar(intensity: number): string {
  const filled = Math.round(intensity * 10);
  return `${'█'.repeat(filled)}${'░'.repeat(10 - filled)} ${intensity.toFixed(2)}`;
}

export function renderAdvice(a: Advice): string {
  const lines: string[] = [];
  const trend = a.trend.direction ? `, ${a.trend.direction} (${a.trend.history.map((h) => h.emotion).join(' → ')})` : '';
  lines.push(`Customer: ${a.emotion} ${bar(a.intensity)}${trend}`);
  lines.push(`Stage:    ${a.stage}${a.flags.length > 0 ? `   Flags: ${a.flags.join(', ')}` : ''}`);
  lines.push('');
  lines.push(`Next step: ${a.step} — ${a.stepTitle}`);
  lines.push(`Why: ${a.why}`);
  lines.push('');
  lines.push('Say now:');
  a.say.forEach((w, i) => lines.push(`  ${i + 1}. ${w.text}`));
  lines.push('Avoid:');
  for (const x of a.avoid) lines.push(`  - ${x}`);
  if (a.cues.length > 0) {
    const seen = new Set<string>();
    const quoted = a.cues.filter((c) => !seen.has(c.text.toLowerCase()) && seen.add(c.text.toLowerCase())).slice(0, 6);
    lines.push(`Read from: ${quoted.map((c) => `"${c.text}" (${c.label})`).join(', ')}`);
  }
  lines.push(`Based on: ${a.sources.map((s) => `${s.file} "${s.title}", ${s.section}`).join('; ')}`);
  if (a.escalate.notify) lines.push(`Supervisor: yes — ${a.escalate.reasons.map((r) => r.text).join('; ')}`);
  if (a.selfCare) lines.push(`For you: ${a.selfCare}`);
  for (const n of a.notices) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

export function renderReview(r: Review): string {
  const lines = [r.summary];
  for (const f of r.findings) {
    const mark = f.kind === 'harmful' ? '✗' : '✓';
    const where = f.spans.length > 0 ? `: "${f.spans.map((s) => s.text).join('", "')}"` : '';
    lines.push(`  ${mark} ${f.id}${where}`);
    if (f.tip) lines.push(`      ${f.tip}`);
    if (f.better) lines.push(`      Try: ${f.better}`);
  }
  return lines.join('\n');
}
