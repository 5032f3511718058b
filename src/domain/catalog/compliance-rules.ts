import { isCertificationValid } from './certification.js';
import type { Site, SiteCertification } from './catalog.js';
import { grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** What the provider states (GDPR, AI Act) and which certifications hold at the decision instant. */
export const COMPLIANCE_RULES: readonly DossierRule<'compliance'>[] = [
  requireEvidence('compliance'),
  {
    id: 'compliance.gdpr',
    summary: 'GDPR compliance is stated (`gdpr: true`)',
    check: (a) => (a.gdpr === true ? grant('states GDPR compliance') : withhold('no GDPR statement')),
  },
  {
    id: 'compliance.ai-act',
    summary: 'an AI Act statement is given (`aiAct: true`)',
    check: (a) => (a.aiAct === true ? grant('states AI Act compliance') : withhold('no AI Act statement')),
  },
  {
    id: 'compliance.valid-certification',
    summary: "a certification of one of the provider's sites is valid at the decision instant",
    check: (a, { sites, at }) => {
      const valid = listCertifications(sites).filter((c) => isCertificationValid(c.certification, at));
      if (valid.length > 0)
        return grant(`valid certifications: ${joinNames(valid.map(describeCertification))}`);
      const claimed = a.certifications ?? [];
      return withhold(
        claimed.length > 0
          ? `claimed in the dossier but valid on no site: ${joinNames(claimed)}`
          : 'no valid certification on any site',
      );
    },
  },
  {
    id: 'compliance.none-expired',
    summary: "the provider's sites hold certifications and none has expired at the decision instant",
    check: (_a, { sites, at }) => {
      const all = listCertifications(sites);
      if (all.length === 0) return withhold('no certification recorded on the sites');
      const expired = all.filter((c) => !isCertificationValid(c.certification, at));
      return expired.length === 0
        ? grant('no certification expired')
        : withhold(`expired: ${joinNames(expired.map(describeCertification))}`);
    },
  },
];

interface HeldCertification {
  readonly site: Site;
  readonly certification: SiteCertification;
}

function listCertifications(sites: readonly Site[]): HeldCertification[] {
  return sites.flatMap((site) => site.certifications.map((certification) => ({ site, certification })));
}

function describeCertification({ site, certification }: HeldCertification): string {
  const until = certification.expires ? ` until ${certification.expires}` : '';
  return `${certification.name}${until} (${site.name})`;
}
