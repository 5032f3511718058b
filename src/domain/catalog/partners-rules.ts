import { isEuMember } from '../geo/countries.js';
import { grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** Who operates, who else touches the data, and under which law they all stand. */
export const PARTNERS_RULES: readonly DossierRule<'partners'>[] = [
  requireEvidence('partners'),
  {
    id: 'partners.operator',
    summary: 'the operating entity is named (`operator`)',
    check: (a) => (a.operator ? grant(`operated by ${a.operator}`) : withhold('operator not named')),
  },
  {
    id: 'partners.subcontractors',
    summary: 'the subcontractors are disclosed (`subcontractors`, an empty list meaning none)',
    check: (a) => {
      if (a.subcontractors === undefined) return withhold('subcontractors not disclosed');
      return grant(
        a.subcontractors.length === 0
          ? 'declares no subcontractor'
          : `subcontractors: ${joinNames(a.subcontractors)}`,
      );
    },
  },
  {
    id: 'partners.eu-operator',
    summary: "the provider's seat is in an EU member state (`jurisdiction`)",
    check: (_a, { provider }) =>
      isEuMember(provider.jurisdiction)
        ? grant(`seated in ${provider.jurisdiction} (EU)`)
        : withhold(`seated in ${provider.jurisdiction}, outside the EU`),
  },
  {
    id: 'partners.eu-parents',
    summary: 'no parent company under the law of a country outside the EU (`parents`)',
    check: (_a, { provider }) => {
      const outside = provider.parents.filter((p) => !isEuMember(p.jurisdiction));
      if (outside.length > 0)
        return withhold(
          `parent outside the EU: ${joinNames(outside.map((p) => `${p.name} (${p.jurisdiction})`))}`,
        );
      return grant(provider.parents.length === 0 ? 'no parent company' : 'every parent company in the EU');
    },
  },
];
