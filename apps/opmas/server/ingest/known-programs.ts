/**
 * Programs named in the default classification table (spec 02 "Classification"). The parser uses them to recognise a
 * `logread -P PREFIX` tag: a first tag that is not a known program followed by `kernel: ` or a known program tag.
 */
export const KNOWN_PROGRAMS: ReadonlySet<string> = new Set([
  'hostapd',
  'wpa_supplicant',
  'kernel',
  'dropbear',
  'sshd',
  'uhttpd',
  'login',
  'passwd',
  'netifd',
  'odhcp6c',
  'odhcpd',
  'pppd',
  'dnsmasq',
  'mwan3',
  'udhcpc',
  'dnsmasq-dhcp',
  'crond',
  'procd',
  'ntpd',
  'sysntpd',
  'firewall',
  'fw3',
  'fw4',
  'ubusd',
  'logd',
  'rpcd',
  'urandom_seed',
  'init',
]);
