import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../domain/audit/chain.js';
import type { SignedTenantCheckpoint } from '../../domain/audit/checkpoint.js';
import type { ErasedEntry } from '../../domain/audit/erasure.js';
import { verifyTenantEntries } from '../../domain/audit/tenant-proof.js';
import { checkFiles, type ExportProblem, type FoundFile } from '../../domain/exchange/check-manifest.js';
import {
  encodeManifestStatement,
  EXPORT_FORMAT,
  exportFileFormat,
  type ExportFileFormat,
  type ExportManifest,
  type ManifestSignature,
} from '../../domain/exchange/export-manifest.js';
import { readAuditPublicKey } from '../audit/audit-keys.js';
import { nativeSha256 } from '../audit/native-sha256.js';
import { createRowCounter } from './count-rows.js';
import { readLines, readWholeText, type ExportSource } from './export-source.js';

export interface ExportVerification {
  readonly ok: boolean;
  readonly tenant?: { readonly id: string; readonly name: string };
  readonly exportedAt?: string;
  /** The key the manifest was checked with, and where it came from. */
  readonly key?: { readonly keyId: string; readonly from: 'given' | 'export' };
  readonly files: number;
  readonly rows: number;
  /** Audit entries proved against signed tenant checkpoints, per segment (`audit`, `audit/foreign/<key>`). */
  readonly audit: readonly { readonly segment: string; readonly entries: number }[];
  readonly problems: readonly ExportProblem[];
}

const SIGNED = ['manifest.json', 'manifest.sig'];

/**
 * Checks an export offline, with no server: the manifest's signature under the factory's
 * public key (one you trust, or the export's own `public-key.pem`, which proves only that the
 * export is whole), every file's SHA-256, size and rows against the manifest, no file more
 * and none fewer, and each audit segment's entries against its signed tenant checkpoints.
 */
export async function verifyExport(
  source: ExportSource,
  options: { readonly publicKeyPem?: string } = {},
): Promise<ExportVerification> {
  const paths = await source.list();
  const problems: ExportProblem[] = [];
  const empty = { ok: false, files: 0, rows: 0, audit: [] };
  if (!paths.includes('manifest.json'))
    return {
      ...empty,
      problems: [{ path: 'manifest.json', kind: 'missing', message: 'manifest.json: absent' }],
    };
  const manifestText = await readWholeText(source, 'manifest.json');
  const manifest = parseManifest(manifestText);
  if (!manifest)
    return {
      ...empty,
      problems: [
        { path: 'manifest.json', kind: 'invalid', message: `manifest.json: not a ${EXPORT_FORMAT} manifest` },
      ],
    };
  const pem =
    options.publicKeyPem ??
    (paths.includes('public-key.pem') ? await readWholeText(source, 'public-key.pem') : undefined);
  const key = pem === undefined ? undefined : readKey(pem);
  if (!key)
    problems.push({
      path: 'public-key.pem',
      kind: 'signature',
      message: 'no Ed25519 public key to check the manifest with',
    });
  else problems.push(...(await checkSignature(source, paths, manifestText, key)));

  const found: FoundFile[] = [];
  const formats = new Map(manifest.files.map((f) => [f.path, f.format]));
  for (const path of paths.filter((p) => !SIGNED.includes(p))) {
    found.push(await measure(source, path, formats.get(path) ?? guessFormat(path)));
  }
  problems.push(...checkFiles(manifest.files, found));
  const rowsOf = (path: string) => found.find((f) => f.path === path)?.rows;
  if (rowsOf('jobs.jsonl') !== rowsOf('specs.yaml'))
    problems.push({
      path: 'specs.yaml',
      kind: 'rows',
      message: `specs.yaml: ${rowsOf('specs.yaml') ?? 0} documents for ${rowsOf('jobs.jsonl') ?? 0} jobs`,
    });

  const audit: { segment: string; entries: number }[] = [];
  for (const segment of auditSegments(paths)) {
    const segmentKey =
      segment === 'audit' ? key : readKey(await readWholeText(source, `${segment}/public-key.pem`));
    const result = await verifySegment(source, segment, manifest.tenant.id, segmentKey?.verify);
    if (result.problem)
      problems.push({ path: `${segment}/entries.jsonl`, kind: 'audit', message: result.problem });
    else audit.push({ segment, entries: result.entries });
  }
  return {
    ok: problems.length === 0,
    tenant: manifest.tenant,
    exportedAt: manifest.exportedAt,
    ...(key
      ? { key: { keyId: key.keyId, from: options.publicKeyPem === undefined ? 'export' : 'given' } }
      : {}),
    files: found.length,
    rows: found.reduce((sum, f) => sum + f.rows, 0),
    audit,
    problems,
  };
}

type PublicKey = ReturnType<typeof readAuditPublicKey>;

function readKey(pem: string): PublicKey | undefined {
  try {
    return readAuditPublicKey(pem);
  } catch {
    return undefined;
  }
}

function parseManifest(text: string): ExportManifest | undefined {
  try {
    const value = JSON.parse(text) as Partial<ExportManifest>;
    if (value.format !== EXPORT_FORMAT || !Array.isArray(value.files) || typeof value.tenant?.id !== 'string')
      return undefined;
    return value as ExportManifest;
  } catch {
    return undefined;
  }
}

async function checkSignature(
  source: ExportSource,
  paths: readonly string[],
  manifestText: string,
  key: PublicKey,
): Promise<ExportProblem[]> {
  const bad = (message: string): ExportProblem[] => [{ path: 'manifest.sig', kind: 'signature', message }];
  if (!paths.includes('manifest.sig')) return bad('manifest.sig: absent: the manifest is not signed');
  let signature: Partial<ManifestSignature>;
  try {
    signature = JSON.parse(await readWholeText(source, 'manifest.sig')) as Partial<ManifestSignature>;
  } catch {
    return bad('manifest.sig: not JSON');
  }
  const sha = createHash('sha256').update(manifestText, 'utf8').digest('hex');
  if (signature.statement !== encodeManifestStatement(sha))
    return bad('manifest.sig: it signs another manifest (manifest.json was changed)');
  if (signature.keyId !== key.keyId)
    return bad(`manifest.sig: signed by key ${signature.keyId ?? '?'}, not by ${key.keyId}`);
  if (typeof signature.signature !== 'string' || !key.verify(signature.statement, signature.signature))
    return bad(`manifest.sig: the signature does not verify under key ${key.keyId}`);
  return [];
}

async function measure(source: ExportSource, path: string, format: ExportFileFormat): Promise<FoundFile> {
  const hash = createHash('sha256');
  const counter = createRowCounter(format);
  let bytes = 0;
  for await (const chunk of source.read(path)) {
    hash.update(chunk);
    counter.add(chunk);
    bytes += chunk.length;
  }
  return { path, sha256: hash.digest('hex'), bytes, rows: counter.rows() };
}

function guessFormat(path: string): ExportFileFormat {
  const known = exportFileFormat(path);
  if (known) return known;
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return (['json', 'jsonl', 'csv', 'yaml', 'pem'] as const).find((f) => f === ext) ?? 'jsonl';
}

/** `audit`, and each `audit/foreign/<key id>` an import kept. */
function auditSegments(paths: readonly string[]): string[] {
  return [
    ...new Set(
      paths
        .filter((p) => p.startsWith('audit/') && p.endsWith('/entries.jsonl'))
        .map((p) => p.slice(0, -'/entries.jsonl'.length)),
    ),
  ].sort();
}

async function verifySegment(
  source: ExportSource,
  segment: string,
  tenantId: string,
  verify: ((text: string, signature: string) => boolean) | undefined,
): Promise<{ entries: number; problem?: string }> {
  if (!verify) return { entries: 0, problem: `${segment}: no public key to check its checkpoints with` };
  const entries: AuditEntry[] = [];
  const checkpoints: SignedTenantCheckpoint[] = [];
  const erasures = new Map<number, ErasedEntry>();
  try {
    if ((await source.list()).includes(`${segment}/erasures.jsonl`))
      for await (const line of readLines(source, `${segment}/erasures.jsonl`)) {
        const e = JSON.parse(line) as { seq: number; erasure: string; hash: string; dataSha256: string };
        erasures.set(e.seq, { seq: e.seq, erasureId: e.erasure, hash: e.hash, dataSha256: e.dataSha256 });
      }
    for await (const line of readLines(source, `${segment}/entries.jsonl`))
      entries.push(JSON.parse(line) as AuditEntry);
    for await (const line of readLines(source, `${segment}/tenant-checkpoints.jsonl`))
      checkpoints.push(JSON.parse(line) as SignedTenantCheckpoint);
  } catch {
    return { entries: 0, problem: `${segment}: a line is not JSON` };
  }
  const strangers =
    entries.filter((e) => e.tenantId !== tenantId).length +
    checkpoints.filter((c) => c.tenantId !== tenantId).length;
  if (strangers > 0)
    return { entries: 0, problem: `${segment}: ${strangers} entries or checkpoints of another tenant` };
  if (entries.length > 0 && checkpoints.length === 0)
    return { entries: 0, problem: `${segment}: no signed tenant checkpoint covers the entries` };
  const result = verifyTenantEntries(entries, checkpoints, verify, nativeSha256, erasures);
  if (!result.ok)
    return {
      entries: 0,
      problem: `${segment}: ${result.problem ?? 'the entries do not verify'} (${result.kind ?? ''})`,
    };
  const last = checkpoints.reduce((max, c) => Math.max(max, c.count), 0);
  if (last < entries.length)
    return {
      entries: 0,
      problem: `${segment}: ${entries.length - last} entries after the last signed tenant checkpoint`,
    };
  return { entries: entries.length };
}
