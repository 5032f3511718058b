/** The final states: once reached, an execution never changes again. */
export function isFinalState(state: string): boolean {
  return state !== 'pending' && state !== 'running';
}
