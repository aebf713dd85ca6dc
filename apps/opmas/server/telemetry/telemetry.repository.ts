import type { Orm } from '@platform/kernel/db/database.ts';
import { eq } from 'drizzle-orm';
import { devices } from '../opmas.schema.ts';

/** The device a telemetry push names (devices are a shared fleet: no owner scope). */
export class TelemetryRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async deviceBySlug(slug: string): Promise<{ id: string; slug: string; enabled: boolean } | undefined> {
    const [row] = await this.#orm
      .select({ id: devices.id, slug: devices.slug, enabled: devices.enabled })
      .from(devices)
      .where(eq(devices.slug, slug));
    return row;
  }
}
