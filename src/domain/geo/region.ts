import { EEA_MEMBERS, EU_MEMBERS, isCountryCode } from './countries.js';

/**
 * A set of countries named the way users write it: `EU`, `EEA`, `any`, one ISO code or a
 * list of them. Residency rules and jurisdiction rules both use it.
 */
export type Region =
  { readonly kind: 'any' } | { readonly kind: 'countries'; readonly countries: readonly string[] };

export const ANY_REGION: Region = { kind: 'any' };

/** Expands a written region (`EU`, `FR`, `[FR, DE]`, `any`) to its countries; undefined when a name is unknown. */
export function expandRegion(written: string | readonly string[]): Region | undefined {
  const names = typeof written === 'string' ? [written] : written;
  if (names.length === 1 && names[0] === 'any') return ANY_REGION;
  const countries = new Set<string>();
  for (const name of names) {
    if (name === 'EU') EU_MEMBERS.forEach((c) => countries.add(c));
    else if (name === 'EEA') EEA_MEMBERS.forEach((c) => countries.add(c));
    else if (isCountryCode(name)) countries.add(name);
    else return undefined;
  }
  return { kind: 'countries', countries: [...countries].sort() };
}

export function isInRegion(country: string, region: Region): boolean {
  return region.kind === 'any' || region.countries.includes(country);
}

/** The countries both regions allow (the stricter rule wins). */
export function intersectRegions(a: Region, b: Region): Region {
  if (a.kind === 'any') return b;
  if (b.kind === 'any') return a;
  return { kind: 'countries', countries: a.countries.filter((c) => b.countries.includes(c)) };
}

/** True when every country of `inner` is in `outer`. */
export function isWithinRegion(inner: Region, outer: Region): boolean {
  if (outer.kind === 'any') return true;
  if (inner.kind === 'any') return false;
  return inner.countries.every((c) => outer.countries.includes(c));
}

/** Countries of `region` outside `outer`, for messages ("CH is outside the EU"). */
export function listOutside(region: Region, outer: Region): string[] {
  if (outer.kind === 'any' || region.kind === 'any') return [];
  return region.countries.filter((c) => !outer.countries.includes(c));
}

/** `EU`, `EEA`, `FR`, `FR, DE` or `any`: the shortest way to write a region back. */
export function describeRegion(region: Region): string {
  if (region.kind === 'any') return 'any country';
  const list = region.countries.join(',');
  if (list === [...EU_MEMBERS].sort().join(',')) return 'EU';
  if (list === [...EEA_MEMBERS].sort().join(',')) return 'EEA';
  if (region.countries.length === 0) return 'no country';
  return region.countries.join(', ');
}
