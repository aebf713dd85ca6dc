import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { classifyMetric, compileClassification, DEFAULT_CLASSIFICATION, type Domain } from './classifier.ts';
import { readFixtureLines } from './fixture-lines.ts';
import { parseSyslog } from './syslog-parser.ts';
import { logreadToWire } from './wire-format.ts';

const classifier = compileClassification(DEFAULT_CLASSIFICATION);
const classify = (line: string) => classifier.classify(parseSyslog(logreadToWire(line), { receivedAt: Date.now() }));

const c: Domain = 'connectivity';
const w: Domain = 'wifi';
const s: Domain = 'security';
const h: Domain = 'health';
// Expected domain of each data line of openwrt-logread.txt, in file order, group by group.
const EXPECTED: Domain[] = [
  ...[c, c, c, c, c, c, w, w, w, w], // link-loss: netifd, kernel "eth1: link down", dnsmasq, hostapd
  ...[c, c, c, c, c, c, c], // nic-flap: netifd, kernel NIC Link / bridge port state, odhcpd
  ...[c, c, c], // wan-dhcp
  ...[w, w, w, w, w, w, w, w, w], // hostapd-assoc
  ...[w, w, w, w, w, w], // psk-mismatch
  ...['dhcp', 'dhcp', 'dhcp', 'dhcp', w, w], // dnsmasq-dhcp, hostapd
  ...[w, w, w, h, w, w], // dfs: the kernel "[ cut here ]" WARN is health
  ...[s, s, s, s, s, s, s, s, s, s], // dropbear
  ...[s, h, s, s], // luci (empty tag), crond, dropbear, luci
  ...[s, h, 'system'], // dropbear, kernel OOM, kernel CPU line
  ...['system', 'generic'], // firewall reload; fragment without PRI or tag
  w, // wpa_supplicant wire sample
] as Domain[];

test('every real OpenWrt line gets its domain from the first matching row', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'openwrt-logread.txt'));
  assert.equal(lines.length, EXPECTED.length);
  lines.forEach((line, i) => {
    assert.deepEqual(classify(line), { domain: EXPECTED[i], classifier_version: 1 }, line);
  });
});

test('firewall drop lines (kernel SRC= DST=) are security', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'synthetic-firewall.txt'));
  assert.equal(lines.length, 60);
  for (const line of lines) assert.equal(classify(line).domain, 'security', line);
});

test('auth facilities, uhttpd luci form, wifi kernel drivers, failed parses and telemetry', () => {
  const event = (app: string, msg: string, facility = 3, ok = true) => classifier.classify({ ok, app, msg, facility });
  assert.equal(event('su', 'x', 10).domain, 'security');
  assert.equal(event('su', 'x', 4).domain, 'security');
  assert.equal(event('uhttpd', 'luci: failed login on / for root from 192.168.0.2').domain, 'security');
  assert.equal(event('', 'other: x', 1).domain, 'generic');
  assert.equal(event('kernel', 'mt7915e 0000:01:00.0: Message timeout').domain, 'system');
  assert.equal(event('kernel', 'mt76x02: x').domain, 'wifi');
  assert.equal(event('kernel', 'ath10k_pci 0000:00:00.0: firmware crashed').domain, 'system');
  assert.equal(event('kernel', 'ath10k: firmware crashed').domain, 'wifi');
  assert.equal(event('hostapd', 'x', 3, false).domain, 'generic');
  assert.equal(classifyMetric('wifi_station_signal_dbm'), 'wifi');
  assert.equal(classifyMetric('node_load1'), 'health');
});

test('a replaced table is versioned and invalid tables are refused', () => {
  const custom = compileClassification({ version: 7, rows: [{ domain: 'system', any: [{ msg: '^boot' }] }] });
  assert.deepEqual(custom.classify({ ok: true, app: 'x', msg: 'boot done', facility: 1 }), {
    domain: 'system',
    classifier_version: 7,
  });
  assert.throws(
    () => compileClassification({ version: 2, rows: [{ domain: 'system', any: [{ msg: '(' }] }] }),
    SyntaxError,
  );
  assert.throws(
    () => compileClassification({ version: 2, rows: [{ domain: 'system', any: [{ facility: ['nope'] }] }] }),
    RangeError,
  );
});
