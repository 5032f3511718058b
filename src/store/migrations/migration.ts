/**
 * One forward-only schema change. The SQL is embedded in TypeScript so that `tsc` ships it
 * in dist/; a migration, once released, is never edited: write the next one instead.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}
