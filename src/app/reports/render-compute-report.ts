import { escapeHtml as esc } from '../escape-html.js';
import { INVOICE_HTML_CSP } from '../metering/render-invoice.js';
import type { SealedComputeReport } from './compute-report.js';

export const REPORT_LANGUAGES = ['en', 'fr'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

const WORDS = {
  en: {
    title: 'Compute and energy report',
    basis:
      'EU AI Act, Art. 53(1)(a) and Annex XI §1.2(d)–(e); GPAI Code of Practice, Model Documentation Form: training time, amount of computation, energy used, and how each was measured.',
    model: 'Model',
    period: 'Period',
    all: 'all time',
    generated: 'Generated',
    jobs: 'Jobs and services',
    wall: 'Wall-clock time (runs overlapping counted once)',
    hours: 'h',
    gpuHours: 'GPU-hours by GPU model and site',
    gpu: 'GPU model',
    site: 'Site',
    country: 'Country',
    simulated: 'simulated: counted at the site’s time scale',
    computation: 'Amount of computation (estimate)',
    method: 'Method',
    precision: 'Precision',
    utilisation: 'Utilisation assumed',
    peak: 'Peak dense TFLOP/s',
    source: 'Source',
    total: 'Total',
    none: 'no figure for this GPU model and precision: not counted',
    energy: 'Energy',
    measured: 'measured',
    estimated: 'estimated',
    carbon: 'Carbon',
    where: 'Where the computation took place',
    pue: 'PUE',
    grid: 'Grid intensity (g CO₂e/kWh)',
    flopMethod: 'GPU-hours × 3,600 × the GPU model’s peak dense FLOP/s at the precision × the utilisation',
    energyMethod:
      'at the site’s meter, PUE included: measured where the site’s meter reported it with the usage; otherwise estimated as GPU-hours × board power × 0.7 (assumed utilisation) × PUE',
    carbonMethod: 'energy × the grid carbon intensity of each site (its own figure, or its country’s)',
    sealed: 'A copy of this report is sealed in the factory’s audit chain (entry report.compute), SHA-256',
  },
  fr: {
    title: 'Rapport de calcul et d’énergie',
    basis:
      'Règlement européen sur l’IA, art. 53(1)(a) et annexe XI §1.2(d)–(e) ; code de bonnes pratiques GPAI, formulaire de documentation du modèle : durée d’entraînement, quantité de calcul, énergie consommée, et méthode de mesure de chacune.',
    model: 'Modèle',
    period: 'Période',
    all: 'depuis l’origine',
    generated: 'Établi le',
    jobs: 'Tâches et services',
    wall: 'Durée réelle (exécutions simultanées comptées une fois)',
    hours: 'h',
    gpuHours: 'Heures-GPU par modèle de GPU et par site',
    gpu: 'Modèle de GPU',
    site: 'Site',
    country: 'Pays',
    simulated: 'simulé : compté à l’échelle de temps du site',
    computation: 'Quantité de calcul (estimation)',
    method: 'Méthode',
    precision: 'Précision',
    utilisation: 'Taux d’utilisation retenu',
    peak: 'TFLOP/s dense crête',
    source: 'Source',
    total: 'Total',
    none: 'pas de valeur pour ce GPU à cette précision : non compté',
    energy: 'Énergie',
    measured: 'mesurée',
    estimated: 'estimée',
    carbon: 'Carbone',
    where: 'Lieux du calcul',
    pue: 'PUE',
    grid: 'Intensité du réseau (g CO₂e/kWh)',
    flopMethod:
      'heures-GPU × 3 600 × FLOP/s dense crête du modèle de GPU à la précision × taux d’utilisation',
    energyMethod:
      'au compteur du site, PUE compris : mesurée lorsque le compteur du site l’a transmise avec l’usage ; sinon estimée comme heures-GPU × puissance de la carte × 0,7 (utilisation supposée) × PUE',
    carbonMethod:
      'énergie × intensité carbone du réseau de chaque site (sa propre valeur, ou celle de son pays)',
    sealed:
      'Une copie de ce rapport est scellée dans la chaîne d’audit de l’usine (entrée report.compute), SHA-256',
  },
} as const;

/** A self-contained page a compliance officer can file or print, in English or French. */
export function renderComputeReportHtml(
  sealed: SealedComputeReport,
  tenantName: string,
  lang: ReportLanguage,
): string {
  const w = WORDS[lang];
  const r = sealed.report;
  const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const period = `${r.period.from ?? w.all} → ${r.period.to ?? r.generatedAt}`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${INVOICE_HTML_CSP}"><title>${esc(w.title)}: ${esc(r.model)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ccc;padding:.3em .5em;text-align:left}small{color:#555}@media print{body{margin:0}}
</style></head><body>
<h1>${esc(w.title)}</h1>
<p><small>${esc(w.basis)}</small></p>
<p>${esc(w.model)}: <strong>${esc(r.model)}</strong> · ${esc(tenantName)} · ${esc(w.period)}: ${esc(period)} · ${esc(w.generated)} ${esc(r.generatedAt)}</p>
<h2>${esc(w.jobs)} (${r.jobs.length})</h2>
${table(
  ['id', 'name', w.site, 'start', 'end'],
  r.jobs.map((j) => [j.id, j.name, j.site ?? '-', j.startedAt ?? '-', j.finishedAt ?? '-']),
)}
<p>${esc(w.wall)}: <strong>${esc(r.wallClock.hours)} ${w.hours}</strong> (${esc(r.wallClock.firstStart ?? '-')} → ${esc(r.wallClock.lastEnd ?? '-')})</p>
<h2>${esc(w.gpuHours)}: ${esc(r.gpuHours.total)}</h2>
${table(
  [w.gpu, w.site, w.country, 'GPU-h'],
  r.gpuHours.byGpuModelAndSite.map((g) => [
    g.gpuModel,
    `${g.site}${g.simulated ? ` (${w.simulated})` : ''}`,
    g.country ?? '-',
    g.gpuHours,
  ]),
)}
<h2>${esc(w.computation)}: ${esc(r.computation.flop ?? '-')} FLOP</h2>
<p>${esc(w.method)}: ${esc(w.flopMethod)}. ${esc(w.precision)}: ${esc(r.computation.precision)} · ${esc(w.utilisation)}: ${esc(r.computation.utilisation)}</p>
${table(
  [w.gpu, 'GPU-h', w.peak, 'FLOP', w.source],
  r.computation.byGpuModel.map((c) => [
    c.gpuModel,
    c.gpuHours,
    c.peakTeraflops ?? '-',
    c.flop ?? w.none,
    c.source ?? '-',
  ]),
)}
<h2>${esc(w.energy)}: ${esc(r.energy.kWh)} kWh</h2>
<p>${esc(w.measured)}: ${esc(r.energy.measuredKWh)} kWh (${esc(r.energy.measuredShare)}) · ${esc(w.estimated)}: ${esc(r.energy.estimatedKWh)} kWh (${esc(r.energy.estimatedShare)})<br><small>${esc(w.method)}: ${esc(w.energyMethod)}</small></p>
<h2>${esc(w.carbon)}: ${esc(r.carbon.kgCO2e)} kg CO₂e</h2>
<p><small>${esc(w.method)}: ${esc(w.carbonMethod)}</small></p>
<h2>${esc(w.where)}: ${esc(r.countries.join(', ') || '-')}</h2>
${table(
  [w.site, w.country, w.pue, w.grid, w.source, 'GPU-h', 'kWh', 'kg CO₂e'],
  r.sites.map((s) => [
    s.site,
    s.country ?? '-',
    String(s.pue ?? '-'),
    String(s.gridCarbonGPerKWh ?? '-'),
    s.gridSource ?? '-',
    s.gpuHours,
    s.kWh,
    s.kgCO2e,
  ]),
)}
<p><small>${esc(w.sealed)} ${esc(sealed.sha256)}</small></p>
</body></html>
`;
}
