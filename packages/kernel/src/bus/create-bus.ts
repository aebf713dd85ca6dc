/**
 * Chooses the bus implementation (spec 00-platform "Background work"): NATS when `NATS_URL` is set, otherwise the
 * in-process bus, which only works when every producer and consumer lives in the same process (`ROLE=all`).
 */
import type { BusLogger, EventBus } from './bus.ts';
import { InProcessBus } from './in-process-bus.ts';
import { connectNatsBus } from './nats-bus.ts';

export interface CreateBusOptions {
  /** Usually `process.env.NATS_URL`; empty or absent selects the in-process bus. */
  natsUrl?: string;
  logger?: BusLogger;
  /** Connection name reported to the NATS server (e.g. `<app>-<role>-<hostname>`). */
  name?: string;
  dedupWindow?: number;
}

export async function createBus(options: CreateBusOptions = {}): Promise<EventBus> {
  const natsUrl = options.natsUrl?.trim();
  if (natsUrl) {
    return connectNatsBus({
      url: natsUrl,
      name: options.name,
      logger: options.logger,
      dedupWindow: options.dedupWindow,
    });
  }
  return new InProcessBus({ logger: options.logger, dedupWindow: options.dedupWindow });
}
