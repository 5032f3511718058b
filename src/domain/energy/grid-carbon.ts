/**
 * Annual average grid carbon intensity by country, gCO2e/kWh: Electricity Maps yearly
 * lifecycle intensity (consumption-based, accounts for imports), year 2025, as pulled by
 * thegreenwebfoundation/co2.js (data/output/electricity-maps/yearly_2025.json, commit
 * df82c78e7e52f74a8e413846504b517a63a0ab52, 2026-02-04); copied from
 * shared/data/providers/grid_carbon.yaml (series `electricitymaps_2025`, as_of 2026-02-04).
 * One series is used throughout, the same one site figures such as aws-stockholm's SE-SE3
 * value come from; Ember's production-based series differs notably for FR, IE, PL, SE.
 */
const GRID_CARBON_G_PER_KWH: Readonly<Record<string, number>> = {
  AT: 163,
  BE: 180,
  CH: 50,
  DE: 342,
  DK: 123,
  ES: 136,
  FI: 68,
  FR: 31,
  GB: 176,
  IE: 301,
  IS: 28,
  IT: 286,
  LU: 212,
  NL: 253,
  NO: 30,
  PL: 565,
  PT: 117,
  SE: 21,
  US: 414,
};

/** Where a carbon figure came from, for the explanation. */
export const GRID_CARBON_SOURCE = 'Electricity Maps 2025 yearly average';

/** The country's grid intensity in gCO2e/kWh; undefined when the table has no figure for it. */
export function findCountryGridCarbon(country: string): number | undefined {
  return Object.hasOwn(GRID_CARBON_G_PER_KWH, country) ? GRID_CARBON_G_PER_KWH[country] : undefined;
}
