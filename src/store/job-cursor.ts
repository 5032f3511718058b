/**
 * The opaque cursor of a job list: the (created_at, id) of the last job of the page,
 * base64url-encoded. Clients must not build one; they pass back what they were given.
 */
export interface JobCursor {
  readonly createdAt: string;
  readonly id: string;
}

export function encodeJobCursor(cursor: JobCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor's position, or undefined when the text is not a cursor this store wrote. */
export function decodeJobCursor(text: string): JobCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const bar = decoded.indexOf('|');
  if (bar < 0) return undefined;
  const createdAt = decoded.slice(0, bar);
  const id = decoded.slice(bar + 1);
  const ms = Date.parse(createdAt);
  if (id === '' || Number.isNaN(ms) || new Date(ms).toISOString() !== createdAt) return undefined;
  return { createdAt, id };
}
