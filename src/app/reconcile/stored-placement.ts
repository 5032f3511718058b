/** The facts of a stored placement explanation (`toPlacementView`) that the reconciler acts on. */
export interface StoredPlacement {
  readonly site: string;
  readonly gpuModel: string;
  readonly decidedAt: string;
  readonly expectedStartSeconds: number;
  /** How long the site may take to start the job before it is placed again; null: no bound. */
  readonly maxWaitSeconds: number | null;
  /** The earlier decisions of a job placed again, newest first. */
  readonly previous: readonly PreviousPlacement[];
}

/** One earlier decision of a job placed again, and why it was left. */
export interface PreviousPlacement {
  readonly site: string;
  readonly decidedAt: string;
  readonly expectedStartSeconds: number;
  readonly maxWaitSeconds: number;
  readonly waitedSeconds: number;
  readonly why: string;
}

/**
 * Reads those facts back from the stored view (JSON written by this code): undefined when the
 * view predates them or has no decision. The one place the reconciler reads the view.
 */
export function readStoredPlacement(view: unknown): StoredPlacement | undefined {
  if (!isObject(view) || !isObject(view['decision'])) return undefined;
  const d = view['decision'];
  const { site, gpuModel, expectedStartSeconds, maxWaitSeconds } = d;
  const decidedAt = view['decidedAt'];
  if (
    typeof site !== 'string' ||
    typeof gpuModel !== 'string' ||
    typeof decidedAt !== 'string' ||
    typeof expectedStartSeconds !== 'number'
  )
    return undefined;
  const previous = Array.isArray(view['previous']) ? (view['previous'] as PreviousPlacement[]) : [];
  return {
    site,
    gpuModel,
    decidedAt,
    expectedStartSeconds,
    maxWaitSeconds: typeof maxWaitSeconds === 'number' ? maxWaitSeconds : null,
    previous,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
