/**
 * The two receivers the benchmark drives: the OPMAS app as a child process (standalone, PGlite, in-process bus,
 * default pack, dry_run) and `rsyslogd -n` from the OS package with imudp (rcvbufSize 4m) + imptcp → omfile.
 * Each reports how many messages it accepted so far, its CPU seconds and RSS.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../packages/testing/src/free-port.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const METRICS_TOKEN = 'opmas-bench-metrics-token-0123456789';
const CLOCK_TICKS = 100;

export interface Receiver {
  name: string;
  udpPort: number;
  tcpPort: number;
  pid: number;
  /** Messages accepted per transport so far. */
  accepted(): Promise<{ udp: number; tcp: number }>;
  cpuSeconds(): number;
  rssMiB(): number;
  peakRssMiB(): number;
  stop(): Promise<void>;
}

const statusKiB = (pid: number, field: string): number =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);

/** utime + stime of a process (and its threads) in seconds. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function track(child: ChildProcess): { output: () => string; exited: Promise<void> } {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { output: () => output, exited: new Promise((done) => child.once('exit', () => done())) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(forced);
}

/** One sample line of a Prometheus text exposition. */
export function metric(text: string, name: string, labels: string): number {
  const line = text
    .split('\n')
    .find((row) => row.startsWith(`${name}{${labels}} `) || (labels === '' && row.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export async function startOpmas(): Promise<Receiver & { metrics(): Promise<string> }> {
  const [port, udpPort, tcpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'opmas-bench-'));
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['packages/kernel/src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APPS: 'opmas',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      METRICS_TOKEN,
      OPMAS_SYSLOG_HOST: '127.0.0.1',
      OPMAS_SYSLOG_UDP_PORT: String(udpPort),
      OPMAS_SYSLOG_TCP_PORT: String(tcpPort),
      OPMAS_ORCHESTRATOR_MODE: 'dry_run',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = track(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  // An overloaded app serves /metrics late (HTTP shares the main thread with the draining pipeline): the bench
  // waits up to five minutes, never forever.
  const metrics = async (): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${baseUrl}/metrics`, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
          signal: AbortSignal.timeout(60_000),
        });
        return await response.text();
      } catch (error) {
        if (attempt >= 4) throw error;
      }
    }
  };
  for (const deadline = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`opmas exited: ${output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`opmas did not start: ${output().slice(-2000)}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok && (await metrics()).includes('opmas_ingest_messages_total')) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  const pid = child.pid ?? 0;
  return {
    name: 'opmas',
    udpPort,
    tcpPort,
    pid,
    metrics,
    async accepted() {
      const text = await metrics();
      return {
        udp: metric(text, 'opmas_ingest_messages_total', 'transport="udp",result="accepted"'),
        tcp: metric(text, 'opmas_ingest_messages_total', 'transport="tcp",result="accepted"'),
      };
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    rssMiB: () => statusKiB(pid, 'VmRSS') / 1024,
    peakRssMiB: () => statusKiB(pid, 'VmHWM') / 1024,
    async stop() {
      await stopChild(child, exited);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The rsyslogd binary of the OS package, or undefined. */
export function findRsyslogd(): string | undefined {
  for (const candidate of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v rsyslogd'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** rsyslogd in the foreground on loopback; counts lines written per input via two omfile outputs. */
export async function startRsyslog(binary: string): Promise<Receiver> {
  const [udpPort, tcpPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'rsyslog-bench-'));
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}")`,
      'main_queue(queue.size="200000")',
      'module(load="imudp" threads="1")',
      'module(load="imptcp")',
      `input(type="imudp" address="127.0.0.1" port="${udpPort}" rcvbufSize="4m" ruleset="udp")`,
      `input(type="imptcp" address="127.0.0.1" port="${tcpPort}" ruleset="tcp")`,
      `ruleset(name="udp") { action(type="omfile" file="${dir}/udp.log" asyncWriting="on" ioBufferSize="256k") }`,
      `ruleset(name="tcp") { action(type="omfile" file="${dir}/tcp.log" asyncWriting="on" ioBufferSize="256k") }`,
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = track(child);
  await sleep(1000);
  if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${output()}`);
  const lines = (file: string): number => {
    const path = join(dir, file);
    if (!existsSync(path)) return 0;
    let count = 0;
    const bytes = readFileSync(path);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) count++;
    return count;
  };
  const pid = child.pid ?? 0;
  return {
    name: 'rsyslog',
    udpPort,
    tcpPort,
    pid,
    // omfile buffers asynchronously; a HUP flushes the files so the counts are current.
    async accepted() {
      child.kill('SIGHUP');
      await sleep(300);
      return { udp: lines('udp.log'), tcp: lines('tcp.log') };
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    rssMiB: () => statusKiB(pid, 'VmRSS') / 1024,
    peakRssMiB: () => statusKiB(pid, 'VmHWM') / 1024,
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
