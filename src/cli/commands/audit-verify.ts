import { readFileSync } from 'node:fs';
import type { AuditEntryView, AuditVerificationView } from '../../api/schemas.js';
import { readAuditPublicKey } from '../../app/audit/audit-keys.js';
import { nativeSha256 } from '../../app/audit/native-sha256.js';
import type { AuditEntry } from '../../domain/audit/chain.js';
import {
  isCheckpointSigned,
  type SignedCheckpoint,
  type SignedTenantCheckpoint,
} from '../../domain/audit/checkpoint.js';
import { parseCheckpointLines } from '../../domain/audit/checkpoint-lines.js';
import { listErasedEntries } from '../../domain/audit/erasure.js';
import { verifyTenantEntries } from '../../domain/audit/tenant-proof.js';
import { readTenantCheckpoint } from '../../sdk/read-tenant-checkpoint.js';
import type { UsineClient } from '../../sdk/usine-client.js';
import { CliExit, ExitCode } from '../io.js';

export interface AuditVerifyOptions {
  /** A saved checkpoint, or a witness file (its last line counts). */
  readonly checkpoint?: string;
  /** `COUNT:HASH`, as `usine audit verify` prints the head. */
  readonly expect?: string;
  /** The factory's public key (PEM, or the JSON of /v1/audit/public-key): else fetched, trusted on first use. */
  readonly publicKey?: string;
  readonly full?: boolean;
}

export type AuditVerifyOutcome = AuditVerificationView & { readonly keyId: string; readonly anchor?: string };

/**
 * `usine audit verify`: the factory's answer, checked here where it can be. The checkpoint
 * the server shows must carry the factory's signature; a checkpoint of your own (a file, or
 * `--expect`) is sent for the server to hold the chain against; a tenant's key verifies its own
 * entries here, hash by hash, against its signed tenant checkpoint.
 */
export async function verifyAuditFromCli(
  client: UsineClient,
  options: AuditVerifyOptions,
): Promise<AuditVerifyOutcome> {
  const key = readAuditPublicKey(
    options.publicKey ? readPublicKeyFile(options.publicKey) : (await client.getAuditPublicKey()).publicKey,
  );
  const anchor = options.checkpoint
    ? readCheckpointFile(options.checkpoint, key.verify)
    : options.expect
      ? readExpect(options.expect)
      : undefined;
  const answer = await client.verifyAudit({
    ...(anchor ? { expect: anchor } : {}),
    ...(options.full ? { full: true } : {}),
  });
  const described = { keyId: key.keyId, ...(anchor ? { anchor: `${anchor.count}:${anchor.headHash}` } : {}) };
  if (answer.scope === 'tenant')
    return { ...(await verifyOwnEntries(client, answer, key.verify)), ...described };
  if (answer.checkpoint && !isCheckpointSigned(answer.checkpoint as SignedCheckpoint, key.verify))
    return {
      ...answer,
      ...described,
      ok: false,
      kind: 'bad-checkpoint',
      firstBadEntry: answer.checkpoint.count,
      problem: `the server's latest checkpoint (${answer.checkpoint.count} entries) is not signed by key ${key.keyId}`,
    };
  return { ...answer, ...described };
}

async function verifyOwnEntries(
  client: UsineClient,
  answer: AuditVerificationView,
  verify: (text: string, signature: string) => boolean,
): Promise<AuditVerificationView> {
  const entries: AuditEntry[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await client.listAudit(cursor, 1000);
    entries.push(...page.items.map(readEntry));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const checkpoints: SignedTenantCheckpoint[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await client.listAuditCheckpoints(cursor);
    checkpoints.push(...page.items.map(readTenantCheckpoint));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  // the tenant holds all its entries: erased ones are vouched for by their erasure's commitment
  const own = verifyTenantEntries(entries, checkpoints, verify, nativeSha256, listErasedEntries(entries));
  if (!answer.ok) return { ...answer, entries: own.entries };
  return {
    ...answer,
    ok: own.ok,
    entries: own.entries,
    ...(own.ok ? {} : { kind: own.kind, problem: own.problem }),
    ...(own.firstBadEntry === undefined ? {} : { firstBadEntry: own.firstBadEntry }),
  };
}

function readEntry(view: AuditEntryView): AuditEntry {
  return view;
}

function readPublicKeyFile(path: string): string {
  const text = readText(path, '--public-key');
  try {
    const parsed = JSON.parse(text) as { publicKey?: unknown };
    if (typeof parsed.publicKey === 'string') return parsed.publicKey;
  } catch {
    // PEM, not JSON
  }
  return text;
}

/** The last checkpoint of a saved file, once its signature is the factory's. */
function readCheckpointFile(
  path: string,
  verify: (text: string, signature: string) => boolean,
): SignedCheckpoint {
  const { checkpoints, problems } = parseCheckpointLines(readText(path, '--checkpoint'));
  const [problem] = problems;
  if (problem)
    throw new CliExit(ExitCode.usage, `${path}:${problem.line}:1: not a checkpoint: ${problem.message}`);
  const last = checkpoints[checkpoints.length - 1];
  if (!last) throw new CliExit(ExitCode.usage, `${path}: no checkpoint in it`);
  if (!isCheckpointSigned(last, verify))
    throw new CliExit(
      ExitCode.error,
      `${path}: its checkpoint of ${last.count} entries is not signed by this factory's key`,
    );
  return last;
}

function readExpect(text: string): { count: number; headHash: string } {
  const match = /^([1-9]\d{0,14}):([0-9a-f]{64})$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new CliExit(
      ExitCode.usage,
      `--expect ${text}: COUNT:HASH is required, as \`usine audit verify\` prints the head`,
    );
  return { count: Number(match[1]), headHash: match[2] };
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliExit(ExitCode.usage, `${flag} ${path}: ${(error as Error).message}`);
  }
}
