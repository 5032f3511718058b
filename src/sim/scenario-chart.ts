import type { ScenarioSeries } from './run-scenario.js';

const WIDTH = 720;
const PANEL = 170;
const MARGIN = { left: 64, right: 130, top: 30, gap: 46 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];

/**
 * An SVG of a scenario over simulated time in three panels: GPU utilisation, queue length (pending
 * jobs) and each tenant's share of the site's GPUs. A pure string builder.
 */
export function renderScenarioChart(
  series: ScenarioSeries,
  tenants: readonly string[],
  title: string,
): string {
  const height = MARGIN.top + 3 * PANEL + 3 * MARGIN.gap;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const end = Math.max(1e-9, series.times[series.times.length - 1] ?? 1);
  const days = end / 86_400;
  const x = (t: number) => MARGIN.left + (t / end) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="18">${escapeXml(title)}</text>`,
  ];
  const maxQueue = Math.max(1, ...series.queueLength);
  const panels: { label: string; max: number; lines: { name: string; values: readonly number[] }[] }[] = [
    { label: 'GPU utilisation', max: 1, lines: [{ name: 'utilisation', values: series.utilisation }] },
    { label: 'queue length (jobs)', max: maxQueue, lines: [{ name: 'pending', values: series.queueLength }] },
    {
      label: 'share of the GPUs',
      max: Math.max(0.01, ...series.tenantShare.flat()),
      lines: tenants.map((name, i) => ({ name, values: series.tenantShare[i] ?? [] })),
    },
  ];
  panels.forEach((panel, p) => {
    const top = MARGIN.top + p * (PANEL + MARGIN.gap) + 10;
    const y = (v: number) => top + (1 - v / panel.max) * PANEL;
    parts.push(
      `<text x="${MARGIN.left}" y="${fmt(top - 4)}">${escapeXml(panel.label)}</text>`,
      `<line x1="${MARGIN.left}" y1="${fmt(y(0))}" x2="${MARGIN.left + plotW}" y2="${fmt(y(0))}" stroke="#999"/>`,
      `<line x1="${MARGIN.left}" y1="${fmt(y(panel.max))}" x2="${MARGIN.left + plotW}" y2="${fmt(y(panel.max))}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y(panel.max) + 4)}" text-anchor="end">${formatValue(panel.max)}</text>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y(0) + 4)}" text-anchor="end">0</text>`,
      `<text x="${MARGIN.left + plotW}" y="${fmt(y(0) + 16)}" text-anchor="end">${formatValue(days)} days</text>`,
    );
    panel.lines.forEach((line, i) => {
      const colour = COLOURS[i % COLOURS.length]!;
      const points = line.values.map((v, k) => `${fmt(x(series.times[k] ?? 0))},${fmt(y(v))}`).join(' ');
      parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.2"/>`);
      if (panel.lines.length > 1) {
        const legendY = top + 12 + i * 16;
        parts.push(
          `<line x1="${WIDTH - MARGIN.right + 10}" y1="${legendY - 4}" x2="${WIDTH - MARGIN.right + 28}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"/>`,
          `<text x="${WIDTH - MARGIN.right + 32}" y="${legendY}">${escapeXml(line.name)}</text>`,
        );
      }
    });
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
