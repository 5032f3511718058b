import { migration0001 } from './0001-init.js';
import { migration0002 } from './0002-audit-pending.js';
import { migration0003 } from './0003-usage-ledger.js';
import { migration0004 } from './0004-site-keys.js';
import { migration0005 } from './0005-usage-scale-late-corrections.js';
import { migration0006 } from './0006-audit-checkpoints.js';
import { migration0007 } from './0007-agent-fleet.js';
import { migration0008 } from './0008-tax-label.js';
import { migration0009 } from './0009-idempotency-per-project.js';
import { migration0010 } from './0010-foreign-audit-segments.js';
import { migration0011 } from './0011-services.js';
import { migration0012 } from './0012-energy-measured.js';
import { migration0013 } from './0013-service-tokens.js';
import { migration0014 } from './0014-erasure.js';
import { migration0015 } from './0015-service-keys.js';
import { migration0016 } from './0016-retention.js';
import type { Migration } from './migration.js';

/** Every migration, in the order they apply; ids are 1, 2, 3… without gaps. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
];
