import { randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '../app/ports/clock.js';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** Ids sortable by creation time (48-bit milliseconds, then 80 random bits, Crockford base32). */
export function createRandomIds(clock: Clock): IdSource {
  return {
    newId(prefix: string): string {
      let time = clock.now().getTime();
      let head = '';
      for (let i = 0; i < 10; i++) {
        head = (BASE32[time % 32] ?? '0') + head;
        time = Math.floor(time / 32);
      }
      const tail = [...randomBytes(16)].map((b) => BASE32[b % 32]).join('');
      return `${prefix}_${head}${tail}`;
    },
    newSecret(): string {
      return `usk_${randomBytes(32).toString('base64url')}`;
    },
  };
}
