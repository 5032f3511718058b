/** One line of the chart: a policy's mean allocation % at 0, 1, … % arrived load. */
export interface ChartSeries {
  readonly name: string;
  readonly curve: readonly number[];
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 56, right: 120, top: 24, bottom: 44 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * An SVG line chart of GPU allocation against arrived load (the FGD paper's Fig. 9 axes), one
 * line per policy, with the ideal diagonal for reference. A pure string builder.
 */
export function renderAllocationChart(series: readonly ChartSeries[], title: string): string {
  const maxLoad = Math.max(100, ...series.map((s) => s.curve.length - 1));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (load: number): number => MARGIN.left + (load / maxLoad) * plotW;
  const y = (pct: number): number => MARGIN.top + (1 - pct / 100) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="16">${escapeXml(title)}</text>`,
  ];
  for (let pct = 0; pct <= 100; pct += 20) {
    parts.push(
      `<line x1="${x(0)}" y1="${fmt(y(pct))}" x2="${x(maxLoad)}" y2="${fmt(y(pct))}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(y(pct) + 4)}" text-anchor="end">${pct}</text>`,
    );
  }
  for (let load = 0; load <= maxLoad; load += 10) {
    parts.push(`<text x="${fmt(x(load))}" y="${HEIGHT - 26}" text-anchor="middle">${load}</text>`);
  }
  parts.push(
    `<text x="${fmt(MARGIN.left + plotW / 2)}" y="${HEIGHT - 8}" text-anchor="middle">arrived GPU request (% of capacity)</text>`,
    `<text transform="translate(14 ${fmt(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle">GPU allocated (%)</text>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${fmt(x(100))}" y2="${y(100)}" stroke="#999" stroke-dasharray="4 4"/>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = s.curve
      .map((pct, load) => (Number.isFinite(pct) ? `${fmt(x(load))},${fmt(y(pct))}` : ''))
      .filter((p) => p !== '')
      .join(' ');
    const legendY = MARGIN.top + 16 + i * 18;
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.5"/>`,
      `<line x1="${WIDTH - MARGIN.right + 10}" y1="${legendY - 4}" x2="${WIDTH - MARGIN.right + 30}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 34}" y="${legendY}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
