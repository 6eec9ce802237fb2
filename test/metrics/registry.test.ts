import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Registry } from '../../src/metrics/registry.ts';

describe('the metrics registry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const r = new Registry();
    const c = r.add(new Counter('t_calls_total', 'Calls.', ['outcome'] as const));
    const g = r.add(new Gauge('t_open', 'Open things.', [], (set) => set({}, 3)));
    const h = r.add(new Histogram('t_seconds', 'Time.', ['kind'] as const, [0.01, 0.1, 1]));
    c.inc({ outcome: 'ok' });
    c.inc({ outcome: 'ok' }, 2);
    c.inc({ outcome: 'timeout' });
    h.observe({ kind: 'advice' }, 0.05);
    h.observe({ kind: 'advice' }, 2);
    const text = r.render();
    expect(text).toContain('# TYPE t_calls_total counter\nt_calls_total{outcome="ok"} 3\nt_calls_total{outcome="timeout"} 1');
    expect(text).toContain('t_open 3');
    expect(text).toContain('t_seconds_bucket{kind="advice",le="0.01"} 0');
    expect(text).toContain('t_seconds_bucket{kind="advice",le="0.1"} 1');
    expect(text).toContain('t_seconds_bucket{kind="advice",le="1"} 1');
    expect(text).toContain('t_seconds_bucket{kind="advice",le="+Inf"} 2');
    expect(text).toContain('t_seconds_sum{kind="advice"} 2.05');
    expect(text).toContain('t_seconds_count{kind="advice"} 2');
    expect(g.get()).toBe(3);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('never turns free text into a label value', () => {
    const c = new Counter('t_total', 'T.', ['reason'] as const);
    c.inc({ reason: 'my card 4111 was charged twice' });
    c.inc({ reason: 'jo@example.com' });
    c.inc({ reason: 'x'.repeat(80) });
    expect(c.render()).toContain('t_total{reason="other"} 3');
    expect(c.render()).not.toContain('4111');
  });

  it('refuses a metric registered twice', () => {
    const r = new Registry();
    r.add(new Counter('dup_total', 'D.'));
    expect(() => r.add(new Counter('dup_total', 'D.'))).toThrow(/twice/);
  });
});
