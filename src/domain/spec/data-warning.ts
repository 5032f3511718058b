/**
 * A spec that says nothing of its data is placed anywhere: not an error (public models,
 * synthetic data), but worth a word, since the data rules are why Usine exists.
 */
export const NO_DATA_RULES_WARNING =
  'no spec.data: no data rules apply (the data counts as internal, any residency); ' +
  'say what the data is with spec.data.classification and spec.data.residency';

/** True when a Job or Service document has no `spec.data` block. */
export function lacksDataRules(document: unknown): boolean {
  const spec = (document as { spec?: { data?: unknown } } | null)?.spec;
  return spec?.data === undefined;
}
