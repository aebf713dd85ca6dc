/**
 * `npm run opmas:replay -- <file> [options]` (spec 02 "Replayer"): replays a logread corpus to a syslog listener or
 * the HTTP logs API and prints `{"sent","errors","rate"}` as one JSON line. Exit 2 on bad arguments.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { replay } from './replay-sender.ts';
import {
  DEFAULT_TARGET,
  FRAMINGS,
  type Framing,
  parseTarget,
  REPLAY_FORMATS,
  type ReplayFormat,
  readCorpus,
  replayLines,
} from './replay-source.ts';

const USAGE = `usage: npm run opmas:replay -- <file> [options]
  --target URL          udp://, tcp://, tls://HOST:PORT or http(s)://…/opmas/api/v1/logs (default ${DEFAULT_TARGET})
  --rate N              lines per second (default 100)
  --devices M           hostnames ap-1 … ap-M, round-robin (default 1: OpenWrt)
  --framing F           TCP/TLS framing: lf (default), nul, octet
  --format F            openwrt (default), rfc5424, raw
  --loop K | --duration S   passes over the file (default 1) or seconds of looping
  --retime              timestamps = send time instead of the file's
  --rotate-ips          IPv4 addresses rewritten into 198.18.0.0/15, new ones each loop
  --distinct-sources    each device sends from its own 127.0.0.x (UDP/TCP/TLS)
  --max-seconds S       hard stop (default 120)
  --token T             HTTP bearer token (default env OPMAS_REPLAY_TOKEN)
  --insecure            TLS: accept any server certificate`;

class UsageError extends Error {}

/** A positive number option, or the default when absent. */
function positive(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!(number > 0) || (integer && !Number.isInteger(number))) throw new UsageError(`--${name} must be positive`);
  return number;
}

/** One of the allowed values, or the default when absent. */
function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0];
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Command line → corpus path and replay settings; throws UsageError on anything malformed. */
function parseCommandLine(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      rate: { type: 'string' },
      devices: { type: 'string' },
      framing: { type: 'string' },
      format: { type: 'string' },
      loop: { type: 'string' },
      duration: { type: 'string' },
      retime: { type: 'boolean', default: false },
      'rotate-ips': { type: 'boolean', default: false },
      'distinct-sources': { type: 'boolean', default: false },
      'max-seconds': { type: 'string' },
      token: { type: 'string' },
      insecure: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('exactly one corpus file is needed');
  if (values.loop !== undefined && values.duration !== undefined)
    throw new UsageError('--loop and --duration exclude each other');
  const devices = positive('devices', values.devices, 1, true);
  if (values['distinct-sources'] && devices > 254)
    throw new UsageError('--distinct-sources supports at most 254 devices');
  if (values.target !== undefined) {
    try {
      parseTarget(values.target);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const maxSeconds = positive('max-seconds', values['max-seconds'], 120);
  const duration = positive('duration', values.duration, Number.POSITIVE_INFINITY);
  return {
    // npm runs scripts from the repository root; a relative path means the caller's directory.
    file: resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]),
    stream: {
      loops: values.duration !== undefined ? Number.POSITIVE_INFINITY : positive('loop', values.loop, 1, true),
      devices,
      format: oneOf<ReplayFormat>('format', values.format, REPLAY_FORMATS),
      retime: values.retime,
      rotateIps: values['rotate-ips'],
    },
    send: {
      target: values.target ?? DEFAULT_TARGET,
      allowRemote: values.target !== undefined,
      rate: positive('rate', values.rate, 100),
      framing: oneOf<Framing>('framing', values.framing, FRAMINGS),
      maxSeconds: Math.min(maxSeconds, duration),
      distinctSources: values['distinct-sources'],
      insecure: values.insecure,
      token: values.token ?? process.env.OPMAS_REPLAY_TOKEN,
    },
  };
}

async function main(): Promise<number> {
  let settings: ReturnType<typeof parseCommandLine>;
  try {
    settings = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown options and missing values.
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  let corpus: string[];
  try {
    corpus = readCorpus(settings.file);
  } catch (error) {
    console.error(`cannot read ${settings.file}: ${(error as Error).message}`);
    return 1;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    const lines = replayLines(corpus, settings.stream);
    console.log(JSON.stringify(await replay({ ...settings.send, lines, signal: controller.signal })));
    return 0;
  } catch (error) {
    // replay throws only on options it refuses (send errors are counted), so this is a usage error too.
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

process.exitCode = await main();
