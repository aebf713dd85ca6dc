import type { Kernel } from '@platform/kernel/kernel.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { countsBy, presentActivity } from './dashboard.presenter.ts';
import { DashboardRepository } from './dashboard.repository.ts';
import type { ActivityItem, DashboardStats } from './dashboard.schema.ts';
import { type DeviceThresholds, loadDeviceThresholds } from './dashboard-config.ts';
import { IngestRateSampler } from './ingest-rates.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Dashboard tiles and the recent-activity feed (spec 02-opmas "API" `/dashboard/stats`, `/activity/recent`). */
export class DashboardService {
  readonly rates: IngestRateSampler;
  readonly #repository: DashboardRepository;
  readonly #thresholds: DeviceThresholds;

  constructor(kernel: Kernel) {
    const ingest = ingestRuntimeFor(kernel);
    this.rates = new IngestRateSampler(() => ingest.counters.totals());
    this.#repository = new DashboardRepository(kernel.db.orm);
    this.#thresholds = loadDeviceThresholds(kernel.config.env);
  }

  async stats(): Promise<DashboardStats> {
    const now = Date.now();
    const repository = this.#repository;
    const [devices, open, pending, executed, decisionsActive] = await Promise.all([
      repository.deviceCounts(
        new Date(now - this.#thresholds.staleS * 1000),
        new Date(now - this.#thresholds.offlineS * 1000),
      ),
      repository.openFindings(),
      repository.pendingActions(),
      repository.executedActionsSince(new Date(now - DAY_MS)),
      repository.activeDecisions(),
    ]);
    return {
      devices: {
        total: devices.total,
        online: devices.online,
        stale: devices.seen - devices.online,
        offline: devices.total - devices.seen,
      },
      findings: {
        open: open.reduce((sum, row) => sum + Number(row.n), 0),
        by_severity: countsBy(open, 'severity'),
        by_domain: countsBy(open, 'domain'),
      },
      ingest: {
        rate_1m: this.rates.rate(MINUTE_MS),
        rate_5m: this.rates.rate(5 * MINUTE_MS),
        drops_1m: this.rates.drops(MINUTE_MS),
      },
      actions: { pending, executed_24h: executed },
      decisions_active: decisionsActive,
    };
  }

  /** The newest `limit` events over findings, actions, decisions, registrations and rule changes. */
  async recentActivity(limit: number): Promise<ActivityItem[]> {
    const repository = this.#repository;
    const [found, acted, decided, registered, changed] = await Promise.all([
      repository.recentFindings(limit),
      repository.recentActions(limit),
      repository.recentDecisions(limit),
      repository.recentRegistrations(limit),
      repository.recentRuleChanges(limit),
    ]);
    return presentActivity(
      [
        ['finding', found],
        ['action', acted],
        ['decision', decided],
        ['device', registered],
        ['rule', changed],
      ],
      limit,
    );
  }
}
