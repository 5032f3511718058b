/** Union of names compared without regard to case (certifications), keeping the first spelling. */
export function mergeNames(...lists: (readonly string[])[]): string[] {
  const seen = new Map<string, string>();
  for (const list of lists) {
    for (const name of list) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}
