import { dedupe, grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** Interfaces a workload can leave through to another provider without being rewritten. */
export const STANDARD_INTERFACES: readonly string[] = [
  'S3',
  'Kubernetes',
  'Slurm',
  'OpenStack',
  'Terraform',
  'OCI',
  'NFS',
  'POSIX',
];

/** A longer notice to leave does not earn the exit point. */
export const MAX_NOTICE_DAYS = 90;

/** Whether the buyer can leave: open formats, standard interfaces, no egress fee, a short notice. */
export const EXIT_RULES: readonly DossierRule<'exit'>[] = [
  requireEvidence('exit'),
  {
    id: 'exit.export-formats',
    summary: 'the export formats are named (`exportFormats`)',
    check: (a) =>
      (a.exportFormats ?? []).length > 0
        ? grant(`export formats: ${joinNames(a.exportFormats)}`)
        : withhold('no export format named'),
  },
  {
    id: 'exit.egress-free',
    summary: 'leaving costs no egress fee (`egressFree: true`)',
    check: (a) => {
      if (a.egressFree === true) return grant('no egress fee');
      return withhold(a.egressFree === false ? 'egress is charged' : 'egress fees not stated');
    },
  },
  {
    id: 'exit.standard-apis',
    summary: `a standard interface (${STANDARD_INTERFACES.join(', ')}) among \`standardApis\` or \`exportFormats\``,
    check: (a) => {
      const named = [...(a.standardApis ?? []), ...(a.exportFormats ?? [])];
      const standard = named.filter((n) =>
        STANDARD_INTERFACES.some((s) => s.toLowerCase() === n.toLowerCase()),
      );
      if (standard.length > 0) return grant(`standard interfaces: ${joinNames(dedupe(standard))}`);
      return (a.standardApis ?? []).length > 0
        ? withhold(`no standard interface among ${joinNames(a.standardApis)}`)
        : withhold('no standard API named');
    },
  },
  {
    id: 'exit.notice',
    summary: `a notice period to leave of at most ${MAX_NOTICE_DAYS} days is stated (\`noticeDays\`)`,
    check: (a) => {
      if (a.noticeDays === undefined) return withhold('notice period not stated');
      return a.noticeDays <= MAX_NOTICE_DAYS
        ? grant(`${a.noticeDays} days' notice`)
        : withhold(`${a.noticeDays} days' notice, more than ${MAX_NOTICE_DAYS}`);
    },
  },
];
