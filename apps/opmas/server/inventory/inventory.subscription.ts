/**
 * Client inventory from facts (spec 02-opmas "Architecture": `opmas.facts.*` → queue `opmas-facts` → inventory): a
 * DHCP acknowledgement upserts mac → ip → hostname for its device.
 */
import type { AppSubscription } from '@platform/kernel/apps/define-app.ts';
import type { BusMessage } from '@platform/kernel/bus/bus.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FactEvent } from '../rules/rule-engine.ts';
import { InventoryRepository } from './inventory.repository.ts';

export const factsSubscription: AppSubscription = {
  subject: 'opmas.facts.>',
  queue: 'opmas-facts',
  handler: async (message: BusMessage<FactEvent & { device_id: string | null }>, kernel: Kernel) => {
    const fact = message.data;
    if (fact.kind !== 'client_lease' || !fact.device_id || !fact.key) return;
    await new InventoryRepository(kernel.db.orm).upsertLease({
      deviceId: fact.device_id,
      mac: fact.key.toLowerCase(),
      ip: fact.fields.ip,
      hostname: fact.fields.host,
      iface: fact.fields.iface,
      at: new Date(fact.ts),
    });
  },
};
