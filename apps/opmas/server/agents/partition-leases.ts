/**
 * Partition leases of the window stage (spec 02-opmas "Rule evaluation": with several worker nodes, partitions are
 * leased in `agent_leases` (TTL 15 s, renew 5 s, balanced by live nodes)). Every renewal a node heartbeats, computes
 * its share from the live nodes (partition p goes to the (p mod n)-th live node by id, so every node computes the
 * same split), gives up what is no longer its share (checkpoint first) and takes what is free or expired (load
 * first). Times are the database's, so nodes with skewed clocks still agree on expiry.
 */
import { hostname } from 'node:os';
import type { Database } from '@platform/kernel/db/database.ts';
import type { Logger } from '@platform/kernel/logging/logger.ts';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { agentLeases, agentNodes } from './agent.tables.ts';

/** One engine evaluates every rule on a node (see AgentHost), so partitions are leased under one domain name. */
export const LEASE_DOMAIN = 'all';
/** While a wanted partition is still held by its previous owner, try again this often. */
const WAITING_RETRY_MS = 250;

export interface LeaseHooks {
  /** Loads the partitions' state and starts evaluating them; the lease is held already. */
  acquired(partitions: number[]): Promise<void>;
  /** Stops evaluating the partitions, checkpoints and forgets their state; the lease is freed afterwards. */
  released(partitions: number[]): Promise<void>;
}

export interface LeaseOptions {
  partitions: number;
  ttlMs: number;
  renewMs: number;
  nodeId: string;
  version: string;
}

export class PartitionLeases {
  readonly nodeId: string;
  readonly #db: Database;
  readonly #options: LeaseOptions;
  readonly #hooks: LeaseHooks;
  readonly #logger: Logger;
  readonly #held = new Set<number>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(db: Database, options: LeaseOptions, hooks: LeaseHooks, logger: Logger) {
    this.#db = db;
    this.#options = options;
    this.#hooks = hooks;
    this.#logger = logger;
    this.nodeId = options.nodeId;
  }

  /** The partitions whose lease this node holds. */
  held(): number[] {
    return [...this.#held].sort((a, b) => a - b);
  }

  /** Registers the node and takes its first share before returning (a lone node then owns every partition). */
  async start(): Promise<void> {
    await this.#db.orm
      .insert(agentNodes)
      .values({
        nodeId: this.nodeId,
        host: hostname(),
        pid: process.pid,
        version: this.#options.version,
        startedAt: new Date(),
        lastHeartbeat: sql`now()` as unknown as Date,
      })
      .onConflictDoUpdate({ target: agentNodes.nodeId, set: { lastHeartbeat: sql`now()` } });
    await this.#schedule(0);
  }

  /** Stops renewing, checkpoints and frees every partition, and leaves the node list so others rebalance at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    const partitions = this.held();
    if (partitions.length > 0) await this.#hooks.released(partitions);
    this.#held.clear();
    await this.#free(partitions);
    await this.#db.orm.delete(agentNodes).where(eq(agentNodes.nodeId, this.nodeId));
  }

  #schedule(delayMs: number): Promise<void> {
    const run = () => {
      this.#running = this.#tick()
        .catch((error: unknown) => {
          this.#logger.warn({ err: error }, 'opmas lease renewal failed');
          return false;
        })
        .then((waiting) => {
          if (this.#stopped) return;
          this.#timer = setTimeout(() => void this.#schedule(0), waiting ? WAITING_RETRY_MS : this.#options.renewMs);
          this.#timer.unref();
        });
      return this.#running;
    };
    if (delayMs === 0) return run();
    this.#timer = setTimeout(run, delayMs);
    return Promise.resolve();
  }

  /** One renewal; true when part of this node's share is still held by another node. */
  async #tick(): Promise<boolean> {
    const { partitions, ttlMs } = this.#options;
    const orm = this.#db.orm;
    await orm.update(agentNodes).set({ lastHeartbeat: sql`now()` }).where(eq(agentNodes.nodeId, this.nodeId));
    const live = await orm
      .select({ nodeId: agentNodes.nodeId })
      .from(agentNodes)
      .where(gt(agentNodes.lastHeartbeat, sql`now() - ${ttlMs} * interval '1 millisecond'`))
      .orderBy(agentNodes.nodeId);
    const nodes = live.map((row) => row.nodeId);
    if (!nodes.includes(this.nodeId)) nodes.push(this.nodeId);
    nodes.sort();
    const share = new Set<number>();
    for (let partition = 0; partition < partitions; partition++) {
      if (nodes[partition % nodes.length] === this.nodeId) share.add(partition);
    }

    const leaving = this.held().filter((partition) => !share.has(partition));
    if (leaving.length > 0) {
      await this.#hooks.released(leaving);
      for (const partition of leaving) this.#held.delete(partition);
      await this.#free(leaving);
    }

    const wanted = [...share];
    if (wanted.length === 0) return false;
    const held = await orm
      .insert(agentLeases)
      .values(
        wanted.map((partition) => ({
          domain: LEASE_DOMAIN,
          partition,
          nodeId: this.nodeId,
          leaseUntil: sql`now() + ${ttlMs} * interval '1 millisecond'` as unknown as Date,
        })),
      )
      .onConflictDoUpdate({
        target: [agentLeases.domain, agentLeases.partition],
        set: {
          nodeId: this.nodeId,
          epoch: sql`case when ${agentLeases.nodeId} = ${this.nodeId} then ${agentLeases.epoch} else ${agentLeases.epoch} + 1 end`,
          leaseUntil: sql`excluded.lease_until`,
        },
        // Renew our own lease, or take one its holder let lapse; never steal a live lease.
        setWhere: sql`${agentLeases.nodeId} = ${this.nodeId} or ${agentLeases.leaseUntil} < now()`,
      })
      .returning({ partition: agentLeases.partition });
    const got = new Set(held.map((row) => row.partition));
    for (const partition of this.held()) {
      if (got.has(partition)) continue;
      // Someone took it while our lease had lapsed (a long pause): stop evaluating it; their state wins.
      this.#held.delete(partition);
      await this.#hooks.released([partition]);
      this.#logger.warn({ partition, node: this.nodeId }, 'opmas partition lease lost');
    }
    const gained = [...got].filter((partition) => !this.#held.has(partition));
    if (gained.length > 0) {
      for (const partition of gained) this.#held.add(partition);
      await this.#hooks.acquired(gained);
    }
    return got.size < share.size;
  }

  async #free(partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    await this.#db.orm
      .update(agentLeases)
      .set({ leaseUntil: new Date(0) })
      .where(
        and(
          eq(agentLeases.domain, LEASE_DOMAIN),
          eq(agentLeases.nodeId, this.nodeId),
          inArray(agentLeases.partition, partitions),
        ),
      );
  }
}
