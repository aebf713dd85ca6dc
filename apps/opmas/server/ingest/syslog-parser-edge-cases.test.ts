import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { readFixtureLines } from './fixture-lines.ts';
import { parseSyslog } from './syslog-parser.ts';
import { logreadToWire } from './wire-format.ts';

// Rows of tricky-inputs.md §2-§6; reference arrival 2024-03-19T20:15:00Z, device tz UTC unless stated.
const arrival = Date.parse('2024-03-19T20:15:00Z');
const iso = (ts: number) => new Date(ts).toISOString();

test('§2 time: padding, year rollover both ways, Feb 29, timezone, DST, RFC 3339', () => {
  assert.equal(
    new Date(parseSyslog('<30>Jul  6 01:02:03 OpenWrt netifd: x', { receivedAt: arrival }).ts).getUTCDate(),
    6,
  );
  assert.equal(
    new Date(parseSyslog('<30>Jul 06 01:02:03 OpenWrt netifd: x', { receivedAt: arrival }).ts).getUTCDate(),
    6,
  );
  const nye = parseSyslog('<30>Dec 31 23:59:59 OpenWrt netifd: x', { receivedAt: Date.parse('2025-01-01T00:00:05Z') });
  assert.equal(iso(nye.ts), '2024-12-31T23:59:59.000Z');
  const ahead = parseSyslog('<30>Jan  1 00:00:01 OpenWrt netifd: x', {
    receivedAt: Date.parse('2024-12-31T23:59:58Z'),
  });
  assert.equal(iso(ahead.ts), '2025-01-01T00:00:01.000Z');
  const leap = parseSyslog('<30>Feb 29 12:00:00 OpenWrt netifd: x', { receivedAt: Date.parse('2025-03-01T00:00:00Z') });
  assert.equal(iso(leap.ts), '2024-02-29T12:00:00.000Z');
  const berlin = { receivedAt: Date.parse('2024-03-19T19:20:00Z'), timezone: 'Europe/Berlin' };
  assert.equal(iso(parseSyslog('<30>Mar 19 20:14:18 OpenWrt netifd: x', berlin).ts), '2024-03-19T19:14:18.000Z');
  const ambiguous = parseSyslog('<30>Oct 27 02:30:00 OpenWrt netifd: x', {
    ...berlin,
    receivedAt: Date.parse('2024-10-27T03:00:00Z'),
  });
  assert.equal(iso(ambiguous.ts), '2024-10-27T00:30:00.000Z');
  assert.ok(ambiguous.warnings.includes('time_ambiguous'));
  const gap = parseSyslog('<30>Mar 31 02:30:00 OpenWrt netifd: x', {
    ...berlin,
    receivedAt: Date.parse('2024-03-31T03:00:00Z'),
  });
  assert.equal(iso(gap.ts), '2024-03-31T01:30:00.000Z');
  assert.ok(gap.warnings.includes('time_in_gap'));
  const epoch1970 = parseSyslog('Thu Jan  1 00:00:12 1970 daemon.notice procd: x', { receivedAt: arrival });
  assert.equal(epoch1970.ts, 12_000);
  assert.equal(epoch1970.app, 'procd');
  const invalid = parseSyslog('<165>1 2003-13-24T05:14:15Z host app - - - x', { receivedAt: arrival });
  assert.equal(invalid.ok, false);
  assert.deepEqual(invalid.errors, ['timestamp_invalid']);
  assert.equal(invalid.raw, '<165>1 2003-13-24T05:14:15Z host app - - - x');
  const offsetIso = parseSyslog('<30>2024-03-19T21:14:18+01:00 ap1 netifd: x', { receivedAt: arrival });
  assert.deepEqual([iso(offsetIso.ts), offsetIso.host, offsetIso.app], ['2024-03-19T20:14:18.000Z', 'ap1', 'netifd']);
  const badZone = parseSyslog('<30>Mar 19 20:14:18 OpenWrt netifd: x', { receivedAt: arrival, timezone: 'Mars/Base' });
  assert.ok(badZone.warnings.includes('invalid_timezone'));
});

test('§3 OpenWrt wire variants: -t epoch tag, -P prefix, legacy ubox, no hostname', () => {
  const ctx = { receivedAt: arrival };
  const epoch = parseSyslog("<30>Mar 19 20:14:18 [1710879258.123] OpenWrt netifd: Interface 'wan' is now down", ctx);
  assert.deepEqual(
    [iso(epoch.ts), epoch.ts_source, epoch.host, epoch.app],
    ['2024-03-19T20:14:18.123Z', 'epoch_tag', 'OpenWrt', 'netifd'],
  );
  const prefixed = parseSyslog("<30>Mar 19 20:14:18 OpenWrt myprefix: netifd: Interface 'wan' is now down", ctx);
  assert.deepEqual(
    [prefixed.prefix, prefixed.app, prefixed.msg],
    ['myprefix', 'netifd', "Interface 'wan' is now down"],
  );
  const kernel = parseSyslog(
    '<4>Mar 19 20:14:18 OpenWrt myprefix: kernel: [  267.720081] hostapd invoked oom-killer: x',
    ctx,
  );
  assert.deepEqual([kernel.prefix, kernel.app, kernel.uptime_s], ['myprefix', 'kernel', 267.720081]);
  const configured = parseSyslog('<30>Mar 19 20:14:18 OpenWrt ap7: foo[3]: y', { ...ctx, logPrefix: 'ap7' });
  assert.deepEqual([configured.prefix, configured.app, configured.pid], ['ap7', 'foo', 3]);

  const legacyLine = "OpenWrt netifd: Interface 'wan' is now down";
  const auto = parseSyslog(legacyLine, ctx);
  assert.deepEqual([auto.pri, auto.app, auto.msg], [13, '', legacyLine]);
  const legacy = parseSyslog(legacyLine, { ...ctx, format: 'legacy_ubox' });
  assert.deepEqual([legacy.host, legacy.app, legacy.msg], ['OpenWrt', 'netifd', "Interface 'wan' is now down"]);

  const noHost = parseSyslog("<30>Mar 19 20:14:18 netifd: Interface 'wan' is now down", ctx);
  assert.deepEqual([noHost.host, noHost.app], [null, 'netifd']);
});

test('§4 tags: empty, with pid, dashes and slashes, missing, too long', () => {
  const ctx = { receivedAt: arrival };
  const luci = parseSyslog(
    'Sun Jan  9 20:22:49 2022 user.info : luci: accepted login on / for root from 192.168.0.205',
    ctx,
  );
  assert.deepEqual([luci.app, luci.msg], ['', 'luci: accepted login on / for root from 192.168.0.205']);
  const uhttpd = parseSyslog(
    '<27>Fri Apr 10 21:00:14 2020 daemon.err uhttpd[7662]: luci: failed login on / for root from 192.168.0.2',
    ctx,
  );
  assert.deepEqual([uhttpd.pri, uhttpd.app, uhttpd.pid], [27, 'uhttpd', 7662]);
  assert.equal(parseSyslog('<30>Mar 19 20:14:18 OpenWrt dnsmasq-dhcp[2304]: x', ctx).app, 'dnsmasq-dhcp');
  const path = parseSyslog('<30>Mar 19 20:14:18 OpenWrt /usr/sbin/foo[12]: x', ctx);
  assert.deepEqual([path.app, path.pid], ['/usr/sbin/foo', 12]);
  const missing = parseSyslog('<30>Mar 19 20:14:18 OpenWrt foo bar baz', ctx);
  assert.deepEqual([missing.app, missing.msg, missing.warnings], ['', 'foo bar baz', ['tag_missing']]);
  const long = parseSyslog(`<30>Mar 19 20:14:18 OpenWrt ${'a'.repeat(60)}: x`, ctx);
  assert.deepEqual([long.app, long.warnings], ['', ['tag_too_long']]);
});

test('§5 message body: later colons kept, trailing space, truncation on a UTF-8 boundary, NUL, BOM', () => {
  const ctx = { receivedAt: arrival };
  const udhcpc = parseSyslog(
    logreadToWire('Tue Mar 19 20:14:18 2024 daemon.notice netifd: wan (7324): udhcpc: received SIGTERM'),
    ctx,
  );
  assert.deepEqual([udhcpc.app, udhcpc.msg], ['netifd', 'wan (7324): udhcpc: received SIGTERM']);
  const head = '<30>Mar 19 20:14:18 OpenWrt netifd: ';
  const fiveK = parseSyslog(Buffer.from(head + 'x'.repeat(5000 - head.length)), ctx);
  assert.equal(fiveK.msg.length, 5000 - head.length);
  assert.ok(!fiveK.warnings.includes('truncated'));
  const big = parseSyslog(Buffer.from(head + 'é'.repeat(4500)), ctx);
  assert.ok(big.warnings.includes('truncated'));
  assert.equal(Buffer.byteLength(big.msg), 8192);
  const odd = parseSyslog(Buffer.from(`${head}x${'é'.repeat(4500)}`), ctx);
  assert.equal(Buffer.byteLength(odd.msg), 8191); // a 2-byte character is never split
  assert.ok(!odd.msg.includes('\uFFFD'));
  const nul = parseSyslog(Buffer.from(`${head}a\0b`), ctx);
  assert.deepEqual([nul.msg, nul.warnings], ['a\uFFFDb', ['nul_replaced']]);
  const bom = parseSyslog(
    Buffer.concat([Buffer.from('<34>1 - - - - - - '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('hi')]),
    ctx,
  );
  assert.deepEqual([bom.msg, bom.msg_bom], ['hi', true]);
});

test('§6 encoding: latin-1 bytes become U+FFFD and keep raw_b64; valid UTF-8 has no raw_b64', () => {
  const ctx = { receivedAt: arrival };
  const bytes = Buffer.concat([
    Buffer.from('<30>Jul 17 04:26:06 OpenWrt dnsmasq-dhcp[2304]: DHCPACK(br-lan) 192.168.17.151 00:90:4c:c5:12:38 caf'),
    Buffer.from([0xe9]),
  ]);
  const latin = parseSyslog(bytes, ctx);
  assert.ok(latin.msg.endsWith('caf\uFFFD'));
  assert.deepEqual(Buffer.from(latin.raw_b64 ?? '', 'base64'), bytes);
  const utf8 = parseSyslog(Buffer.from('<30>Mar 19 20:14:18 Zürich-AP netifd: x'), ctx);
  assert.equal(utf8.raw_b64, undefined);
  assert.equal(utf8.host, 'Zürich-AP');
});

test('§7 structured data: repeated names, escapes, over-long or bad names', () => {
  const ctx = { receivedAt: arrival };
  const head = '<14>1 2024-03-19T20:14:18Z h a - - ';
  assert.deepEqual(parseSyslog(`${head}[a x="1" x="2"]`, ctx).sd, { a: { x: ['1', '2'] } });
  assert.deepEqual(parseSyslog(`${head}[a x="q\\"u\\]o\\\\te"] m`, ctx).sd, { a: { x: 'q"u]o\\te' } });
  for (const sd of [`[${'i'.repeat(33)} x="1"]`, `[a ${'p'.repeat(33)}="1"]`, '[a x"="1"]', '[a x=1]', '[a x="1"']) {
    const event = parseSyslog(head + sd, ctx);
    assert.deepEqual([event.ok, event.errors], [false, ['sd_invalid']], sd);
  }
});

test('never throws: 10,000 random byte strings and mutations of real lines always return raw (acceptance 4)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const seeds = [
    ...readFixtureLines(join(dir, 'openwrt-logread.txt')).map((line) => logreadToWire(line)),
    ...readFixtureLines(join(dir, 'rfc-examples.txt')),
  ].map((line) => Buffer.from(line));
  const ctx = { receivedAt: arrival, timezone: 'Europe/Berlin' };
  for (let i = 0; i < 10_000; i++) {
    const random = randomBytes(Math.floor(Math.random() * 2049));
    const event = parseSyslog(random, ctx);
    assert.equal(typeof event.raw, 'string');
    assert.equal(event.raw.length > 0, random.length > 0);
    assert.ok(Number.isFinite(event.ts));

    const mutated = Buffer.from(seeds[i % seeds.length]);
    for (let flips = 1 + (i % 4); flips > 0; flips--)
      mutated[Math.floor(Math.random() * mutated.length)] = Math.floor(Math.random() * 256);
    const cut = mutated.subarray(0, Math.floor(Math.random() * (mutated.length + 1)));
    const mutatedEvent = parseSyslog(cut, ctx);
    assert.equal(typeof mutatedEvent.raw, 'string');
    assert.ok(!mutatedEvent.errors.includes('parser_error'), mutatedEvent.raw);
  }
});
