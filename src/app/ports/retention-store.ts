/** A finished job whose events and logs retention took: where its backend may keep files of it. */
export interface PrunedJob {
  readonly id: string;
  readonly tenantId: string;
  readonly site: string | null;
  readonly handle: string | null;
}

/** What one batch of retention took. */
export interface PruneBatch {
  readonly jobs: readonly PrunedJob[];
  readonly events: number;
  readonly logChunks: number;
  readonly logBytes: number;
}

/** What retention (docs/adr/0012-retention.md) deletes: nothing but finished jobs' history. */
export interface RetentionStoreTx {
  /**
   * Takes up to `limit` jobs final since before `before` and not pruned yet (oldest first,
   * skipping rows another replica holds), deletes their events and shipped logs, and marks
   * them pruned at `at`. The jobs themselves, their usage and their audit entries stay.
   */
  pruneFinishedJobs(before: string, limit: number, at: string): Promise<PruneBatch>;
}
