import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BUILTIN_TEMPLATES } from './builtin-templates.ts';
import {
  CommandAllowlist,
  type CommandTemplate,
  defineTemplate,
  renderCommand,
  shellQuote,
  TemplateError,
} from './command-template.ts';

const allowlist = new CommandAllowlist(BUILTIN_TEMPLATES, { protectedCidrs: ['192.168.1.0/24'] });

const refusedWith =
  (code: string, detail: { param?: string; type?: string } = {}) =>
  (error: unknown) => {
    assert.ok(error instanceof TemplateError, String(error));
    assert.equal(error.code, code, error.message);
    for (const [key, value] of Object.entries(detail)) assert.equal(error[key as 'param' | 'type'], value);
    return true;
  };

test('every built-in passes definition checks and ships the spec names', () => {
  const ids = BUILTIN_TEMPLATES.map((template) => template.id);
  for (const id of [
    'logread_tail',
    'logread_program',
    'dmesg_tail',
    'cat_config',
    'ping',
    'station_dump',
    'iptables_list',
  ])
    assert.ok(ids.includes(id), id);
  for (const id of ['fw4_block_setup', 'block_ip4', 'block_ip6', 'block_ip_iptables', 'kick_sta', 'ban_sta'])
    assert.equal(allowlist.get(id)?.kind, 'remediation', id);
  for (const template of BUILTIN_TEMPLATES) {
    if (template.revertTemplateId) assert.ok(allowlist.get(template.revertTemplateId), template.revertTemplateId);
  }
});

test('renders the spec forms of block_ip4 and ban_sta with each parameter single-quoted', () => {
  assert.equal(
    allowlist.render('block_ip4', { ip: '203.0.113.9', ttl_s: 14_400 }).command,
    "nft add element inet fw4 opmas_block4 '{ 203.0.113.9 timeout 14400s }'",
  );
  const ban = allowlist.render('ban_sta', { iface: 'phy0-ap0', mac: 'AA-BB-CC-00-11-22', ban_ms: 3_600_000 });
  assert.equal(
    ban.command,
    `ubus call 'hostapd.phy0-ap0' del_client '{"addr":"aa:bb:cc:00:11:22","reason":5,"deauth":true,"ban_time":3600000}'`,
  );
  assert.deepEqual(ban.params, { iface: 'phy0-ap0', mac: 'aa:bb:cc:00:11:22', ban_ms: '3600000' });
  assert.equal(ban.timeoutMs, 30_000);
  assert.equal(allowlist.render('logread_tail', { lines: '50' }).command, "logread -l '50'");
  assert.equal(allowlist.render('dmesg_tail', {}).command, 'dmesg | tail -n 100');
  assert.match(
    allowlist.render('fw4_block_setup', {}).command,
    /^nft add set .* && nft flush chain inet fw4 opmas_input && /,
  );
});

test('unknown or disabled templates are not allowed', () => {
  assert.throws(() => allowlist.render('rm_rf', {}), refusedWith('command_not_allowed'));
  const disabled = new CommandAllowlist([{ ...BUILTIN_TEMPLATES[3], enabled: false }]);
  assert.throws(() => disabled.render(BUILTIN_TEMPLATES[3].id, {}), refusedWith('command_not_allowed'));
});

test('injection attempts are refused as param_invalid naming the parameter and type', () => {
  for (const ip of [
    '1.2.3.4; reboot',
    '1.2.3.4; rm -rf /',
    '$(reboot)',
    '1.2.3.4\nreboot',
    "1.2.3.4' ; reboot ; '",
    '１.２.３.４',
  ])
    assert.throws(
      () => allowlist.render('block_ip4', { ip, ttl_s: 60 }),
      refusedWith('param_invalid', { param: 'ip', type: 'ipv4' }),
    );
  assert.throws(
    () => allowlist.render('station_dump', { iface: 'wlan0 && reboot' }),
    refusedWith('param_invalid', { param: 'iface', type: 'iface' }),
  );
  assert.throws(
    () => allowlist.render('logread_tail', { lines: '50 ; reboot' }),
    refusedWith('param_invalid', { param: 'lines' }),
  );
});

test('protected addresses are refused in remediation but not in diagnostics', () => {
  for (const ip of ['127.0.0.1', '0.0.0.0', '239.1.2.3', '192.168.1.1'])
    assert.throws(
      () => allowlist.render('block_ip4', { ip, ttl_s: 60 }),
      refusedWith('param_invalid', { param: 'ip' }),
    );
  assert.throws(() => allowlist.render('block_ip6', { ip: '::1', ttl_s: 60 }), refusedWith('param_invalid'));
  assert.equal(allowlist.render('ping', { host: '192.168.1.1' }).command, "ping -c 4 -W 2 '192.168.1.1'");
});

test('missing and undeclared parameters are refused', () => {
  assert.throws(
    () => allowlist.render('block_ip4', { ip: '203.0.113.9' }),
    refusedWith('param_missing', { param: 'ttl_s' }),
  );
  assert.throws(
    () => allowlist.render('block_ip4', { ip: '', ttl_s: 60 }),
    refusedWith('param_missing', { param: 'ip' }),
  );
  assert.throws(() => allowlist.render('uptime', { extra: 'x' }), refusedWith('param_invalid', { param: 'extra' }));
});

test('template definitions: undeclared placeholder, unused or badly named params, unsafe enums, parameter as program', () => {
  const base: CommandTemplate = {
    id: 'probe',
    description: 'd',
    kind: 'diagnostic',
    params: {},
    commands: [['true']],
    timeoutS: 5,
  };
  assert.throws(
    () => defineTemplate({ ...base, commands: [['echo', '{{who}}']] }),
    refusedWith('template_placeholder_unknown', { param: 'who' }),
  );
  assert.throws(() => defineTemplate({ ...base, params: { who: { type: 'user' } } }), refusedWith('template_invalid'));
  assert.throws(
    () => defineTemplate({ ...base, params: { 'who;': { type: 'user' } }, commands: [['echo', '{{who;}}']] }),
    refusedWith('template_invalid'),
  );
  assert.throws(
    () => defineTemplate({ ...base, params: { v: { type: 'enum', values: ['a b'] } }, commands: [['echo', '{{v}}']] }),
    refusedWith('template_invalid'),
  );
  assert.throws(
    () => defineTemplate({ ...base, params: { p: { type: 'user' } }, commands: [['{{p}}']] }),
    refusedWith('template_invalid'),
  );
  assert.throws(() => defineTemplate({ ...base, id: 'Bad Id' }), refusedWith('template_invalid'));
  assert.throws(() => new CommandAllowlist([base, base]), refusedWith('template_invalid'));
});

test('rendered commands keep literal quotes and metacharacters inert in a real POSIX shell', () => {
  const nasty = `it's $(echo pwned) \`id\` ; "x" | & > /tmp/never \\ \n done`;
  const echo = defineTemplate({
    id: 'echo_literal',
    description: 'test only',
    kind: 'diagnostic',
    params: { word: { type: 'iface' } },
    commands: [['printf', '%s|%s', nasty, 'pre-{{word}}-post']],
    timeoutS: 5,
  });
  const rendered = renderCommand(echo, { word: 'wlan0' });
  const shell = spawnSync('/bin/sh', ['-c', rendered.command], { encoding: 'utf8' });
  assert.equal(shell.status, 0, shell.stderr);
  assert.equal(shell.stdout, `${nasty}|pre-wlan0-post`);
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
});
