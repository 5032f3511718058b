import type { SiteCertification } from './catalog.js';

/** A certification counts until the end of its expiry day (UTC), judged at the decision time. */
export function isCertificationValid(certification: SiteCertification, at: Date): boolean {
  if (certification.expires === undefined) return true;
  return at.getTime() < Date.parse(`${certification.expires}T00:00:00Z`) + 86_400_000;
}

/** The site's certification of that name (any case), valid or not. */
export function findCertification(
  certifications: readonly SiteCertification[],
  name: string,
): SiteCertification | undefined {
  const wanted = name.toLowerCase();
  return certifications.find((c) => c.name.toLowerCase() === wanted);
}
