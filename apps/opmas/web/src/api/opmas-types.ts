// Response shapes of the OPMAS routes the pages read (server schemas under apps/opmas/server/**/*.schema.ts).

export type FindingStatus = 'new' | 'investigating' | 'resolved' | 'false_positive' | 'closed';
export type FindingSeverity = 'info' | 'warning' | 'high' | 'critical';

export interface EvidenceLine {
  /** Event time, ms UTC. */
  ts: number;
  raw: string;
}

export interface FindingView {
  id: string;
  rule_id: string;
  domain: string;
  severity: FindingSeverity;
  status: FindingStatus;
  title: string;
  device: string;
  device_id: string | null;
  group_key: string;
  fields: Record<string, string>;
  event_count: number;
  occurrences: number;
  first_seen: string;
  last_seen: string;
  evidence: EvidenceLine[];
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface RuleView {
  id: string;
  version: number;
  domain: string;
  type: string;
  enabled: boolean;
  source: string;
  stats: { matches: number; trigger_count: number; last_triggered: string | null };
}

export interface TestbenchRequest {
  lines: string[];
  reference_time?: string;
}

export interface TestbenchEvent {
  line: string;
  parse: { ok: boolean; errors: string[]; format: string; ts: string; host: string | null; app: string; msg: string };
  domain: string;
  matches: { rule_id: string; pattern: number; role: string; fields: Record<string, string>; valid: boolean }[];
}

export interface TestbenchResult {
  events: TestbenchEvent[];
  findings: { rule_id: string; group_key: string; event_count: number; first_seen: string; last_seen: string }[];
  invalid_keys: Record<string, number>;
}

export type ExecutionMode = 'observe' | 'dry_run' | 'execute';

export interface DeviceView {
  id: string;
  slug: string;
  hostname: string | null;
  ip_address: string | null;
  last_source_ip: string | null;
  timezone: string | null;
  tags: string[];
  format: string;
  max_mode: ExecutionMode;
  status: string;
  first_seen: string | null;
  last_seen: string | null;
  msg_count: number;
}

export interface DeviceSettings {
  timezone?: string;
  tags: string[];
  max_mode: ExecutionMode;
}

export interface ActionView {
  id: string;
  device: string | null;
  template_id: string;
  rendered_command: string | null;
  mode: ExecutionMode;
  status: string;
  reason: string | null;
  created_at: string;
}
