import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseSlug, deviceIdentity, slugCandidate } from './device-identity.ts';

const defaults = new Set(['openwrt', 'lede', 'localhost', '(none)']);

test('a real hostname identifies the device; default names and IP literals fall back to the source address', () => {
  assert.deepEqual(deviceIdentity('AP-Kitchen', '10.0.0.2', defaults), {
    identity: 'host:ap-kitchen',
    name: 'ap-kitchen',
  });
  assert.deepEqual(deviceIdentity('OpenWrt', '10.0.0.2', defaults), { identity: 'ip:10.0.0.2', name: '10.0.0.2' });
  assert.deepEqual(deviceIdentity('192.0.2.1', '10.0.0.3', defaults), { identity: 'ip:10.0.0.3', name: '10.0.0.3' });
  assert.deepEqual(deviceIdentity(null, '2001:db8::1', defaults), { identity: 'ip:2001:db8::1', name: '2001:db8::1' });
});

test('slugs are lower-case bus tokens of at most 64 characters, suffixed on a clash', () => {
  assert.equal(baseSlug('Lab AP.1'), 'lab_ap_1');
  assert.equal(baseSlug('2001:db8::1'), '2001_db8__1');
  assert.equal(baseSlug('x'.repeat(80)).length, 64);
  assert.equal(slugCandidate('ap', 1), 'ap');
  assert.equal(slugCandidate('ap', 2), 'ap-2');
  assert.equal(slugCandidate('y'.repeat(64), 12), `${'y'.repeat(61)}-12`);
});
