import { formatMoney } from '../domain/money/money.js';
import { formatConvertedPrice } from '../domain/placement/describe-price.js';
import { formatCost, roundFigure, toPlacementView } from '../domain/placement/placement-view.js';
import type { PlacementOption, PlacementResult } from '../domain/placement/place-job.js';
import type { JobSpec } from '../domain/spec/job-spec.js';
import { formatDuration } from '../domain/time/duration.js';
import { renderTable } from './render-table.js';

/** The `--json` contract of `usine place` (see toPlacementView). */
export function renderPlacementJson(result: PlacementResult, job: JobSpec): string {
  return `${JSON.stringify(toPlacementView(result, job), null, 2)}\n`;
}

/** The explanation for a person: the decision and why, the alternatives, every rejection. */
export function renderPlacementText(result: PlacementResult, job: JobSpec): string {
  const c = result.constraints;
  const lines: string[] = [];
  const gpus =
    job.resources.nodes > 1
      ? `${job.resources.nodes} nodes × ${job.resources.gpus} GPUs`
      : `${job.resources.gpus} GPU(s)`;
  const d = result.decision;
  if (d) {
    lines.push(`${job.kind} ${job.name}: placed on ${d.site} (${d.provider}, ${d.country})`);
    lines.push(
      `  ${d.gpuModel} ${d.gpuMemoryGiB} GiB, ${d.offering}, at ${describeOptionPrice(d)} per GPU-hour`,
    );
    lines.push(
      `  estimated cost ${formatCost(d.estimatedCost)} for ${gpus} × ${formatDuration(job.duration)}` +
        `${job.isDurationAssumed ? ' (assumed duration)' : ''}`,
    );
    lines.push(
      `  energy ${roundFigure(d.energyKWh)} kWh (GPUs × board power × hours × PUE), ${describeCarbon(d)}`,
    );
    lines.push(`  why: ${explainChoice(result)}`);
  } else {
    lines.push(
      `${job.kind} ${job.name}: no feasible site (${result.rejected.length} rejected); nothing placed`,
    );
  }
  lines.push('', 'Constraints:', ...c.origins.map((o) => `  ${o}`));
  if (result.ranked.length > 0) {
    lines.push('', 'Feasible sites, best first:');
    const rows = result.ranked.map((o, i) => [
      String(i + 1),
      o.site,
      `${o.gpuModel} ${o.offering}`,
      describeOptionPrice(o),
      formatCost(o.estimatedCost),
      o.expectedStartSeconds > 0 ? formatDuration(o.expectedStartSeconds) : 'now',
      o.carbonKg === undefined ? '?' : `${roundFigure(o.carbonKg)} kg`,
      o.isPreferred ? 'yes' : '',
    ]);
    lines.push(
      renderTable(
        ['#', 'site', 'gpu', 'price/GPU-h', 'cost', 'start', 'carbon', 'preferred'],
        rows,
      ).trimEnd(),
    );
  }
  if (result.rejected.length > 0) {
    lines.push('', 'Rejected sites:');
    for (const r of result.rejected) {
      lines.push(`  ${r.site}`);
      for (const reason of r.reasons) lines.push(`    ${reason.code}: ${reason.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function explainChoice(result: PlacementResult): string {
  const d = result.decision;
  if (!d) return '';
  const c = result.constraints;
  const feasibleCount = `${result.ranked.length} of ${result.ranked.length + result.rejected.length} sites pass every rule`;
  if (d.isPreferred) {
    return `${d.site} is a preferred site (${c.preferSource}) that can start within ${formatDuration(c.maxWaitForPreferred) || '0s'}; ${feasibleCount}`;
  }
  const measure =
    c.objective === 'cost'
      ? 'the lowest estimated cost'
      : c.objective === 'time'
        ? 'the earliest expected finish'
        : 'the lowest estimated carbon';
  return `${measure} (objective ${c.objective}, ${c.objectiveSource}); ${feasibleCount}`;
}

function describeOptionPrice(o: PlacementOption): string {
  return o.pricePerGpuHour.currency === o.tenantPrice.currency
    ? formatMoney(o.pricePerGpuHour)
    : `${formatMoney(o.pricePerGpuHour)} (≈ ${formatConvertedPrice(o.tenantPrice)})`;
}

function describeCarbon(o: PlacementOption): string {
  if (o.carbonKg === undefined) return 'carbon unknown (no grid intensity for the country)';
  const source = o.gridCarbonSource === 'site' ? "the site's figure" : "the country's, Electricity Maps 2025";
  return `carbon ${roundFigure(o.carbonKg)} kg CO2e (${o.gridCarbonGPerKWh} g/kWh, ${source})`;
}
