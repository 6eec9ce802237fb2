/**
 * A small Prometheus registry: counters, gauges and histograms with fixed label names, rendered
 * in the text exposition format (version 0.0.4) that every Prometheus-compatible scraper reads.
 *
 * Label values must come from closed sets (a channel, an outcome, a step id). The check below
 * refuses anything that looks like free text, so a customer's words or a user id can never
 * become a label by mistake: such a value is recorded as "other" instead.
 */

/** Ids, enum values and status codes; never spaces, never long, never an @ or a slash. */
const SAFE_LABEL_VALUE = /^[A-Za-z0-9_.:-]{1,40}$/;

type Labels = Record<string, string>;

function labelKey(names: readonly string[], labels: Labels): string {
  return names.map((n) => {
    const v = labels[n] ?? '';
    return SAFE_LABEL_VALUE.test(v) ? v : 'other';
  }).join('\u0000');
}

function renderLabels(names: readonly string[], key: string, extra?: [string, string]): string {
  const values = key === '' && names.length === 0 ? [] : key.split('\u0000');
  const pairs = names.map((n, i) => `${n}="${values[i]}"`);
  if (extra) pairs.push(`${extra[0]}="${extra[1]}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** Prometheus renders integers plainly and everything else with enough precision. */
function num(v: number): string {
  if (v === Infinity) return '+Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

interface Metric {
  readonly name: string;
  render(): string;
}

/** One number per label set: what counters and gauges both are, rendered the same way. */
abstract class Scalar<L extends string> implements Metric {
  readonly name: string;
  private readonly help: string;
  private readonly type: 'counter' | 'gauge';
  protected readonly labelNames: readonly L[];
  protected readonly values = new Map<string, number>();
  constructor(type: 'counter' | 'gauge', name: string, help: string, labelNames: readonly L[]) {
    this.type = type;
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** The current value for these labels. */
  get(labels: Record<L, string> = {} as Record<L, string>): number {
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [k, v] of this.values) lines.push(`${this.name}${renderLabels(this.labelNames, k)} ${num(v)}`);
    return lines.join('\n');
  }
}

export class Counter<L extends string = never> extends Scalar<L> {
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super('counter', name, help, labelNames);
  }

  inc(labels: Record<L, string> = {} as Record<L, string>, by = 1): void {
    if (!(by >= 0)) return;
    const k = labelKey(this.labelNames, labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

export class Gauge<L extends string = never> extends Scalar<L> {
  /** Read at scrape time, for values that live elsewhere (memory, uptime). */
  private readonly collect: ((set: (labels: Record<L, string>, v: number) => void) => void) | undefined;
  constructor(name: string, help: string, labelNames: readonly L[] = [], collect?: (set: (labels: Record<L, string>, v: number) => void) => void) {
    super('gauge', name, help, labelNames);
    this.collect = collect;
  }

  set(labels: Record<L, string>, v: number): void {
    this.values.set(labelKey(this.labelNames, labels), v);
  }

  override render(): string {
    this.collect?.((labels, v) => this.set(labels, v));
    return super.render();
  }
}

interface Buckets {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> implements Metric {
  readonly name: string;
  private readonly help: string;
  private readonly labelNames: readonly L[];
  /** Upper bounds, ascending; +Inf is implied. */
  private readonly bounds: readonly number[];
  private readonly values = new Map<string, Buckets>();
  constructor(name: string, help: string, labelNames: readonly L[], bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.bounds = bounds;
  }

  observe(labels: Record<L, string>, v: number): void {
    if (!Number.isFinite(v)) return;
    const k = labelKey(this.labelNames, labels);
    let b = this.values.get(k);
    if (!b) {
      b = { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.values.set(k, b);
    }
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]!) b.counts[i]!++;
    b.sum += v;
    b.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, b] of this.values) {
      this.bounds.forEach((bound, i) => lines.push(`${this.name}_bucket${renderLabels(this.labelNames, k, ['le', num(bound)])} ${b.counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels(this.labelNames, k, ['le', '+Inf'])} ${b.count}`);
      lines.push(`${this.name}_sum${renderLabels(this.labelNames, k)} ${num(b.sum)}`);
      lines.push(`${this.name}_count${renderLabels(this.labelNames, k)} ${b.count}`);
    }
    return lines.join('\n');
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }

  /** The exposition text, served as text/plain; version=0.0.4. */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
