import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromText } from './prom-text-parser.ts';

test('samples with labels, escapes, special values and timestamps; comments and blank lines skipped', () => {
  const body = [
    '# HELP wifi_station_signal_dbm Signal of a station',
    '# TYPE wifi_station_signal_dbm gauge',
    'wifi_station_signal_dbm{ifname="wlan0",mac="74:38:b7:12:34:56"} -80 1700000000000',
    'node_load1 0.25',
    '',
    'node_weird{path="C:\\\\x",quote="say \\"hi\\"",nl="a\\nb",} +Inf',
    'node_nan NaN',
    'node_exp 1.5e3\r',
  ].join('\n');
  const { samples, errors } = parsePromText(body);
  assert.deepEqual(errors, []);
  assert.deepEqual(samples[0], {
    name: 'wifi_station_signal_dbm',
    labels: { ifname: 'wlan0', mac: '74:38:b7:12:34:56' },
    value: -80,
    timestampMs: 1_700_000_000_000,
  });
  assert.deepEqual(samples[1], { name: 'node_load1', labels: {}, value: 0.25 });
  assert.deepEqual(samples[2].labels, { path: 'C:\\x', quote: 'say "hi"', nl: 'a\nb' });
  assert.equal(samples[2].value, Infinity);
  assert.ok(Number.isNaN(samples[3].value));
  assert.equal(samples[4].value, 1500);
});

test('a bad line is reported with its number and code; the others still count', () => {
  const body = [
    'good 1',
    '9starts_with_digit 1',
    'no_value',
    'bad_value abc',
    'bad_ts 1 12.5',
    'unclosed{a="b" 1',
    'dup{a="1",a="2"} 1',
    'bad_escape{a="\\q"} 1',
    'also_good{} 2',
  ].join('\n');
  const { samples, errors } = parsePromText(body);
  assert.deepEqual(
    samples.map((sample) => sample.name),
    ['good', 'also_good'],
  );
  assert.deepEqual(errors, [
    { line: 2, code: 'bad_syntax' },
    { line: 3, code: 'bad_syntax' },
    { line: 4, code: 'bad_value' },
    { line: 5, code: 'bad_value' },
    { line: 6, code: 'bad_syntax' },
    { line: 7, code: 'duplicate_label' },
    { line: 8, code: 'bad_syntax' },
  ]);
});

test('limits: labels per sample, label length and samples per body', () => {
  const limits = { maxSamples: 2, maxLabels: 2, maxLabelValueChars: 5 };
  const { samples, errors } = parsePromText(
    ['m{a="1",b="2",c="3"} 1', 'm{a="123456"} 1', 'm 1', 'm 2', 'm 3'].join('\n'),
    limits,
  );
  assert.equal(samples.length, 2);
  assert.deepEqual(
    errors.map((error) => error.code),
    ['too_many_labels', 'label_too_long', 'too_many_samples'],
  );
});

test('never throws on random input', () => {
  for (let round = 0; round < 2000; round++) {
    const length = Math.floor(Math.random() * 200);
    const text = Array.from({ length }, () => String.fromCharCode(Math.floor(Math.random() * 128))).join('');
    const { samples, errors } = parsePromText(text);
    assert.ok(Array.isArray(samples) && Array.isArray(errors));
  }
});
