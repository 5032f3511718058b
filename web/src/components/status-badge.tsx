import type { JobStatus } from '../../../src/domain/jobs/lifecycle.js';
import { useLocale } from '../i18n/locale.js';

export function StatusBadge({ status }: { status: string }) {
  const { t } = useLocale();
  return (
    <span className={`status status-${status}`} data-status={status}>
      {t(`status.${status as JobStatus}`)}
    </span>
  );
}
