import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/app/errors.js';
import { REASON_CODES } from '../src/domain/placement/rejection-reason.js';

const doc = readFileSync('docs/errors.md', 'utf8');

describe('docs/errors.md', () => {
  it.each(Object.entries(ERROR_CODES))('lists the API error %s with its status', (code, { status }) => {
    expect(doc).toMatch(new RegExp(`\\| \`${code}\`\\s*\\| ${status}\\s*\\|`));
  });

  it.each([...REASON_CODES])('lists the placement reason %s', (code) => {
    expect(doc).toContain(`| \`${code}\``);
  });
});
