/** The logd transports a router can use (`log_proto`); OpenWrt's logd has no TLS. */
export type LogdTransport = 'udp' | 'tcp';

export interface SyslogTarget {
  host: string;
  port: number;
  transport: LogdTransport;
  /** The device's `log_prefix`, sent as `logread -P` would add it. */
  logPrefix: string | null;
}

/** Single-quotes a value for the router's shell (a quote inside becomes `'\''`). */
const quoted = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

const SYSTEM = 'system.@system[0]';

/**
 * The UCI commands that point a router's logd at OPMAS (device side of spec 02-opmas "Anchors": `/etc/init.d/log`
 * reads `log_ip`, `log_port`, `log_proto`; `log_trailer_null` ends each TCP message with NUL instead of LF, which the
 * TCP framing accepts and which survives messages that contain a LF).
 */
export function syslogSetupCommands(target: SyslogTarget): string[] {
  const commands = [
    `uci set ${SYSTEM}.log_ip=${quoted(target.host)}`,
    `uci set ${SYSTEM}.log_port=${quoted(String(target.port))}`,
    `uci set ${SYSTEM}.log_proto=${quoted(target.transport)}`,
    `uci set ${SYSTEM}.log_trailer_null=${quoted(target.transport === 'tcp' ? '1' : '0')}`,
  ];
  if (target.logPrefix) commands.push(`uci set ${SYSTEM}.log_prefix=${quoted(target.logPrefix)}`);
  commands.push('uci commit system', '/etc/init.d/log restart');
  return commands;
}
