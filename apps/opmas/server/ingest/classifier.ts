/**
 * Event classification into agent domains (spec 02 "Classification"): the first matching row wins; the table is data
 * (editable and versioned by the API), and every event is stamped with the version that classified it.
 */
import { FACILITY_NAMES } from './pri.ts';

export const DOMAINS = ['wifi', 'security', 'health', 'connectivity', 'dhcp', 'system', 'generic'] as const;
export type Domain = (typeof DOMAINS)[number];

/** All given parts must hold; `msg` is a JavaScript RegExp source tested against the message. */
export interface ClassificationCondition {
  app?: string[];
  msg?: string;
  facility?: string[];
}

/** A row matches when any of its conditions holds. */
export interface ClassificationRow {
  domain: Domain;
  any: ClassificationCondition[];
}

export interface ClassificationTable {
  version: number;
  rows: ClassificationRow[];
}

/** The fields classification reads; a subset of the parsed event. */
export interface ClassifiableEvent {
  ok: boolean;
  app: string;
  msg: string;
  facility: number;
}

const KERNEL = ['kernel'];

/** Rows 1-10 of the spec table; row 11 (telemetry) is `classifyMetric`, row 12 is the fallback. */
export const DEFAULT_CLASSIFICATION: ClassificationTable = {
  version: 1,
  rows: [
    { domain: 'wifi', any: [{ app: ['hostapd', 'wpa_supplicant'] }] },
    { domain: 'security', any: [{ app: KERNEL, msg: '\\bSRC=\\S+ DST=' }] },
    {
      domain: 'health',
      any: [
        {
          app: KERNEL,
          msg: 'invoked oom-killer|Out of memory|\\[ cut here \\]|Kernel panic|Call Trace|jffs2|ubifs|squashfs|segfault',
        },
      ],
    },
    {
      domain: 'wifi',
      any: [{ app: KERNEL, msg: '\\b(?:phy\\d+|wlan\\d+|mt76\\w*|ath\\d+k|brcmfmac|cfg80211|mac80211|ieee80211)\\b' }],
    },
    {
      domain: 'connectivity',
      any: [
        {
          app: KERNEL,
          msg: 'link (?:up|down)|NIC Link is|Link is (?:Up|Down)|entered (?:disabled|blocking|forwarding) state',
        },
      ],
    },
    {
      domain: 'security',
      any: [
        { app: ['dropbear', 'sshd', 'uhttpd', 'login', 'passwd'] },
        { app: [''], msg: '^luci: ' },
        { facility: ['auth', 'authpriv'] },
      ],
    },
    { domain: 'connectivity', any: [{ app: ['netifd', 'odhcp6c', 'odhcpd', 'pppd', 'dnsmasq', 'mwan3', 'udhcpc'] }] },
    { domain: 'dhcp', any: [{ app: ['dnsmasq-dhcp'] }] },
    { domain: 'health', any: [{ app: ['crond', 'procd', 'ntpd', 'sysntpd'] }] },
    {
      domain: 'system',
      any: [{ app: ['kernel', 'firewall', 'fw3', 'fw4', 'ubusd', 'logd', 'rpcd', 'urandom_seed', 'init'] }],
    },
  ],
};

interface CompiledCondition {
  apps?: ReadonlySet<string>;
  msg?: RegExp;
  facilities?: ReadonlySet<number>;
}

export interface Classification {
  domain: Domain;
  classifier_version: number;
}

export interface Classifier {
  readonly version: number;
  classify(event: ClassifiableEvent): Classification;
}

/** Compiles a table; throws SyntaxError on an invalid regex or RangeError on an unknown facility (caller validates). */
export function compileClassification(table: ClassificationTable): Classifier {
  const rows = table.rows.map((row) => ({
    domain: row.domain,
    any: row.any.map((condition): CompiledCondition => {
      const facilities = condition.facility?.map((name) => {
        const code = FACILITY_NAMES.indexOf(name);
        if (code < 0) throw new RangeError(`unknown facility ${name}`);
        return code;
      });
      return {
        apps: condition.app ? new Set(condition.app) : undefined,
        msg: condition.msg === undefined ? undefined : new RegExp(condition.msg),
        facilities: facilities ? new Set(facilities) : undefined,
      };
    }),
  }));
  const holds = (c: CompiledCondition, event: ClassifiableEvent): boolean =>
    (!c.apps || c.apps.has(event.app)) &&
    (!c.facilities || c.facilities.has(event.facility)) &&
    (!c.msg || c.msg.test(event.msg));
  return {
    version: table.version,
    classify(event) {
      if (event.ok) {
        for (const row of rows) {
          if (row.any.some((condition) => holds(condition, event))) {
            return { domain: row.domain, classifier_version: table.version };
          }
        }
      }
      return { domain: 'generic', classifier_version: table.version };
    },
  };
}

/** Row 11: pushed telemetry samples go to wifi for `wifi_*` metrics, else to health. */
export function classifyMetric(metric: string): Domain {
  return metric.startsWith('wifi_') ? 'wifi' : 'health';
}
