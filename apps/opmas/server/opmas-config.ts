/**
 * The OPMAS settings this part of the app reads (spec 02-opmas "Configuration"), from the kernel's raw environment.
 * Invalid values fail the start with the variable's name rather than being silently replaced by defaults.
 */

/** A listener port: `off`, or a number (`0` = ephemeral, for tests); `auto` tries 514 and falls back to 5514. */
export type PortSetting = 'off' | 'auto' | number;

export interface IngestConfig {
  host: string;
  udpPort: PortSetting;
  tcpPort: PortSetting;
  tlsPort: PortSetting;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  udpRcvbufBytes: number;
  maxMessageBytes: number;
  tcpMaxFrameBytes: number;
  tcpIdleTimeoutMs: number;
  tcpMaxConnections: number;
  ingestWorker: boolean;
  queueMax: number;
  batchMaxEvents: number;
  batchLingerMs: number;
  httpBatchMaxLines: number;
  httpBatchMaxBytes: number;
  defaultTimezone: string;
  defaultHostnames: ReadonlySet<string>;
  autoRegister: boolean;
  maxDevices: number;
  autoRegisterPerMin: number;
}

type Env = Record<string, string | undefined>;

const integer = (env: Env, name: string, fallback: number, min = 0): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
};

const flag = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got ${raw}`);
};

const port = (env: Env, name: string, fallback: PortSetting): PortSetting => {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'off' || raw === 'auto') return raw;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name}: off, auto or 0-65535`);
  return value;
};

const DEFAULT_HOSTNAMES = 'OpenWrt,LEDE,localhost,(none)';

/** Reads the ingest and device settings with the spec's defaults. */
export function loadIngestConfig(env: Env): IngestConfig {
  return {
    host: env.OPMAS_SYSLOG_HOST?.trim() || '0.0.0.0',
    udpPort: port(env, 'OPMAS_SYSLOG_UDP_PORT', 'auto'),
    tcpPort: port(env, 'OPMAS_SYSLOG_TCP_PORT', 'auto'),
    tlsPort: port(env, 'OPMAS_SYSLOG_TLS_PORT', 'off'),
    tlsCert: env.OPMAS_SYSLOG_TLS_CERT || undefined,
    tlsKey: env.OPMAS_SYSLOG_TLS_KEY || undefined,
    tlsCa: env.OPMAS_SYSLOG_TLS_CA || undefined,
    udpRcvbufBytes: integer(env, 'OPMAS_UDP_RCVBUF_BYTES', 4_194_304, 1),
    maxMessageBytes: integer(env, 'OPMAS_MAX_MESSAGE_BYTES', 8192, 64),
    tcpMaxFrameBytes: integer(env, 'OPMAS_TCP_MAX_FRAME_BYTES', 65_536, 64),
    tcpIdleTimeoutMs: integer(env, 'OPMAS_TCP_IDLE_TIMEOUT_S', 300, 1) * 1000,
    tcpMaxConnections: integer(env, 'OPMAS_TCP_MAX_CONNECTIONS', 1000, 1),
    ingestWorker: flag(env, 'OPMAS_INGEST_WORKER', true),
    queueMax: integer(env, 'OPMAS_INGEST_QUEUE_MAX', 100_000, 10),
    batchMaxEvents: integer(env, 'OPMAS_BATCH_MAX_EVENTS', 100, 1),
    batchLingerMs: integer(env, 'OPMAS_BATCH_LINGER_MS', 20, 0),
    httpBatchMaxLines: integer(env, 'OPMAS_HTTP_BATCH_MAX_LINES', 5000, 1),
    httpBatchMaxBytes: integer(env, 'OPMAS_HTTP_BATCH_MAX_BYTES', 5 * 1024 * 1024, 1024),
    defaultTimezone: env.OPMAS_DEFAULT_TZ?.trim() || 'UTC',
    defaultHostnames: new Set(
      (env.OPMAS_DEFAULT_HOSTNAMES ?? DEFAULT_HOSTNAMES)
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
    autoRegister: flag(env, 'OPMAS_AUTO_REGISTER', true),
    maxDevices: integer(env, 'OPMAS_MAX_DEVICES', 10_000, 1),
    autoRegisterPerMin: integer(env, 'OPMAS_AUTO_REGISTER_PER_MIN', 100, 1),
  };
}

export interface AgentConfig {
  partitions: number;
  checkpointMs: number;
  ruleMaxKeys: number;
  matchMaxChars: number;
  evidenceMax: number;
  /** A node's partition lease lasts this long without renewal (spec: 15 s). */
  leaseTtlMs: number;
  /** How often a node renews its leases and rebalances (spec: 5 s). */
  leaseRenewMs: number;
  /** Journal batches between ingest and agents in embedded mode, so a killed process loses no accepted message. */
  journal: boolean;
  /** Size at which the journal starts a new segment file. */
  journalSegmentBytes: number;
}

/** Reads the agent and rule-state settings (spec "Configuration": partitions, checkpoints, rule limits). */
export function loadAgentConfig(env: Env): AgentConfig {
  return {
    partitions: integer(env, 'OPMAS_PARTITIONS', 16, 1),
    checkpointMs: integer(env, 'OPMAS_STATE_CHECKPOINT_MS', 1000, 10),
    ruleMaxKeys: integer(env, 'OPMAS_RULE_MAX_KEYS', 10_000, 1),
    matchMaxChars: integer(env, 'OPMAS_RULE_MATCH_MAX_CHARS', 4096, 16),
    evidenceMax: integer(env, 'OPMAS_EVIDENCE_MAX', 20, 1),
    leaseTtlMs: integer(env, 'OPMAS_LEASE_TTL_MS', 15_000, 100),
    leaseRenewMs: integer(env, 'OPMAS_LEASE_RENEW_MS', 5000, 50),
    journal: flag(env, 'OPMAS_JOURNAL', true),
    journalSegmentBytes: integer(env, 'OPMAS_JOURNAL_SEGMENT_BYTES', 64 * 1024 * 1024, 1024),
  };
}

export interface OrchestratorConfig {
  mode: 'observe' | 'dry_run' | 'execute';
  execConcurrency: number;
  execTimeoutS: number;
  execRetries: number;
  outputMaxBytes: number;
  sshConnectTimeoutMs: number;
  sshTrustOnFirstUse: boolean;
  protectedCidrs: string[];
  decisionMaxDurationS: number;
  /** Age after which JetStream drops finding events (`OPMAS_JS_FINDINGS_MAX_AGE`). */
  findingsMaxAgeS: number;
  /** A finding event the orchestrator took but did not acknowledge comes back after this long. */
  findingsAckWaitMs: number;
}

const MODES = ['observe', 'dry_run', 'execute'] as const;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A `<int>(s|m|h|d)` setting in seconds. */
function durationSeconds(env: Env, name: string, fallback: string): number {
  const raw = env[name]?.trim() || fallback;
  const match = /^(\d+)(s|m|h|d)$/.exec(raw);
  if (!match) throw new Error(`${name} must be <int>(s|m|h|d), got ${raw}`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** Reads the orchestrator and executor settings (spec "Configuration"). */
export function loadOrchestratorConfig(env: Env): OrchestratorConfig {
  const mode = (env.OPMAS_ORCHESTRATOR_MODE?.trim() || 'dry_run') as OrchestratorConfig['mode'];
  if (!MODES.includes(mode))
    throw new Error(`OPMAS_ORCHESTRATOR_MODE must be observe, dry_run or execute, got ${mode}`);
  return {
    mode,
    execConcurrency: integer(env, 'OPMAS_EXEC_CONCURRENCY', 10, 1),
    execTimeoutS: integer(env, 'OPMAS_EXEC_TIMEOUT_S', 30, 1),
    execRetries: integer(env, 'OPMAS_EXEC_RETRIES', 3, 0),
    outputMaxBytes: integer(env, 'OPMAS_EXEC_OUTPUT_MAX_BYTES', 65_536, 1024),
    sshConnectTimeoutMs: integer(env, 'OPMAS_SSH_CONNECT_TIMEOUT_S', 10, 1) * 1000,
    sshTrustOnFirstUse: flag(env, 'OPMAS_SSH_TOFU', false),
    protectedCidrs: (env.OPMAS_PROTECTED_CIDRS ?? '')
      .split(',')
      .map((cidr) => cidr.trim())
      .filter(Boolean),
    decisionMaxDurationS: durationSeconds(env, 'OPMAS_DECISION_MAX_DURATION', '7d'),
    findingsMaxAgeS: durationSeconds(env, 'OPMAS_JS_FINDINGS_MAX_AGE', '7d'),
    findingsAckWaitMs: integer(env, 'OPMAS_JS_ACK_WAIT_MS', 30_000, 100),
  };
}
