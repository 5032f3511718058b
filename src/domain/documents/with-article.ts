/** `an admin`, `an auditor`, `a member`, `an integer`: the indefinite article a word takes. */
export function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}
