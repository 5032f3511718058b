import type { Migration } from './migration.js';

export const migration0012: Migration = {
  id: 12,
  name: 'metering: whether a usage record’s energy was measured (a site’s meter) or estimated',
  sql: `
-- true: the energy came with the record from a site's meter; false: Usine estimated it (board
-- power x utilisation x PUE). The AI Act compute report states the share of each. Rows from
-- before this migration are counted as estimated.
ALTER TABLE usage_records ADD COLUMN energy_measured boolean NOT NULL DEFAULT false;
`,
};
