import type { LaunchRequest } from '../../app/ports/executor.js';
import { ORIGIN_JOB_LABEL, ORIGIN_LIMIT_LABEL } from '../../domain/jobs/labels.js';
import { formatDuration } from '../../domain/time/duration.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Json) } : {};
}

/** Whole seconds as a spec duration (`90s` → `1m30s`); sub-second limits round up to a second. */
function toDuration(seconds: number): string {
  return formatDuration(Math.max(1, Math.ceil(seconds)));
}

/**
 * The spec document to submit to the peer. The origin's document as submitted when it is
 * given (sovereignty travels: data classification, residency, jurisdiction and certifications
 * are kept for the peer to check against its own catalog), else one rebuilt from the request.
 * Site names are the origin's: `placement.sites`/`prefer` are dropped, and the placement is
 * pinned to `remoteSite` when the catalog names the peer's site. The origin's job id is a label.
 */
export function buildPeerDocument(request: LaunchRequest, remoteSite: string | undefined): Json {
  const document = request.document !== undefined ? asObject(request.document) : rebuildDocument(request);
  const spec = asObject(document.spec);
  const placement = asObject(spec.placement);
  delete placement.sites;
  delete placement.prefer;
  if (remoteSite) placement.sites = [remoteSite];
  if (Object.keys(placement).length > 0) spec.placement = placement;
  else delete spec.placement;
  const metadata = asObject(document.metadata);
  const limit = request.maxDurationSeconds;
  metadata.labels = {
    ...asObject(metadata.labels),
    [ORIGIN_JOB_LABEL]: request.jobId,
    ...(limit !== undefined && !Number.isInteger(limit) ? { [ORIGIN_LIMIT_LABEL]: String(limit) } : {}),
  };
  return { ...document, metadata, spec };
}

function rebuildDocument(request: LaunchRequest): Json {
  const nodes = Math.max(1, request.allocation.nodes.length);
  const first = request.allocation.nodes[0];
  const resources: Json =
    first && first.gpuIndices.length === 0 && first.milliGpus > 0
      ? { gpus: first.milliGpus / 1000 }
      : { gpus: Math.max(1, first?.gpuIndices.length ?? 1), ...(nodes > 1 ? { nodes } : {}) };
  return {
    apiVersion: 'usine/v1',
    kind: 'Job',
    metadata: { name: toName(request.name) },
    spec: {
      workload: 'train',
      ...(request.command.length > 0 ? { command: [...request.command] } : {}),
      ...(request.image ? { image: request.image } : {}),
      env: { ...request.env },
      resources,
      // the peer refuses an estimate above the limit
      duration: toDuration(Math.min(request.durationSeconds, request.maxDurationSeconds ?? Infinity)),
      ...(request.maxDurationSeconds !== undefined
        ? { maxDuration: toDuration(request.maxDurationSeconds) }
        : {}),
    },
  };
}

function toName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return cleaned === '' ? 'peer-job' : cleaned;
}
