import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { defaultPackRules, fixtureEvents } from './fixture-events.ts';
import { compileRule } from './rule-compiler.ts';
import type { RuleDocument } from './rule-document.ts';
import { type EngineEvent, type EngineOutput, type FindingEvent, RuleEngine } from './rule-engine.ts';
import { parseRulePack } from './rule-pack.ts';

// Engine-level acceptance tests 9-15 and 17 of spec 02 on the real fixture lines; derived inputs (repeats, other
// pids, MACs and times) are built here from those lines.
const S = 1000;

function run(engine: RuleEngine, events: EngineEvent[]): EngineOutput {
  const out: EngineOutput = { findings: [], facts: [] };
  for (const event of events) {
    const step = engine.evaluate(event);
    out.findings.push(...step.findings);
    out.facts.push(...step.facts);
  }
  return out;
}

/** Latest state of each finding episode: the fired event updated by later `updated` events. */
function episodes(findings: FindingEvent[]): FindingEvent[] {
  const byEpisode = new Map<string, FindingEvent>();
  for (const finding of findings) {
    byEpisode.set(`${finding.rule_id} ${finding.group_key} ${finding.first_seen}`, finding);
  }
  return [...byEpisode.values()];
}

function setup(t: import('node:test').TestContext) {
  const dir = sharedData(t, 'opmas');
  if (!dir) return undefined;
  const real = fixtureEvents(dir, 'openwrt-logread.txt');
  const line = (needle: string): EngineEvent => real.find((e) => e.raw.includes(needle)) ?? assert.fail(needle);
  const rules = defaultPackRules(dir); // compiled rules hold no state, so engines can share them
  return { dir, real, line, engine: () => new RuleEngine(rules) };
}

/** A copy of a real event at another time, optionally with another pid or message. */
function at(event: EngineEvent, ts: number, change: Partial<EngineEvent> = {}): EngineEvent {
  const msg = change.msg ?? event.msg;
  return { ...event, ...change, ts, msg, raw: event.raw.replace(event.msg, msg) };
}

test('real corpus, one device: exactly the 4 findings, invalid PSK keys, SSH counts, DHCP inventory (acceptance 9)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const engine = fx.engine();
  const out = run(engine, fx.real);
  const fired = out.findings.filter((f) => f.kind === 'fired');
  assert.deepEqual(fired.map((f) => `${f.rule_id} ${f.group_key}`).sort(), [
    'health.clock_jump ',
    'health.oom ',
    'wifi.radio_down iface=',
    'wifi.radio_down iface=wlan0',
  ]);
  const latest = episodes(out.findings);
  const find = (rule: string, key: string) =>
    latest.find((f) => f.rule_id === rule && f.group_key === key) ?? assert.fail(rule);
  assert.equal(find('wifi.radio_down', 'iface=wlan0').event_count, 2);
  assert.equal(find('wifi.radio_down', 'iface=').event_count, 1);
  assert.ok(find('wifi.radio_down', 'iface=').evidence[0].raw.includes('DFS start_dfs_cac() failed'));
  const oom = find('health.oom', '');
  assert.deepEqual([oom.fields.proc, oom.severity], ['hostapd', 'critical']);
  assert.equal(find('health.clock_jump', '').fields.minutes, '14343');
  assert.equal(engine.stats('wifi.psk_mismatch')?.invalid_keys, 4);

  const sshKeys = engine.exportState().keys['security.ssh_bruteforce'];
  const counts = Object.fromEntries(sshKeys.map(([id, state]) => [id.split('\u0000')[1], state.times.length]));
  assert.deepEqual(counts, {
    'ip=177.155.248.68': 1,
    'ip=213.6.130.133': 1,
    'ip=193.201.224.208': 2,
    'ip=14.17.121.130': 1,
  });

  assert.deepEqual(
    out.facts.map(({ kind, key, fields }) => ({ kind, key, fields })),
    [
      {
        kind: 'client_lease',
        key: '00:90:4c:c5:12:38',
        fields: { ip: '192.168.17.151', host: 'mY5t1c4-pH0n3', iface: 'br-lan' },
      },
    ],
  );
});

test('PSK mismatch: count 10 in a 60 s inclusive window (acceptance 10)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const psk = fx.line('AP-STA-POSSIBLE-PSK-MISMATCH');
  const msg = psk.msg.replace('xx:xx:xx', '12:34:56');
  const fires = (times: number[]) => {
    const out = run(
      fx.engine(),
      times.map((ts) => at(psk, ts, { msg })),
    );
    return out.findings.filter((f) => f.kind === 'fired');
  };
  const range = (n: number, step: number) => Array.from({ length: n }, (_, i) => i * step);
  const ten = fires(range(10, S));
  assert.equal(ten.length, 1);
  assert.deepEqual([ten[0].group_key, ten[0].event_count], ['mac=74:38:b7:12:34:56', 10]);
  assert.equal(ten[0].evidence.length, 10);
  assert.equal(fires(range(9, S)).length, 0);
  assert.equal(fires(range(10, 6 * S)).length, 1);
  assert.equal(fires(range(10, 7 * S)).length, 0);
  assert.equal(fires([...range(9, S), 60 * S]).length, 1);
  assert.equal(fires([...range(9, S), 61 * S]).length, 0);
});

test('SSH brute force: session join across dropbear log forms, cooldown counting, IPv6 (acceptance 11)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const trio = [
    'Child connection from 213.6.130.133',
    'Bad password attempt for',
    'Exit before auth from <213.6.130.133',
  ].map(fx.line);
  const repeatSessions = (lines: EngineEvent[], times: number, spacing: number) =>
    Array.from({ length: times }, (_, k) =>
      lines.map((event, i) => at(event, k * spacing + i * S, { pid: 1000 + k })),
    ).flat();
  const latest = (events: EngineEvent[]) =>
    episodes(run(fx.engine(), events).findings).filter((f) => f.rule_id === 'security.ssh_bruteforce');

  const five = latest(repeatSessions(trio, 5, 20 * S));
  assert.deepEqual(
    five.map((f) => [f.group_key, f.event_count]),
    [['ip=213.6.130.133', 5]],
  );
  assert.equal(latest(repeatSessions(trio, 4, 20 * S)).length, 0);

  const eight = latest(Array.from({ length: 8 }, (_, i) => at(trio[1], i * 10 * S)));
  assert.deepEqual(
    eight.map((f) => [f.group_key, f.event_count]),
    [['ip=213.6.130.133', 8]],
  );

  const pair2017 = ['Child connection from 14.17.121.130', "Exit before auth (user 'root', 1 fails)"].map(fx.line);
  assert.deepEqual(
    latest(repeatSessions(pair2017, 5, 20 * S)).map((f) => f.group_key),
    ['ip=14.17.121.130'],
  );

  const pair2021 = ['Login attempt for nonexistent user', 'Exit before auth from <177.155.248.68'].map(fx.line);
  assert.ok(!pair2021[0].msg.includes(' from '));
  assert.deepEqual(
    latest(repeatSessions(pair2021, 5, 20 * S)).map((f) => f.group_key),
    ['ip=177.155.248.68'],
  );

  const ipv6 = Array.from({ length: 5 }, (_, i) =>
    at(trio[1], i * S, { msg: "Bad password attempt for 'root' from 2001:db8::1:51234" }),
  );
  assert.deepEqual(
    latest(ipv6).map((f) => f.group_key),
    ['ip=2001:db8::1'],
  );
});

test('SSH pending events without an address become invalid keys when none arrives in time (tricky §9)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const engine = fx.engine();
  const lonely = fx.line('Login attempt for nonexistent user');
  const enrich = fx.line('Exit before auth from <177.155.248.68');
  run(engine, [at(lonely, 0), at(enrich, 61 * S, { pid: 7 })]);
  assert.equal(engine.stats('security.ssh_bruteforce')?.invalid_keys, 1);
  assert.equal(engine.exportState().keys['security.ssh_bruteforce'], undefined);
});

test('interface flap: 5 transitions in 300 s per interface (acceptance 12)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const wanDown = fx.line("Interface 'wan' is now down");
  const ethDown = fx.line("Network device 'eth0' link is down");
  const flaps = (event: EngineEvent, spacing: number, offset = 0) =>
    Array.from({ length: 5 }, (_, i) =>
      at(event, offset + i * spacing, { msg: i % 2 ? event.msg.replace('down', 'up') : event.msg }),
    );
  const fired = (events: EngineEvent[]) =>
    run(
      fx.engine(),
      events.sort((a, b) => a.ts - b.ts),
    )
      .findings.filter((f) => f.kind === 'fired')
      .map((f) => f.group_key);
  assert.deepEqual(fired([...flaps(wanDown, 60 * S), ...flaps(ethDown, 50 * S, 7 * S)]).sort(), [
    'iface=eth0',
    'iface=wan',
  ]);
  assert.deepEqual(fired(flaps(wanDown, 76 * S)), []);
});

test('OOM trigger with cooldown, DFS radar threshold, metric rules (acceptance 13)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const engine = fx.engine();
  const oom = fx.line('invoked oom-killer');
  const first = engine.evaluate(at(oom, 0)).findings;
  assert.deepEqual(
    first.map((f) => [f.kind, f.event_count]),
    [['fired', 1]],
  );
  const second = engine.evaluate(at(oom, 3599 * S)).findings;
  assert.deepEqual(
    second.map((f) => [f.kind, f.event_count, f.update_seq]),
    [['updated', 2, 1]],
  );
  assert.equal(second[0].first_seen, first[0].first_seen);
  assert.equal(engine.evaluate(at(oom, 3600 * S)).findings[0].kind, 'fired');

  const radar = fx.line('DFS-RADAR-DETECTED');
  const dfs = (spacing: number) =>
    run(
      fx.engine(),
      [0, 1, 2].map((i) => at(radar, i * spacing)),
    ).findings.filter((f) => f.kind === 'fired');
  assert.deepEqual(
    dfs(20 * 60 * S).map((f) => f.group_key),
    ['iface=wlan0,freq=5500'],
  );
  assert.equal(dfs(31 * 60 * S).length, 0);

  const signal = (value: number) => {
    const metricEngine = fx.engine();
    return Array.from({ length: 5 }, (_, i) =>
      metricEngine.evaluateSample({
        device: 'openwrt',
        ts: i * 60 * S,
        metric: 'wifi_station_signal_dbm',
        value,
        labels: { mac: '74:38:b7:12:34:56', ifname: 'phy0-ap0' },
      }),
    ).flatMap((o) => o.findings);
  };
  assert.deepEqual(
    signal(-80).map((f) => [f.rule_id, f.group_key, f.event_count]),
    [['wifi.low_signal', 'mac=74:38:b7:12:34:56', 5]],
  );
  assert.equal(signal(-70).length, 0);
});

test('synthetic firewall log: one port scan finding for 203.0.113.7 at 10:00:03, event_count 20 (acceptance 14)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const out = run(fx.engine(), fixtureEvents(fx.dir, 'synthetic-firewall.txt'));
  const fired = out.findings.filter((f) => f.kind === 'fired');
  assert.equal(fired.length, 1);
  assert.deepEqual([fired[0].rule_id, fired[0].group_key], ['security.port_scan', 'src=203.0.113.7']);
  assert.equal(new Date(fired[0].last_seen).toISOString(), '2025-03-15T10:00:03.000Z');
  assert.equal(fired[0].event_count, 16);
  assert.equal(episodes(out.findings)[0].event_count, 20);
});

test('determinism and restart safety: same input → same findings, also with state restored after every event (acceptance 15, 17)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const corpus = [...fx.real, ...fixtureEvents(fx.dir, 'synthetic-firewall.txt')];
  const summary = (findings: FindingEvent[]) =>
    episodes(findings).map((f) => [
      f.event_id,
      f.rule_id,
      f.device,
      f.group_key,
      f.event_count,
      f.first_seen,
      f.last_seen,
    ]);
  const once = summary(run(fx.engine(), corpus).findings);
  assert.equal(once.length, 5);
  assert.deepEqual(summary(run(fx.engine(), corpus).findings), once);

  const restarted: FindingEvent[] = [];
  let engine = fx.engine();
  for (const event of corpus) {
    restarted.push(...engine.evaluate(event).findings);
    const checkpoint = JSON.parse(JSON.stringify(engine.exportState()));
    engine = fx.engine();
    engine.importState(checkpoint);
  }
  assert.deepEqual(summary(restarted), once);
  assert.equal(engine.stats('wifi.psk_mismatch')?.invalid_keys, 4);
});

test('state survives a restart between the 4th and 5th flap (acceptance 17, engine level)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const down = fx.line("Interface 'wan' is now down");
  const flap = (i: number) => at(down, i * 60 * S, { msg: i % 2 ? down.msg.replace('down', 'up') : down.msg });
  const before = fx.engine();
  assert.equal(run(before, [0, 1, 2, 3].map(flap)).findings.length, 0);
  const saved = JSON.stringify(before.exportState());
  const after = fx.engine();
  after.importState(JSON.parse(saved));
  assert.deepEqual(
    after.evaluate(flap(4)).findings.map((f) => [f.rule_id, f.group_key, f.event_count]),
    [['conn.iface_flap', 'iface=wan', 5]],
  );
  assert.equal(fx.engine().evaluate(flap(4)).findings.length, 0);
});

test('keys per rule are bounded: least recently used keys are evicted and counted', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const engine = new RuleEngine(defaultPackRules(fx.dir), { maxKeysPerRule: 2 });
  const psk = fx.line('AP-STA-POSSIBLE-PSK-MISMATCH');
  const macs = ['74:38:b7:00:00:01', '74:38:b7:00:00:02', '74:38:b7:00:00:01', '74:38:b7:00:00:03'];
  run(
    engine,
    macs.map((mac, i) => at(psk, i * S, { msg: psk.msg.replace('74:38:b7:xx:xx:xx', mac) })),
  );
  assert.equal(engine.stats('wifi.psk_mismatch')?.evicted_keys, 1);
  const keys = engine.exportState().keys['wifi.psk_mismatch'].map(([id]) => id.split('\u0000')[1]);
  assert.deepEqual(keys, ['mac=74:38:b7:00:00:01', 'mac=74:38:b7:00:00:03']);
});

test('hot reload keeps window state when only the threshold changes and resets it otherwise (acceptance 16, engine level)', (t) => {
  const fx = setup(t);
  if (!fx) return;
  const { pack } = parseRulePack(readFileSync(join(fx.dir, 'default-rules.yaml'), 'utf8'));
  const withFlap = (change: (doc: RuleDocument) => RuleDocument) =>
    pack.rules.map((doc) => compileRule(doc.id === 'conn.iface_flap' ? change(structuredClone(doc)) : doc));
  const down = fx.line("Interface 'wan' is now down");
  const up = at(down, 60 * S, { msg: down.msg.replace('down', 'up') });
  const engine = new RuleEngine(withFlap((doc) => doc));
  assert.equal(engine.evaluate(at(down, 0)).findings.length, 0);
  engine.replaceRules(withFlap((doc) => ({ ...doc, threshold: { count: 2, window: '300s' } })));
  assert.deepEqual(
    engine.evaluate(up).findings.map((f) => [f.kind, f.event_count]),
    [['fired', 2]],
  );

  engine.replaceRules(withFlap((doc) => ({ ...doc, groupby: ['iface', 'state'] })));
  assert.equal(engine.exportState().keys['conn.iface_flap'], undefined);
  assert.equal(engine.stats('conn.iface_flap')?.fires, 0);
});
