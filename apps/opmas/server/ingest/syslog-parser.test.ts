import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import parseNsyslog from 'nsyslog-parser';
import { readFixtureLines } from './fixture-lines.ts';
import { facilityCode, severityCode } from './pri.ts';
import { parseStructuredData } from './structured-data.ts';
import { parseSyslog } from './syslog-parser.ts';
import { logreadToWire } from './wire-format.ts';

const arrival = Date.parse('2024-03-19T20:15:00Z');
const ctx = { receivedAt: arrival };
const LOGREAD = /^\w{3} (\w{3}) +(\d+) (\d\d:\d\d:\d\d) (\d{4}) ([a-z]+)\.([a-z]+) (.*)$/s;
const TAG_PID_MSG = /^([^\s:[\]]*)(?:\[(\d+)\])?: (.*)$/s;

test('wire conversion of the spec example (acceptance 7)', () => {
  assert.equal(
    logreadToWire('Tue Mar 19 20:14:18 2024 daemon.notice netifd: X'),
    '<29>Mar 19 20:14:18 OpenWrt netifd: X',
  );
  assert.equal(
    logreadToWire('Fri Feb  7 09:22:44 2020 kern.info kernel: [1.0] x'),
    '<6>Feb  7 09:22:44 OpenWrt kernel: [1.0] x',
  );
  assert.equal(logreadToWire('[00] nf_ct_proto_6: x'), '[00] nf_ct_proto_6: x');
});

test('every real logread line parses to its PRI, host, app, pid and msg in wire and file form (acceptance 1)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'openwrt-logread.txt')).filter((line) => LOGREAD.test(line));
  assert.equal(lines.length, 65);
  for (const line of lines) {
    const [, , , , year, facility, severity, rest] = LOGREAD.exec(line) ?? [];
    const expectedPri = (facilityCode(facility) ?? -1) * 8 + (severityCode(severity) ?? -1);
    const [, app, pid, msg] = TAG_PID_MSG.exec(rest) ?? [];
    const wire = parseSyslog(logreadToWire(line), ctx);
    assert.equal(wire.ok, true, line);
    assert.deepEqual(wire.errors, [], line);
    assert.equal(wire.pri, expectedPri, line);
    assert.equal(wire.host, 'OpenWrt', line);
    assert.equal(wire.app, app, line);
    assert.equal(wire.pid, pid === undefined ? null : Number(pid), line);
    assert.equal(wire.msg, msg, line);
    assert.equal(wire.raw, logreadToWire(line));
    const file = parseSyslog(line, ctx);
    assert.equal(file.format, 'logread', line);
    assert.deepEqual(file.warnings, [], line);
    assert.deepEqual([file.pri, file.app, file.pid, file.msg], [wire.pri, wire.app, wire.pid, wire.msg], line);
    assert.equal(new Date(file.ts).getUTCFullYear(), Number(year), line);
  }
});

test('named real lines: netifd PRI, empty luci tag, trailing spaces, kernel uptime (acceptance 1)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'openwrt-logread.txt'));
  const find = (needle: string) => parseSyslog(logreadToWire(lines.find((l) => l.includes(needle)) ?? ''), ctx);

  const netifd = find("Network device 'eth1' link is down");
  assert.deepEqual([netifd.facility, netifd.severity, netifd.app, netifd.pid], [3, 5, 'netifd', null]);
  assert.equal(netifd.msg, "Network device 'eth1' link is down");

  const luci = find('luci: accepted login');
  assert.equal(luci.app, '');
  assert.equal(luci.msg, 'luci: accepted login on / for root from 192.168.0.205');

  const discover = find('DHCPDISCOVER(br-lan)');
  assert.equal(discover.msg, 'DHCPDISCOVER(br-lan) 00:90:4c:c5:12:38 ');
  assert.equal(discover.pid, 2304);

  const oom = find('invoked oom-killer');
  assert.equal(oom.app, 'kernel');
  assert.equal(oom.uptime_s, 267.720081);
  assert.ok(oom.msg.startsWith('[  267.720081] hostapd invoked oom-killer'));

  const sample = find('wpa_supplicant[1431]');
  assert.deepEqual([sample.pri, sample.app, sample.pid], [29, 'wpa_supplicant', 1431]);
  assert.equal(sample.ts, Date.parse('2023-11-22T00:58:16Z'));
});

test('RFC 5424 examples give the exact fields (acceptance 2)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'rfc-examples.txt')).filter((l) => /^<\d+>1 /.test(l));
  assert.equal(lines.length, 4);
  const [ex1, ex2, ex3, ex4] = lines.map((l) => parseSyslog(Buffer.from(l, 'utf8'), ctx));

  assert.deepEqual(
    [ex1.ok, ex1.pri, ex1.host, ex1.app, ex1.procid, ex1.msgid],
    [true, 34, 'mymachine.example.com', 'su', null, 'ID47'],
  );
  assert.equal(ex1.msg, "'su root' failed for lonvick on /dev/pts/8");
  assert.equal(ex1.msg_bom, true);
  assert.equal(ex1.ts, Date.parse('2003-10-11T22:14:15.003Z'));
  assert.equal(ex1.raw_b64, undefined);

  assert.equal(new Date(ex2.ts).toISOString(), '2003-08-24T12:14:15.000Z');
  assert.equal(ex2.ts_us, 3);
  assert.equal(ex2.procid, '8710');
  assert.equal(ex2.pid, 8710);
  assert.equal(ex2.original_ts, '2003-08-24T05:14:15.000003-07:00');
  assert.equal(ex2.ts_source, 'rfc3339');

  assert.deepEqual(ex3.sd, {
    'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
  });
  assert.equal(ex3.msg, 'An application event log entry...');

  assert.deepEqual(Object.keys(ex4.sd ?? {}), ['exampleSDID@32473', 'examplePriority@32473']);
  assert.equal(ex4.msg, '');
});

test('RFC 5424 §6.3.5 STRUCTURED-DATA strings: 1 and 2 valid, 3 and 4 rejected (acceptance 2, tricky §7)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const sdLines = readFixtureLines(join(dir, 'rfc-examples.txt')).filter((l) => l.startsWith('['));
  assert.equal(sdLines.length, 4);
  const whole = (sd: string) => {
    const result = parseStructuredData(sd, 0);
    return result.ok && result.end === sd.length;
  };
  assert.deepEqual(sdLines.map(whole), [true, true, false, false]);

  const head = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 ';
  const spaced = parseSyslog(head + sdLines[2], ctx);
  assert.equal(spaced.ok, true);
  assert.equal(Object.keys(spaced.sd ?? {}).length, 1);
  assert.equal(spaced.msg, '[examplePriority@32473 class="high"]');
  assert.ok(spaced.warnings.includes('sd_space_between_elements'));

  const invalid = parseSyslog(head + sdLines[3], ctx);
  assert.equal(invalid.ok, false);
  assert.deepEqual(invalid.errors, ['sd_invalid']);
  assert.equal(invalid.raw, head + sdLines[3]);
});

test('RFC 3164 §5.4 examples (acceptance 3)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'rfc-examples.txt')).slice(0, 4);
  const [ex1, ex2, ex3, ex4] = lines.map((l) => parseSyslog(l, ctx));

  assert.deepEqual(
    [ex1.pri, ex1.host, ex1.app, ex1.msg],
    [34, 'mymachine', 'su', "'su root' failed for lonvick on /dev/pts/8"],
  );

  assert.equal(ex2.ok, true);
  assert.equal(ex2.pri, 13);
  assert.deepEqual(ex2.warnings, ['pri_missing', 'timestamp_missing']);
  assert.deepEqual([ex2.host, ex2.app, ex2.msg, ex2.ts], [null, '', 'Use the BFG!', arrival]);

  assert.equal(new Date(ex3.ts).getUTCFullYear(), 1987);
  assert.deepEqual([ex3.tz_name, ex3.host, ex3.app, ex3.pid], ['CST', 'mymachine', 'myproc', 10]);
  assert.ok(ex3.msg.startsWith("%% It's time to make the do-nuts."));

  assert.equal(new Date(ex4.ts).getUTCFullYear(), 1990);
  assert.deepEqual([ex4.pri, ex4.tz_name, ex4.host, ex4.app], [0, 'TZ-6', 'scapegoat.dmz.example.org', '']);
  assert.equal(ex4.msg, "10.1.2.3 sched[0]: That's All Folks!");
  assert.ok(ex4.warnings.includes('tag_missing'));
});

test('PRI errors keep the raw line (acceptance 3, tricky §1)', () => {
  const cases: [string, string][] = [
    ['<999>Mar 19 20:14:18 OpenWrt netifd: x', 'pri_out_of_range'],
    ['<192>Mar 19 20:14:18 OpenWrt netifd: x', 'pri_out_of_range'],
    ['<034>Oct 11 22:14:15 mymachine su: x', 'pri_leading_zero'],
    ['<34Oct 11 22:14:15 mymachine su: x', 'pri_unterminated'],
    ['<>x', 'pri_empty'],
  ];
  for (const [line, error] of cases) {
    const event = parseSyslog(line, ctx);
    assert.equal(event.ok, false, line);
    assert.deepEqual(event.errors, [error], line);
    assert.equal(event.raw, line);
    assert.equal(event.msg, line);
  }
  assert.equal(parseSyslog('<191>Mar 19 20:14:18 OpenWrt netifd: x', ctx).facility, 23);
  const kernEmerg = parseSyslog('<0>Mar 19 20:14:18 OpenWrt netifd: x', ctx);
  assert.deepEqual([kernEmerg.ok, kernEmerg.facility, kernEmerg.severity], [true, 0, 0]);
});

test('RFC 5424 fields agree with nsyslog-parser for every valid 5424 line (acceptance 2)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = readFixtureLines(join(dir, 'rfc-examples.txt')).filter((l) => /^<\d+>1 /.test(l));
  assert.ok(lines.length >= 4);
  const nil = (value: string | null | undefined) =>
    value === null || value === undefined || value === '-' ? '' : value;
  for (const line of lines) {
    const ours = parseSyslog(line, { receivedAt: Date.parse('2025-06-01T00:00:00Z') });
    const peer = parseNsyslog(line);
    assert.equal(ours.ok, true, line);
    assert.equal(peer.type, 'RFC5424', line);
    // The peer keeps the UTF-8 BOM in the message; RFC 5424 §6.4 makes it an encoding marker, which we strip.
    assert.deepEqual(
      [ours.pri, nil(ours.host), ours.app, nil(ours.procid), ours.msg],
      [peer.prival, nil(peer.host), nil(peer.appName), nil(peer.pid), (peer.message ?? '').replace(/^\uFEFF/, '')],
      line,
    );
  }
});
