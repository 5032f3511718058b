import type { Command } from 'commander';
import type { JobView } from '../../api/schemas.js';
import { addClientOptions, withClient } from '../client-config.js';
import { formatAge } from '../format-age.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { allowWideOutput } from '../output-format.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerJobs(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    allowWideOutput(
      program
        .command('jobs')
        .summary('list jobs, newest first')
        .option('--status <status>', 'only jobs in this state')
        .option('--project <project>', 'only this project')
        .option('-A, --all-tenants', "every tenant's jobs, with a tenant column (the operator's key)")
        .option('--tenant <name>', "one tenant's jobs, by name or id (the operator's key)")
        .option(
          '-l, --label <selector>',
          'only jobs whose labels match: tier=gold, team!=ops, env in (dev,test), gpu, !spot (repeat to AND)',
          collect,
        )
        .option('--limit <n>', 'at most this many per page', '50')
        .option('--cursor <cursor>', 'the page after this one (the nextCursor of the previous page)')
        .option('--all', 'every page, not only the first')
        .option('--json', 'print {items, nextCursor} as JSON'),
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  usine jobs --status running -l team=vision\n  usine jobs --all -o name\n' +
        '  usine jobs -o jsonpath={.items[*].id} --limit 10\n  usine jobs -A --status failed   (operator)',
    )
    .action(async (options: JobsOptions) => {
      await withClient(io, options, async (client) => {
        const items: JobView[] = [];
        let cursor = options.cursor;
        // the operator's view names tenants; the API takes ids
        const tenants =
          options.allTenants || options.tenant !== undefined
            ? new Map((await client.listTenants()).items.map((t) => [t.id, t.name]))
            : undefined;
        const tenant = options.tenant === undefined ? undefined : findTenantId(tenants, options.tenant);
        do {
          const page = await client.listJobs({
            status: options.status,
            project: options.project,
            tenant,
            label: options.label?.join(','),
            limit: options.limit,
            cursor,
          });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (options.all && cursor !== undefined);
        const nextCursor = cursor ?? null;
        if (options.json) io.stdout(`${JSON.stringify({ items, nextCursor }, null, 2)}\n`);
        else {
          io.stdout(renderJobTable(items, io.now(), options.output === 'wide', tenants));
          if (nextCursor)
            io.stderr(`(more: add --cursor ${nextCursor} for the next page, or --all for every page)\n`);
        }
        setExit(ExitCode.ok);
      });
    });

  addClientOptions(
    program
      .command('job')
      .summary('show a job: where it is, why, and what it waits for')
      .argument('<id>', 'the job id (job_…)')
      .option('--json', 'print the job as JSON'),
  ).action(async (id: string, options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const job = await client.getJob(id);
      io.stdout(options.json ? `${JSON.stringify(job, null, 2)}\n` : describeJob(job, io.now()));
      setExit(ExitCode.ok);
    });
  });
}

/** A job's placement as stored (JSON): the decision and its reasons; a peer's under `remote`. */
export interface StoredPlacement {
  decision?: {
    site: string;
    provider: string;
    country: string;
    gpuModel: string;
    offering: string;
    pricePerGpuHour: string;
    estimatedCost: string;
    energyKWh: number;
    carbonKg: number | null;
  } | null;
  ranked?: { site: string; estimatedCost: string }[];
  rejected?: { site: string; reasons: { code: string; message: string }[] }[];
  constraints?: string[];
  objective?: string;
  remote?: { by: string; job: string; site: string | null; placement: StoredPlacement | null };
}

/** A job for a person: state, the placement decision and its reasons, allocation, times. */
export function describeJob(job: JobView, now: Date): string {
  const lines = [
    `${job.id}  ${job.kind} ${job.name}  (project ${job.project})`,
    `status:     ${job.status}${job.exitCode !== null ? ` (exit code ${job.exitCode})` : ''}`,
  ];
  if (job.waiting) lines.push(`waiting:    ${job.waiting.code} — ${job.waiting.message}`);
  else if (job.reason) lines.push(`reason:     ${job.reason}`);
  lines.push(...describePlacement(job.placement as StoredPlacement | null));
  if (job.allocation) {
    const nodes = job.allocation.nodes.map(
      (n) =>
        `${n.node} GPU ${n.gpuIndices.join(',')}${n.milliGpus % 1000 ? ` (${n.milliGpus / 1000} GPU)` : ''}`,
    );
    lines.push(`allocation: ${nodes.join('; ')}${job.allocation.virtual ? ' [virtual GPUs]' : ''}`);
  }
  lines.push(
    `created:    ${job.createdAt} (${formatAge(job.createdAt, now)} ago)`,
    ...(job.startedAt ? [`started:    ${job.startedAt}`] : []),
    ...(job.finishedAt ? [`finished:   ${job.finishedAt}`] : []),
  );
  const waiting = describeWait(job);
  if (waiting) lines.push(`waiting for: ${waiting}`);
  return `${lines.join('\n')}\n`;
}

/** A placement decision for a person: the chosen site, its estimate, what else fit, every site rejected and why. */
export function describePlacement(placement: StoredPlacement | null): string[] {
  const lines: string[] = [];
  if (placement?.decision) {
    const d = placement.decision;
    lines.push(
      `placed on:  ${d.site} (${d.provider}, ${d.country}) — ${d.gpuModel} ${d.offering} at ${d.pricePerGpuHour}/GPU-h`,
      `estimate:   ${d.estimatedCost}, ${d.energyKWh} kWh, ${d.carbonKg ?? '?'} kg CO2e (objective ${placement.objective ?? 'cost'})`,
    );
    const others = (placement.ranked ?? []).slice(1).map((r) => `${r.site} ${r.estimatedCost}`);
    if (others.length > 0) lines.push(`also fit:   ${others.join(', ')}`);
  }
  if (placement?.constraints?.length) lines.push(`rules:      ${placement.constraints.join('; ')}`);
  if (placement?.rejected?.length) {
    lines.push('rejected:');
    for (const r of placement.rejected) lines.push(`  ${describeRejection(r)}`);
  }
  const remote = placement?.remote;
  if (remote) {
    const there = remote.placement?.decision;
    lines.push(
      `at peer:    ${remote.by} job ${remote.job}${remote.site ? ` on its site ${remote.site}` : ''}` +
        (there ? ` (${there.gpuModel} ${there.offering} at ${there.pricePerGpuHour}/GPU-h)` : ''),
    );
    for (const r of remote.placement?.rejected ?? []) lines.push(`  rejected there: ${describeRejection(r)}`);
  }
  return lines;
}

/** Where a queued or placed job stands: what it waits for, in a few words. */
function describeWait(job: JobView): string | undefined {
  const code = job.waiting?.code;
  if (job.status === 'queued')
    return code === 'BUDGET' ? 'room in its budget' : 'placement (the reconciler runs every half second)';
  if (job.status !== 'placed') return undefined;
  const site = job.site ?? 'its site';
  switch (code) {
    case 'QUOTA':
      return `quota for its tenant on ${site}`;
    case 'GANG':
      return `free GPUs on enough nodes at once on ${site}`;
    case 'FRAGMENTATION':
      return `a node of ${site} with its shape free`;
    case 'PRIORITY':
      return `a higher-priority job to start first on ${site}`;
    case 'RESERVED_FOR':
      return `an earlier job's reservation on ${site} (it would delay it)`;
    default:
      return `free GPUs on ${site}`;
  }
}

function describeRejection(r: { site: string; reasons: { code: string; message: string }[] }): string {
  return `${r.site}: ${r.reasons.map((x) => `${x.code} (${x.message})`).join('; ')}`;
}

interface JobsOptions {
  status?: string;
  project?: string;
  allTenants?: boolean;
  tenant?: string;
  label?: string[];
  limit: string;
  cursor?: string;
  all?: boolean;
  json?: boolean;
  output?: string;
  url?: string;
  apiKey?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A tenant's id from its name or id; a name no tenant has is a usage error listing them. */
function findTenantId(tenants: ReadonlyMap<string, string> | undefined, wanted: string): string {
  for (const [id, name] of tenants ?? []) if (id === wanted || name === wanted) return id;
  const known = [...(tenants?.values() ?? [])].join(', ') || 'none';
  throw new CliExit(ExitCode.usage, `--tenant ${wanted}: no such tenant (tenants: ${known})`);
}

/**
 * `usine jobs` as kubectl get: `-o wide` adds the kind, GPUs, model, estimate and labels; the
 * operator's view (`tenants` given) starts with the tenant, as `kubectl get -A` with the namespace.
 */
function renderJobTable(
  jobs: readonly JobView[],
  now: Date,
  isWide: boolean,
  tenants?: ReadonlyMap<string, string>,
): string {
  const headers = ['id', 'name', 'project', 'status', 'site', 'age', 'reason'];
  const wideHeaders = ['kind', 'gpus', 'gpu', 'estimate', 'labels'];
  const rows = jobs.map((j) => {
    const row = [
      j.id,
      j.name,
      j.project,
      j.status,
      j.site ?? '-',
      formatAge(j.createdAt, now),
      shorten(j.reason ?? ''),
    ];
    if (!isWide) return row;
    const resources = j.spec.spec.resources;
    const decision = (j.placement as StoredPlacement | null)?.decision;
    const labels = Object.entries(j.labels).map(([k, v]) => `${k}=${v}`);
    return [
      ...row.slice(0, -1),
      shorten(j.reason ?? '') || '-',
      j.kind,
      `${(resources.nodes ?? 1) > 1 ? `${resources.nodes}×` : ''}${resources.gpus}`,
      decision?.gpuModel ?? '-',
      decision?.estimatedCost ?? '-',
      labels.join(',') || '-',
    ];
  });
  const shown = isWide ? [...headers, ...wideHeaders] : headers;
  if (!tenants) return renderTable(shown, rows);
  return renderTable(
    ['tenant', ...shown],
    rows.map((row, i) => {
      const id = jobs[i]?.tenantId ?? '';
      return [tenants.get(id) ?? id, ...row];
    }),
  );
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
