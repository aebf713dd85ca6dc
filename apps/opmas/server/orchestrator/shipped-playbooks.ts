/**
 * The playbooks and profiles a fresh installation has (spec 02-opmas "Findings and orchestrator", shipped profiles →
 * playbooks). They are seeded once and then belong to the operator; templates are the built-in allowlist.
 */
import type { ExecutionMode } from '../opmas.schema.ts';
import type { DecisionSpec, ProfileFilter, StepParams } from './orchestrator.tables.ts';

export interface ShippedStep {
  name: string;
  kind: 'command' | 'decision';
  template_id?: string;
  params?: StepParams;
  decision?: DecisionSpec;
  continue_on_error?: boolean;
}

export interface ShippedPlaybook {
  id: string;
  name: string;
  description: string;
  domain: string;
  steps: ShippedStep[];
}

export interface ShippedProfile {
  id: string;
  name: string;
  priority: number;
  filter: ProfileFilter;
  playbook_id: string;
  max_mode?: ExecutionMode;
}

const command = (template_id: string, params: StepParams = {}): ShippedStep => ({
  name: template_id,
  kind: 'command',
  template_id,
  params,
  // Diagnostics are independent reads: one failing must not hide the others.
  continue_on_error: true,
});

export const SHIPPED_PLAYBOOKS: ShippedPlaybook[] = [
  {
    id: 'block-source-ip',
    name: 'Block the source address',
    description:
      'Blocks the attacking address on the device for 4 h (escalating on repeats), then collects the SSH log',
    domain: 'security',
    steps: [
      {
        name: 'block',
        kind: 'decision',
        decision: {
          type: 'block_ip',
          scope: 'ip',
          value: '{{finding.fields.ip|finding.fields.src|params.ip}}',
          duration: '4h',
          apply: { ipv4: 'block_ip4', ipv6: 'block_ip6' },
          revert: { ipv4: 'unblock_ip4', ipv6: 'unblock_ip6' },
        },
      },
      command('logread_program', { program: 'dropbear' }),
    ],
  },
  {
    id: 'wifi-station-check',
    name: 'Check and ban a wireless station',
    description: 'Reads the station entry, then bans the client MAC from the access point for 1 h',
    domain: 'wifi',
    steps: [
      command('hostapd_get_sta', { iface: '{{finding.fields.iface}}', mac: '{{finding.fields.mac}}' }),
      {
        name: 'ban',
        kind: 'decision',
        decision: {
          type: 'ban_sta',
          scope: 'mac',
          value: '{{finding.fields.mac}}',
          duration: '1h',
          apply: { any: 'ban_sta' },
          params: { iface: '{{finding.fields.iface}}', mac: '{{finding.fields.mac}}' },
        },
      },
    ],
  },
  {
    id: 'memory-diagnostics',
    name: 'Memory diagnostics',
    description: 'Collects memory, disk, process and kernel-log state after an out-of-memory kill',
    domain: 'health',
    steps: [command('free'), command('df'), command('top_once'), command('dmesg_tail')],
  },
  {
    id: 'interface-diagnostics',
    name: 'Interface diagnostics',
    description: 'Collects addresses, routes and netifd log lines of a flapping interface',
    domain: 'connectivity',
    steps: [command('ip_addr'), command('ip_route'), command('logread_program', { program: 'netifd' })],
  },
  {
    id: 'wifi-diagnostics',
    name: 'Wireless diagnostics',
    description: 'Collects radio and interface state and hostapd log lines',
    domain: 'wifi',
    steps: [command('iw_dev'), command('iwinfo'), command('logread_program', { program: 'hostapd' })],
  },
];

export const SHIPPED_PROFILES: ShippedProfile[] = [
  {
    id: 'block-attackers',
    name: 'Block brute-force and scan sources',
    priority: 10,
    filter: { labels: { remediation: 'block_ip' } },
    playbook_id: 'block-source-ip',
  },
  {
    id: 'psk-mismatch',
    name: 'Wrong Wi-Fi passphrase storms',
    priority: 20,
    filter: { rules: ['wifi.psk_mismatch'] },
    playbook_id: 'wifi-station-check',
  },
  {
    id: 'out-of-memory',
    name: 'Out-of-memory kills',
    priority: 30,
    filter: { rules: ['health.oom'] },
    playbook_id: 'memory-diagnostics',
  },
  {
    id: 'interface-flap',
    name: 'Flapping interfaces',
    priority: 40,
    filter: { rules: ['conn.iface_flap'] },
    playbook_id: 'interface-diagnostics',
  },
  {
    id: 'wifi-other',
    name: 'Other wireless findings',
    priority: 90,
    filter: { rules: ['wifi.*'] },
    playbook_id: 'wifi-diagnostics',
  },
];
