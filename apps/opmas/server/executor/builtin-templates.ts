/**
 * The shipped OpenWrt command templates (spec 02-opmas "Command templates": upstream's allowlist plus the remediation
 * set). Commands target stock OpenWrt: BusyBox applets, `logread`, `ubus`, `iw`/`iwinfo`, `jsonfilter`, fw4 (nftables)
 * and, for older releases, fw3 (iptables).
 */
import { KNOWN_PROGRAMS } from '../ingest/known-programs.ts';
import type { CommandTemplate } from './command-template.ts';

const DIAGNOSTIC_TIMEOUT_S = 30;
/** ≤ 30 days: longer blocks belong in the firewall config, not in a self-expiring set. */
const MAX_BLOCK_S = 30 * 86_400;

/** The nft sets and base chains that `block_ip4`/`block_ip6` fill; `add` is a no-op when they exist already. */
const FW4_SETUP: string[][] = [
  ['nft', 'add', 'set', 'inet', 'fw4', 'opmas_block4', '{ type ipv4_addr; flags timeout; }'],
  ['nft', 'add', 'set', 'inet', 'fw4', 'opmas_block6', '{ type ipv6_addr; flags timeout; }'],
  // Priority -1 runs before fw4's own filter chains (priority 0), so a block cannot be bypassed by an accept there.
  ['nft', 'add', 'chain', 'inet', 'fw4', 'opmas_input', '{ type filter hook input priority -1; policy accept; }'],
  ['nft', 'add', 'chain', 'inet', 'fw4', 'opmas_forward', '{ type filter hook forward priority -1; policy accept; }'],
  // Flushing before adding keeps exactly one drop rule per set however often the setup runs.
  ['nft', 'flush', 'chain', 'inet', 'fw4', 'opmas_input'],
  ['nft', 'flush', 'chain', 'inet', 'fw4', 'opmas_forward'],
  ['nft', 'add', 'rule', 'inet', 'fw4', 'opmas_input', 'ip', 'saddr', '@opmas_block4', 'drop'],
  ['nft', 'add', 'rule', 'inet', 'fw4', 'opmas_input', 'ip6', 'saddr', '@opmas_block6', 'drop'],
  ['nft', 'add', 'rule', 'inet', 'fw4', 'opmas_forward', 'ip', 'saddr', '@opmas_block4', 'drop'],
  ['nft', 'add', 'rule', 'inet', 'fw4', 'opmas_forward', 'ip6', 'saddr', '@opmas_block6', 'drop'],
];

/** hostapd's `del_client` ubus call; reason 5 = "AP unable to handle all associated stations" as upstream uses. */
const delClient = (banTime: string): string[] => [
  'ubus',
  'call',
  'hostapd.{{iface}}',
  'del_client',
  `{"addr":"{{mac}}","reason":5,"deauth":true,"ban_time":${banTime}}`,
];

const diagnostic = (
  id: string,
  description: string,
  commands: string[][],
  extra: Partial<CommandTemplate> = {},
): CommandTemplate => ({
  id,
  description,
  kind: 'diagnostic',
  params: {},
  commands,
  timeoutS: DIAGNOSTIC_TIMEOUT_S,
  ...extra,
});

export const BUILTIN_TEMPLATES: readonly CommandTemplate[] = [
  diagnostic('logread_tail', 'Last lines of the system log', [['logread', '-l', '{{lines}}']], {
    params: { lines: { type: 'enum', values: ['50', '100'] } },
  }),
  diagnostic('logread_program', 'System log lines of one program', [['logread', '-e', '{{program}}']], {
    params: { program: { type: 'enum', values: [...KNOWN_PROGRAMS] } },
  }),
  diagnostic('dmesg_tail', 'Last kernel messages', [['dmesg'], ['tail', '-n', '100']], { join: 'pipe' }),
  diagnostic('uptime', 'Uptime and load', [['uptime']]),
  diagnostic('free', 'Memory usage', [['free']]),
  diagnostic('df', 'File system usage', [['df', '-h']]),
  diagnostic('top_once', 'One batch snapshot of processes', [['top', '-b', '-n', '1']]),
  diagnostic('ps', 'Process list', [['ps', 'w']]),
  diagnostic('ip_addr', 'Interface addresses', [['ip', 'addr', 'show']]),
  diagnostic('ip_route', 'IPv4 and IPv6 routes', [
    ['ip', 'route', 'show'],
    ['ip', '-6', 'route', 'show'],
  ]),
  diagnostic('netstat', 'Listening TCP/UDP sockets', [['netstat', '-tuln']]),
  diagnostic('cat_config', 'One UCI configuration file', [['cat', '/etc/config/{{config}}']], {
    params: { config: { type: 'enum', values: ['network', 'dhcp', 'wireless', 'firewall'] } },
  }),
  diagnostic('ping', 'Reachability of a host', [['ping', '-c', '4', '-W', '2', '{{host}}']], {
    params: { host: { type: 'host' } },
  }),
  diagnostic('traceroute', 'Route to a host', [['traceroute', '-n', '-w', '2', '-m', '15', '{{host}}']], {
    params: { host: { type: 'host' } },
    timeoutS: 60,
  }),
  diagnostic('nslookup', 'DNS resolution of a host', [['nslookup', '{{host}}']], {
    params: { host: { type: 'host' } },
  }),
  diagnostic('iw_dev', 'Wireless interfaces', [['iw', 'dev']]),
  diagnostic('iwinfo', 'Wireless interface details', [['iwinfo']]),
  diagnostic('station_dump', 'Stations of one wireless interface', [['iw', 'dev', '{{iface}}', 'station', 'dump']], {
    params: { iface: { type: 'iface' } },
  }),
  diagnostic('hostapd_list_sta', 'Clients known to hostapd', [['ubus', 'call', 'hostapd.{{iface}}', 'get_clients']], {
    params: { iface: { type: 'iface' } },
  }),
  diagnostic(
    'hostapd_get_sta',
    'One client as hostapd sees it',
    [
      ['ubus', 'call', 'hostapd.{{iface}}', 'get_clients'],
      ['jsonfilter', '-e', '@.clients["{{mac}}"]'],
    ],
    { params: { iface: { type: 'iface' }, mac: { type: 'mac' } }, join: 'pipe' },
  ),
  diagnostic('iptables_list', 'fw3 (iptables) filter rules', [['iptables', '-w', '-L', '-n', '-v']]),
  {
    id: 'fw4_block_setup',
    description: 'Create the self-expiring nft block sets and their drop rules (idempotent)',
    kind: 'remediation',
    params: {},
    commands: FW4_SETUP,
    join: 'and',
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'block_ip4',
    description: 'Drop an IPv4 source for a while (nft set element with timeout)',
    kind: 'remediation',
    params: { ip: { type: 'ipv4' }, ttl_s: { type: 'int', min: 1, max: MAX_BLOCK_S } },
    commands: [['nft', 'add', 'element', 'inet', 'fw4', 'opmas_block4', '{ {{ip}} timeout {{ttl_s}}s }']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
    revertTemplateId: 'unblock_ip4',
  },
  {
    id: 'unblock_ip4',
    description: 'Remove an IPv4 source from the block set',
    kind: 'remediation',
    params: { ip: { type: 'ipv4' } },
    commands: [['nft', 'delete', 'element', 'inet', 'fw4', 'opmas_block4', '{ {{ip}} }']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'block_ip6',
    description: 'Drop an IPv6 source for a while (nft set element with timeout)',
    kind: 'remediation',
    params: { ip: { type: 'ipv6' }, ttl_s: { type: 'int', min: 1, max: MAX_BLOCK_S } },
    commands: [['nft', 'add', 'element', 'inet', 'fw4', 'opmas_block6', '{ {{ip}} timeout {{ttl_s}}s }']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
    revertTemplateId: 'unblock_ip6',
  },
  {
    id: 'unblock_ip6',
    description: 'Remove an IPv6 source from the block set',
    kind: 'remediation',
    params: { ip: { type: 'ipv6' } },
    commands: [['nft', 'delete', 'element', 'inet', 'fw4', 'opmas_block6', '{ {{ip}} }']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'block_ip_iptables',
    description: 'Drop an IPv4 source on fw3 (iptables) devices',
    kind: 'remediation',
    params: { ip: { type: 'ipv4' } },
    commands: [['iptables', '-w', '-I', 'INPUT', '-s', '{{ip}}', '-j', 'DROP']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
    revertTemplateId: 'unblock_ip_iptables',
  },
  {
    id: 'unblock_ip_iptables',
    description: 'Remove the fw3 (iptables) drop rule of an IPv4 source',
    kind: 'remediation',
    params: { ip: { type: 'ipv4' } },
    commands: [['iptables', '-w', '-D', 'INPUT', '-s', '{{ip}}', '-j', 'DROP']],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'kick_sta',
    description: 'Disconnect a wireless client without banning it',
    kind: 'remediation',
    params: { iface: { type: 'iface' }, mac: { type: 'mac' } },
    commands: [delClient('0')],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'ban_sta',
    description: 'Disconnect a wireless client and refuse it for ban_ms milliseconds',
    kind: 'remediation',
    params: {
      iface: { type: 'iface' },
      mac: { type: 'mac' },
      ban_ms: { type: 'int', min: 1000, max: MAX_BLOCK_S * 1000 },
    },
    commands: [delClient('{{ban_ms}}')],
    timeoutS: DIAGNOSTIC_TIMEOUT_S,
  },
  {
    id: 'wifi_reload',
    description: 'Reload the wireless configuration (brief client disconnects)',
    kind: 'remediation',
    params: {},
    commands: [['wifi', 'reload']],
    timeoutS: 60,
  },
];
