/**
 * A small Prometheus text-format registry (counters, gauges, histograms) for `GET /metrics`.
 * Enough for our handful of series; no dependency needed.
 */
type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  render(): string[];
}

function labelText(labels: Labels, extra?: Labels): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}
export interface Gauge {
  set(value: number, labels?: Labels): void;
}
export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
  /** a series read when scraped (a value another component keeps); null: no sample */
  /** series read at each scrape: one sample per label set (none: nothing to report) */
  sampled(
    name: string,
    help: string,
    type: "counter" | "gauge",
    read: () => readonly { readonly labels: Labels; readonly value: number }[],
  ): void;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  render(): string;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetricsRegistry(): MetricsRegistry {
  const series = new Map<string, Series>();

  function register<T extends Series>(s: T): T {
    const existing = series.get(s.name);
    if (existing !== undefined) {
      if (existing.type !== s.type) throw new Error(`metric ${s.name} registered twice with different types`);
      return existing as T;
    }
    series.set(s.name, s);
    return s;
  }

  return {
    counter(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>();
      const s = register({
        name,
        help,
        type: "counter" as const,
        render: () => [...values.values()].map((v) => `${name}${labelText(v.labels)} ${v.value}`),
        inc(labels: Labels = {}, by = 1) {
          const key = keyOf(labels);
          const current = values.get(key);
          if (current === undefined) values.set(key, { labels, value: by });
          else current.value += by;
        },
      });
      return s;
    },
    gauge(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>();
      return register({
        name,
        help,
        type: "gauge" as const,
        render: () => [...values.values()].map((v) => `${name}${labelText(v.labels)} ${v.value}`),
        set(value: number, labels: Labels = {}) {
          values.set(keyOf(labels), { labels, value });
        },
      });
    },
    sampled(name, help, type, read) {
      register({
        name,
        help,
        type,
        render: () => read().map((sample) => `${name}${labelText(sample.labels)} ${sample.value}`),
      });
    },
    histogram(name, help, buckets = DEFAULT_BUCKETS) {
      const values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      return register({
        name,
        help,
        type: "histogram" as const,
        render: () =>
          [...values.values()].flatMap((v) => [
            ...buckets.map((b, i) => `${name}_bucket${labelText(v.labels, { le: String(b) })} ${v.counts[i] ?? 0}`),
            `${name}_bucket${labelText(v.labels, { le: "+Inf" })} ${v.count}`,
            `${name}_sum${labelText(v.labels)} ${v.sum}`,
            `${name}_count${labelText(v.labels)} ${v.count}`,
          ]),
        observe(value: number, labels: Labels = {}) {
          const key = keyOf(labels);
          let entry = values.get(key);
          if (entry === undefined) {
            entry = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
            values.set(key, entry);
          }
          buckets.forEach((b, i) => {
            if (value <= b && entry !== undefined) entry.counts[i] = (entry.counts[i] ?? 0) + 1;
          });
          entry.sum += value;
          entry.count += 1;
        },
      });
    },
    render() {
      const lines: string[] = [];
      for (const s of series.values()) {
        lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`, ...s.render());
      }
      return `${lines.join("\n")}\n`;
    },
  };
}
