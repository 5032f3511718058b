/** `3s`, `5m`, `2h`, `4d`: how long ago, the way kubectl shows ages. */
export function formatAge(since: string | null, now: Date): string {
  if (!since) return '-';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
