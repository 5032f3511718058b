import { describe, expect, it } from 'vitest';
import { readAuditSettings } from '../../src/cli/read-audit-settings.js';

describe('the audit settings of `usine up`', () => {
  it('witnesses beside the data dir by default, every 1,000 entries or 60 s', () => {
    expect(readAuditSettings({}, '/srv', '/srv/.usine', undefined)).toEqual({
      audit: {
        witnessFile: '/srv/.usine.audit-witness.jsonl',
        checkpointEvery: 1000,
        checkpointIntervalMs: 60_000,
      },
      problems: [],
    });
  });

  it('takes the flag over USINE_AUDIT_WITNESS, and the checkpoint cadence from the environment', () => {
    const env = {
      USINE_AUDIT_WITNESS: '/a/w.jsonl',
      USINE_AUDIT_CHECKPOINT_ENTRIES: '50',
      USINE_AUDIT_CHECKPOINT_SECONDS: '5',
    };
    expect(readAuditSettings(env, '/srv', '/srv/.usine', 'witness/w.jsonl').audit).toEqual({
      witnessFile: '/srv/witness/w.jsonl',
      checkpointEvery: 50,
      checkpointIntervalMs: 5000,
    });
  });

  it('reports every bad value, a witness inside the data dir included', () => {
    const { problems } = readAuditSettings(
      { USINE_AUDIT_CHECKPOINT_ENTRIES: '0', USINE_AUDIT_CHECKPOINT_SECONDS: 'soon' },
      '/srv',
      '/srv/.usine',
      '.usine/witness.jsonl',
    );
    expect(problems).toEqual([
      expect.stringContaining('must be outside the data dir'),
      expect.stringContaining('USINE_AUDIT_CHECKPOINT_ENTRIES=0'),
      expect.stringContaining('USINE_AUDIT_CHECKPOINT_SECONDS=soon'),
    ]);
  });
});
