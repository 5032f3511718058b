import { useEffect, useRef } from 'react';
import type { UsageSummaryView } from '../../../src/api/metering-schemas.js';
import { useLocale } from '../i18n/locale.js';

/**
 * GPU-hours and energy per day, drawn by uPlot (loaded with this chart only). The same figures
 * are in the table beside it, for readers who cannot see a canvas.
 */
export function UsageChart({ usage }: { usage: UsageSummaryView }) {
  const days = usage.items;
  const { t } = useLocale();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = box.current;
    if (!target || days.length === 0) return;
    let chart: { destroy(): void } | undefined;
    let isCurrent = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!isCurrent) return;
      const x = days.map((d) => Date.parse(`${d.key}T00:00:00Z`) / 1000);
      const gpuHours = days.map((d) => Number(d.gpuSeconds) / 3600);
      const kWh = days.map((d) => Number(d.energyWh) / 1000);
      chart = new UPlot(
        {
          width: Math.max(320, target.clientWidth),
          height: 260,
          // the whole period, so that a single day is a point in its month, not the whole axis
          scales: { x: { time: true, range: [Date.parse(usage.from) / 1000, Date.parse(usage.to) / 1000] } },
          series: [
            { label: t('costs.day') },
            { label: t('costs.gpuHours'), stroke: '#0b4f9c', width: 2, points: { size: 8 } },
            { label: t('costs.energy'), stroke: '#a4161a', width: 2, scale: 'kWh', points: { size: 8 } },
          ],
          axes: [
            {},
            { label: t('costs.gpuHours') },
            { side: 1, scale: 'kWh', label: 'kWh', grid: { show: false } },
          ],
        },
        [x, gpuHours, kWh],
        target,
      );
    });
    return () => {
      isCurrent = false;
      chart?.destroy();
    };
  }, [usage, days, t]);
  return <div ref={box} role="img" aria-label={t('costs.chartLabel')} data-testid="usage-chart" />;
}
