import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { DEFAULT_PACK_PATH, loadDefaultPack } from './default-pack.ts';
import { defaultPackRules, fixtureEvents } from './fixture-events.ts';
import { checkRuleRegexes } from './redos-check.ts';
import { compileRule, matchRule } from './rule-compiler.ts';
import { type RuleDocument, RuleError } from './rule-document.ts';
import { parseRulePack } from './rule-pack.ts';

// Real lines of openwrt-logread.txt each log rule targets (substrings, in file order); every other line must not match.
const TARGETS: Record<string, string[]> = {
  'wifi.psk_mismatch': Array(4).fill('AP-STA-POSSIBLE-PSK-MISMATCH'),
  'wifi.deauth_flood': [
    'deauthenticated due to local deauth',
    'IEEE 802.11: disassociated',
    'deauthenticated due to inactivity',
  ],
  'wifi.dfs_radar': ['DFS-RADAR-DETECTED freq=5500'],
  'wifi.radio_down': ['interface state ENABLED->DISABLED', 'wlan0: AP-DISABLED', 'DFS start_dfs_cac() failed'],
  'security.ssh_bruteforce': [
    'Login attempt for nonexistent user',
    'Exit before auth from <177.155.248.68:33402>',
    'Child connection from 213.6.130.133',
    'Bad password attempt for',
    "Exit before auth from <213.6.130.133:38224>: (user 'root', 1 fails)",
    'Login attempt for nonexistent user from 193.201.224.208',
    'Bad password attempt for',
    'Child connection from 14.17.121.130',
    "Exit before auth (user 'root', 1 fails)",
  ],
  'security.luci_bruteforce': ['luci: failed login on / for root from 192.168.0.205'],
  'security.port_scan': [],
  'health.oom': ['hostapd invoked oom-killer'],
  'health.kernel_warn': ['[ cut here ]'],
  'health.clock_jump': ['time disparity of 14343 minutes'],
  'conn.iface_flap': [
    "Network device 'eth1' link is down",
    "Network device 'eth0' link is down",
    "Interface 'wan' is now down",
    "Network device 'eth0' link is up",
    "Interface 'wan1' is now down",
  ],
  'conn.dns_upstream_lost': ['no servers found in /tmp/resolv.conf.auto'],
  'conn.dhcpv6_not_on_link': ['DHCPV6 CONFIRM IA_NA'],
  'dhcp.lease': ['DHCPACK(br-lan) 192.168.17.151'],
};

test('the default pack loads: 16 rules, every pattern compiles (acceptance 8)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const { pack, rules } = parseRulePack(readFileSync(join(dir, 'default-rules.yaml'), 'utf8'));
  assert.equal(pack.pack, 'openwrt-default');
  assert.equal(rules.length, 16);
  assert.deepEqual(
    rules.filter((r) => r.type === 'metric').map((r) => r.id),
    ['wifi.low_signal', 'health.load_high'],
  );
  const ssh = rules.find((r) => r.id === 'security.ssh_bruteforce');
  assert.deepEqual(ssh?.session, { fields: ['ip', 'port'], ttlMs: 600_000, pendingMs: 60_000 });
  assert.deepEqual(
    ssh?.patterns.map((p) => p.role),
    ['count', 'count', 'reconcile', 'enrich', 'enrich'],
  );
});

test('every log rule matches exactly the real lines it targets (acceptance 8)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const rules = defaultPackRules(dir);
  const events = fixtureEvents(dir, 'openwrt-logread.txt');
  for (const rule of rules.filter((r) => r.type !== 'metric')) {
    const expected = TARGETS[rule.id];
    assert.ok(expected, `no expectation for ${rule.id}`);
    const matched = events.filter((event) => matchRule(rule, event)).map((event) => event.msg);
    assert.equal(matched.length, expected.length, `${rule.id}: ${matched.join(' | ')}`);
    for (const [i, msg] of matched.entries()) assert.ok(msg.includes(expected[i]), `${rule.id}: ${msg}`);
  }
  const portScan = rules.find((r) => r.id === 'security.port_scan');
  assert.ok(portScan);
  const firewall = fixtureEvents(dir, 'synthetic-firewall.txt');
  const scanMatches = firewall.filter((event) => matchRule(portScan, event)?.kind === 'match');
  assert.equal(scanMatches.length, 55); // the 5 UDP probes are not TCP
  for (const rule of rules.filter((r) => r.id !== 'security.port_scan')) {
    assert.equal(firewall.filter((event) => matchRule(rule, event)).length, 0, rule.id);
  }
});

test('captures are validated: redacted MACs and "?" addresses are invalid keys; IPv6 keeps its last colon as port', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const rules = defaultPackRules(dir);
  const rule = (id: string) => rules.find((r) => r.id === id) ?? assert.fail(id);
  const event = (app: string, msg: string) => ({ app, msg, facility: 3, severity: 5 });
  assert.deepEqual(
    matchRule(rule('wifi.psk_mismatch'), event('hostapd', 'phy0-ap0: AP-STA-POSSIBLE-PSK-MISMATCH :34:ac:bc')),
    { kind: 'invalid', field: 'mac', pattern: 0, fields: { iface: 'phy0-ap0', mac: ':34:ac:bc' } },
  );
  assert.deepEqual(
    matchRule(rule('wifi.psk_mismatch'), event('hostapd', 'phy0-ap0: AP-STA-POSSIBLE-PSK-MISMATCH 74-38-B7-12-34-56')),
    { kind: 'match', role: 'count', pattern: 0, fields: { iface: 'phy0-ap0', mac: '74:38:b7:12:34:56' } },
  );
  const luci = rule('security.luci_bruteforce');
  const refused = matchRule(luci, event('uhttpd', 'luci: failed login on / for root from ?'));
  assert.deepEqual(refused?.kind === 'invalid' && refused.field, 'ip');
  assert.equal(matchRule(luci, event('uhttpd', 'luci: failed login on / for root from 192.168.0.2'))?.kind, 'match');
  const ssh = matchRule(
    rule('security.ssh_bruteforce'),
    event('dropbear', "Bad password attempt for 'root' from 2001:db8::1:51234"),
  );
  assert.equal(ssh?.kind, 'match');
  assert.deepEqual(ssh?.kind === 'match' && [ssh.fields.ip, ssh.fields.port], ['2001:db8::1', '51234']);
});

test('saving refuses bad regexes, unknown fields and bad documents (acceptance 16, compile part)', () => {
  const base: RuleDocument = {
    id: 'conn.iface_flap',
    domain: 'connectivity',
    type: 'threshold',
    description: 'x',
    match: { program: ['netifd'], patterns: [{ regex: "^Interface '(?<iface>[^']+)' is now (?<state>up|down)$" }] },
    groupby: ['iface'],
    threshold: { count: 5, window: '300s' },
    cooldown: '600s',
  };
  assert.equal(compileRule(base).threshold?.windowMs, 300_000);
  const code = (doc: RuleDocument) => {
    try {
      compileRule(doc);
      return 'ok';
    } catch (error) {
      assert.ok(error instanceof RuleError);
      return error.code;
    }
  };
  assert.equal(code({ ...base, match: { patterns: [{ regex: '(?<iface' }] } }), 'rule_regex_invalid');
  assert.equal(code({ ...base, groupby: ['nope'] }), 'rule_unknown_field');
  assert.equal(code({ ...base, groupby: ['$host'] }), 'ok');
  assert.equal(code({ ...base, distinct: 'nope' }), 'rule_unknown_field');
  assert.equal(code({ ...base, id: 'NoDots' }), 'rule_invalid');
  assert.equal(code({ ...base, threshold: { count: 5, window: '5 minutes' } }), 'rule_invalid');
  assert.equal(code({ ...base, match: { patterns: [{ regex: 'x', flags: 'g' }] } }), 'rule_invalid');
  assert.equal(code({ ...base, type: 'leaky' }), 'rule_invalid');
  assert.throws(
    () =>
      parseRulePack(
        'pack: p\nrules: [{id: a.b, type: trigger, match: {patterns: [{regex: x}]}}, {id: a.b, type: trigger, match: {patterns: [{regex: x}]}}]',
      ),
    /duplicate/,
  );
});

test('the app ships the normative default pack byte for byte, and it compiles', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  assert.equal(readFileSync(DEFAULT_PACK_PATH, 'utf8'), readFileSync(join(dir, 'default-rules.yaml'), 'utf8'));
  const { pack, rules } = loadDefaultPack();
  assert.equal(pack.pack, 'openwrt-default');
  assert.equal(rules.length, 16);
});

test('every regex of the default pack passes the ReDoS check (acceptance 8)', async () => {
  const { pack } = loadDefaultPack();
  for (const doc of pack.rules) {
    const warnings = await checkRuleRegexes(doc);
    assert.ok(
      warnings.every((warning) => warning.code === 'regex_polynomial'),
      `${doc.id}: ${JSON.stringify(warnings)}`,
    );
  }
  await assert.rejects(
    checkRuleRegexes({ ...pack.rules[0], match: { patterns: [{ regex: '^(a+)+$' }] } }),
    (error: unknown) => error instanceof RuleError && error.code === 'rule_regex_unsafe',
  );
});
