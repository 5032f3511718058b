/** The time source of the application: the real clock in production, a fake one in tests. */
export interface Clock {
  now(): Date;
}

/** Fresh identifiers and secrets; random in production, predictable in tests. */
export interface IdSource {
  /** A sortable unique id with a readable prefix: `job_01J…`, `ten_01J…`. */
  newId(prefix: string): string;
  /** A secret API key, shown once. */
  newSecret(): string;
}
