import { readFileSync } from 'node:fs';

/**
 * The kernel's UDP receive-buffer drops (`/proc/net/snmp` `Udp: … RcvbufErrors`), host-wide: the datagrams a
 * listener never saw because its socket buffer was full (spec 02-opmas "Framing": mirrored as kernel drops).
 */
export function udpRcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n');
  const header = lines.find((line) => line.startsWith('Udp: ') && line.includes('RcvbufErrors'));
  const values = lines.find((line) => line.startsWith('Udp: ') && /^Udp: \d/.test(line));
  if (!header || !values) return 0;
  const index = header.split(/\s+/).indexOf('RcvbufErrors');
  return Number(values.split(/\s+/)[index] ?? 0);
}
