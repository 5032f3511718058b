/**
 * The manifest of a tenant's export (docs/export-format.md): every file with its SHA-256, its
 * size and its row count, the format of each, and who exported it. `manifest.sig` signs the
 * manifest's own SHA-256 with the factory's audit key, so a file edited, removed or added
 * after the export is found offline, whoever rewrote the manifest to match.
 */
export const EXPORT_FORMAT = 'usine-export';
export const EXPORT_VERSION = 1;

export type ExportFileFormat = 'json' | 'jsonl' | 'csv' | 'yaml' | 'pem';

export interface ExportFileEntry {
  /** Relative, `/`-separated: `jobs.jsonl`, `audit/entries.jsonl`. */
  readonly path: string;
  readonly format: ExportFileFormat;
  /** The version of this file's layout (columns, fields). */
  readonly version: number;
  readonly sha256: string;
  readonly bytes: number;
  /** Lines of JSON Lines, records of CSV (header excluded), documents of YAML, items of a JSON array, 1 otherwise. */
  readonly rows: number;
}

export interface ExportManifest {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: number;
  readonly exportedAt: string;
  readonly tenant: { readonly id: string; readonly name: string };
  /** The factory that exported: the id of its audit key (the one `manifest.sig` verifies with). */
  readonly source: { readonly auditKeyId: string };
  readonly files: readonly ExportFileEntry[];
}

/** `manifest.sig`: the audit key's Ed25519 signature of `statement`. */
export interface ManifestSignature {
  readonly algorithm: 'ed25519';
  readonly keyId: string;
  readonly statement: string;
  readonly signature: string;
}

/**
 * The text signed: versioned and prefixed, so it can never be read as a checkpoint (which
 * starts `usine audit checkpoint v1`) nor a checkpoint as it.
 */
export function encodeManifestStatement(manifestSha256: string): string {
  return `usine export manifest v1\nsha256 ${manifestSha256}\n`;
}

/** The files every export of this version holds, by path, and what each is. */
export const EXPORT_FILES: Readonly<Record<string, { format: ExportFileFormat; about: string }>> = {
  'tenant.json': { format: 'json', about: 'the tenant: id, name, creation instant' },
  'jobs.jsonl': { format: 'jsonl', about: 'jobs and services with their decision and outcome' },
  'specs.yaml': { format: 'yaml', about: 'each job’s spec as submitted, in the order of jobs.jsonl' },
  'events.jsonl': { format: 'jsonl', about: 'each job’s events, in job order then event order' },
  'services.jsonl': { format: 'jsonl', about: 'services with every revision of their spec' },
  'logs.jsonl': { format: 'jsonl', about: 'job output shipped by agents, in chunks (base64)' },
  'usage.jsonl': { format: 'jsonl', about: 'the usage ledger, by start then key' },
  'usage.csv': { format: 'csv', about: 'the usage ledger as CSV, the same rows' },
  'invoices.json': { format: 'json', about: 'every invoice, one per month and currency' },
  'invoices.csv': { format: 'csv', about: 'the invoices’ lines and totals as CSV' },
  'budgets.json': { format: 'json', about: 'budgets' },
  'billing.json': { format: 'json', about: 'billing settings: tax, markups, commitments' },
  'keys.jsonl': { format: 'jsonl', about: 'API key metadata (never a secret nor its hash)' },
  'audit/entries.jsonl': { format: 'jsonl', about: 'the tenant’s audit entries, in chain order' },
  'audit/tenant-checkpoints.jsonl': {
    format: 'jsonl',
    about: 'the signed tenant checkpoints that cover those entries',
  },
  'audit/erasures.jsonl': {
    format: 'jsonl',
    about: 'the entries an erasure emptied: their hash and the SHA-256 of the data erased',
  },
  'public-key.pem': { format: 'pem', about: 'the factory’s audit public key (Ed25519, SPKI)' },
};

/**
 * The files of a foreign segment, `audit/foreign/<key id>/…`: the audit entries another factory
 * exported for the tenant, kept by an import and exported again byte for byte, with that
 * factory's key and tenant checkpoints.
 */
export const FOREIGN_SEGMENT_FILES: Readonly<Record<string, ExportFileFormat>> = {
  'entries.jsonl': 'jsonl',
  'tenant-checkpoints.jsonl': 'jsonl',
  'erasures.jsonl': 'jsonl',
  'public-key.pem': 'pem',
};

export function foreignSegmentPath(keyId: string, file: keyof typeof FOREIGN_SEGMENT_FILES): string {
  return `audit/foreign/${keyId}/${file}`;
}

/** The format of a file of the export, by its path; undefined for a path the format has not. */
export function exportFileFormat(path: string): ExportFileFormat | undefined {
  const known = EXPORT_FILES[path]?.format;
  if (known) return known;
  const foreign = /^audit\/foreign\/[^/]+\/([^/]+)$/.exec(path);
  return foreign ? FOREIGN_SEGMENT_FILES[foreign[1] ?? ''] : undefined;
}
