/** Client-side UI metrics (spec 02-opmas "Observability": `opmas_ui_page_load_seconds{page}`, `opmas_ui_errors_total{kind}`). */
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Counter, Histogram } from 'prom-client';
import type { UiMetricsBody } from './system.schema.ts';

export interface UiMetrics {
  pageLoad: Histogram<'page'>;
  errors: Counter<'kind'>;
}

const byKernel = new WeakMap<Kernel, UiMetrics>();

/** The UI metrics of this kernel, registered in its registry on first use. */
export function uiMetricsOf(kernel: Kernel): UiMetrics {
  let metrics = byKernel.get(kernel);
  if (!metrics) {
    const registers = [kernel.metrics.registry];
    metrics = {
      pageLoad: new Histogram({
        name: 'opmas_ui_page_load_seconds',
        help: 'Page load time reported by the browser',
        labelNames: ['page'],
        buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 30],
        registers,
      }),
      errors: new Counter({
        name: 'opmas_ui_errors_total',
        help: 'Client-side errors reported by the browser',
        labelNames: ['kind'],
        registers,
      }),
    };
    byKernel.set(kernel, metrics);
  }
  return metrics;
}

/** Feeds one report (labels already validated against the bounded pattern). */
export function recordUiReport(metrics: UiMetrics, report: UiMetricsBody): void {
  if (report.load_seconds !== undefined) metrics.pageLoad.observe({ page: report.page }, report.load_seconds);
  for (const error of report.errors ?? []) metrics.errors.inc({ kind: error.kind });
}
