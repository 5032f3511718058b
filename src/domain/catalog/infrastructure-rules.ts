import { isEuMember } from '../geo/countries.js';
import type { Site } from './catalog.js';
import { dedupe, grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** Where the provider computes, and whether one place can take over from another. */
export const INFRASTRUCTURE_RULES: readonly DossierRule<'infrastructure'>[] = [
  requireEvidence('infrastructure'),
  {
    id: 'infrastructure.locations',
    summary: 'the locations are named (`locations`, else the catalog has sites of the provider)',
    check: (a, { sites }) => {
      if ((a.locations ?? []).length > 0) return grant(`locations named: ${joinNames(a.locations)}`);
      if (sites.length > 0)
        return grant(`locations from the catalog's sites: ${joinNames(sites.map(describePlace))}`);
      return withhold('no location named');
    },
  },
  {
    id: 'infrastructure.several-locations',
    summary: 'two or more distinct locations, so one can take over from another',
    check: (a, { sites }) => {
      const count = Math.max(new Set(a.locations ?? []).size, new Set(sites.map(describePlace)).size);
      return count >= 2 ? grant(`${count} distinct locations`) : withhold(`${count} location(s) only`);
    },
  },
  {
    id: 'infrastructure.eu-sites',
    summary: 'every catalog site of the provider is in an EU member state',
    check: (_a, { sites }) => {
      if (sites.length === 0) return withhold('no site of the provider in the catalog');
      const outside = sites.filter((s) => !isEuMember(s.country));
      return outside.length === 0
        ? grant(`every site in the EU (${joinNames(dedupe(sites.map((s) => s.country)))})`)
        : withhold(`sites outside the EU: ${joinNames(outside.map((s) => `${s.name} (${s.country})`))}`);
    },
  },
  {
    id: 'infrastructure.redundancy',
    summary: 'the redundancy is described (`redundancy`)',
    check: (a) =>
      a.redundancy ? grant(`redundancy: ${a.redundancy}`) : withhold('redundancy not described'),
  },
];

/** `Paris, FR`: a site's place as the infrastructure rules count locations. */
function describePlace(site: Site): string {
  return [site.city ?? site.region, site.country].filter((part) => part !== undefined).join(', ');
}
