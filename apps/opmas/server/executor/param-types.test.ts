import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ParamSpec, parseParam } from './param-types.ts';

const diagnostic = { refuseProtected: false };
const remediation = { refuseProtected: true, protectedCidrs: ['10.0.0.0/8', '2001:db8:ffff::/48'] };

const accepted = (spec: ParamSpec, raw: unknown, context = diagnostic): string => {
  const result = parseParam(spec, raw, context);
  assert.ok(result.ok, `${JSON.stringify(raw)} should be a valid ${spec.type}: ${result.ok ? '' : result.reason}`);
  return result.value;
};
const refused = (spec: ParamSpec, raw: unknown, context = diagnostic): void => {
  assert.equal(parseParam(spec, raw, context).ok, false, `${JSON.stringify(raw)} should not be a valid ${spec.type}`);
};

/** Shell syntax, control characters, look-alike unicode and option-looking values, tried against every type. */
const HOSTILE = [
  '1.2.3.4; rm -rf /',
  '$(reboot)',
  '`reboot`',
  '1.2.3.4\nreboot',
  '1.2.3.4\n',
  "1.2.3.4'",
  '"1.2.3.4"',
  'wlan0|reboot',
  'wlan0&&reboot',
  'wlan0 -x',
  '-rf',
  '--help',
  '１.２.３.４',
  'wlan０',
  'wlan0\u0000',
  'a\u202eb',
  '\u0024{IFS}', // ${IFS}, spelled so it is not read as a template placeholder
  '*',
  '~root',
  '',
  ' ',
];

const ALL_TYPES: ParamSpec[] = [
  { type: 'mac' },
  { type: 'ip' },
  { type: 'ipv4' },
  { type: 'ipv6' },
  { type: 'cidr' },
  { type: 'iface' },
  { type: 'user' },
  { type: 'hostname' },
  { type: 'host' },
  { type: 'int', max: 100 },
  { type: 'enum', values: ['network', 'dhcp'] },
  { type: 'duration' },
];

describe('every parameter type', () => {
  for (const spec of ALL_TYPES) {
    test(`${spec.type} refuses injection attempts, control characters and unicode look-alikes`, () => {
      for (const value of HOSTILE) refused(spec, value);
    });
  }

  test('non-string values are refused, numbers only where they are integers', () => {
    for (const spec of ALL_TYPES) {
      refused(spec, { toString: () => '1.2.3.4' });
      refused(spec, ['1.2.3.4']);
      refused(spec, true);
      refused(spec, 1.5);
    }
    assert.equal(accepted({ type: 'int', max: 100 }, 42), '42');
  });
});

test('mac accepts colon or dash form and normalises to lower-case colons', () => {
  assert.equal(accepted({ type: 'mac' }, 'AA-BB-CC-00-11-22'), 'aa:bb:cc:00:11:22');
  assert.equal(accepted({ type: 'mac' }, 'aa:bb:cc:00:11:22'), 'aa:bb:cc:00:11:22');
  for (const bad of ['aa:bb:cc:00:11', 'aa:bb:cc:00:11:22:33', 'gg:bb:cc:00:11:22', 'aabbcc001122'])
    refused({ type: 'mac' }, bad);
});

test('ip types parse strictly: no leading zeros, short forms or zone ids', () => {
  assert.equal(accepted({ type: 'ipv4' }, '192.168.1.10'), '192.168.1.10');
  assert.equal(accepted({ type: 'ipv6' }, '2001:DB8::1'), '2001:db8::1');
  assert.equal(accepted({ type: 'ip' }, '::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  for (const bad of ['01.2.3.4', '1.2.3', '1.2.3.256', '0x7f.0.0.1', '1.2.3.4/32', 'fe80::1%eth0', '2001:db8::g'])
    refused({ type: 'ip' }, bad);
  refused({ type: 'ipv4' }, '2001:db8::1');
  refused({ type: 'ipv6' }, '192.0.2.1');
});

test('remediation refuses loopback, unspecified, multicast and configured protected ranges', () => {
  for (const address of ['127.0.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'ff02::1', '10.1.2.3', '::ffff:127.0.0.1'])
    refused({ type: 'ip' }, address, remediation);
  refused({ type: 'ipv6' }, '2001:db8:ffff::5', remediation);
  assert.equal(accepted({ type: 'ip' }, '198.51.100.7', remediation), '198.51.100.7');
  assert.equal(accepted({ type: 'ipv6' }, '2001:db8:1::5', remediation), '2001:db8:1::5');
  // Diagnostics may look at anything, e.g. ping the loopback.
  assert.equal(accepted({ type: 'host' }, '127.0.0.1'), '127.0.0.1');
  refused({ type: 'host' }, '127.0.0.1', remediation);
});

test('cidr validates the prefix per family and refuses ranges that cover protected space in remediation', () => {
  assert.equal(accepted({ type: 'cidr' }, '198.51.100.0/24'), '198.51.100.0/24');
  assert.equal(accepted({ type: 'cidr' }, '2001:db8::/32'), '2001:db8::/32');
  for (const bad of ['198.51.100.0/33', '198.51.100.0/024', '2001:db8::/129', '198.51.100.0', '198.51.100.0/'])
    refused({ type: 'cidr' }, bad);
  for (const broad of ['0.0.0.0/0', '8.0.0.0/5', '::/0', '10.20.0.0/16']) refused({ type: 'cidr' }, broad, remediation);
  assert.equal(accepted({ type: 'cidr' }, '198.51.100.0/24', remediation), '198.51.100.0/24');
});

test('iface, user and hostname follow the spec patterns', () => {
  assert.equal(accepted({ type: 'iface' }, 'phy0-ap0'), 'phy0-ap0');
  assert.equal(accepted({ type: 'iface' }, 'br-lan.10'), 'br-lan.10');
  refused({ type: 'iface' }, 'a-very-long-interface');
  refused({ type: 'iface' }, '.hidden');
  assert.equal(accepted({ type: 'user' }, 'root'), 'root');
  refused({ type: 'user' }, 'Root');
  assert.equal(accepted({ type: 'hostname' }, 'ap-1.example.org'), 'ap-1.example.org');
  for (const bad of ['-ap.example.org', 'ap-.example.org', 'ap..example.org', `${'a'.repeat(64)}.org`, 'a_b.org'])
    refused({ type: 'hostname' }, bad);
  refused({ type: 'hostname' }, `${'a.'.repeat(127)}ab`);
  assert.equal(accepted({ type: 'host' }, 'openwrt.lan'), 'openwrt.lan');
});

test('int and duration enforce non-negative ranges; enum only its values', () => {
  assert.equal(accepted({ type: 'int', min: 1, max: 10 }, '10'), '10');
  for (const bad of ['0', '11', '-1', '+5', '05', '1e3', '3.0']) refused({ type: 'int', min: 1, max: 10 }, bad);
  refused({ type: 'int' }, 2 ** 60);
  assert.equal(accepted({ type: 'duration' }, '4h'), '14400');
  assert.equal(accepted({ type: 'duration' }, '90'), '90');
  assert.equal(accepted({ type: 'duration', max: 86_400 }, '1d'), '86400');
  refused({ type: 'duration', max: 86_400 }, '2d');
  for (const bad of ['4H', '4 h', '1h30m', '-5s', 'h']) refused({ type: 'duration' }, bad);
  assert.equal(accepted({ type: 'enum', values: ['50', '100'] }, 100), '100');
  refused({ type: 'enum', values: ['network', 'dhcp'] }, 'Network');
  refused({ type: 'enum', values: ['network', 'dhcp'] }, 'network ');
});
