import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * The registry in the OpenMetrics 1.0 text format: a counter's family is named without
 * `_total` and its sample with it, and the exposition ends with `# EOF`. prom-client can
 * write it too, but only by renaming the registry's counters in place, which would leave
 * the Prometheus text of a later (or concurrent) scrape without its `_total`s.
 */
export async function writeOpenMetrics(registry: Registry): Promise<string> {
  const lines: string[] = [];
  for (const family of await registry.getMetricsAsJSON()) {
    // typed as a numeric enum, the type is the word itself at run time
    const type = String(family.type);
    const isCounter = type === 'counter';
    const name = isCounter ? family.name.replace(/_total$/, '') : family.name;
    lines.push(`# TYPE ${name} ${type}`, `# HELP ${name} ${escapeText(family.help)}`);
    for (const sample of (family as MetricObjectWithValues<MetricValue<string>>).values) {
      const sampleName =
        (sample as { metricName?: string }).metricName ?? (isCounter ? `${name}_total` : name);
      lines.push(`${sampleName}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Partial<Record<string, string | number>>): string {
  const pairs = Object.entries(labels)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${escapeText(String(v))}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Label values and help texts escape the same three characters. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * Whether an `Accept` header asks for OpenMetrics over the Prometheus text format: its
 * q-value is the highest (ties go to OpenMetrics, which the caller named). Prometheus itself
 * sends `application/openmetrics-text;version=1.0.0;q=0.5,…,text/plain;version=0.0.4;q=0.3,…`.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  let openMetrics = 0;
  let text = 0;
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = Number(/^q=([0-9.]+)$/.exec(params.find((p) => p.startsWith('q=')) ?? 'q=1')?.[1] ?? 0);
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}
