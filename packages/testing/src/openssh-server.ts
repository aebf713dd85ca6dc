/**
 * Starts a throw-away OpenSSH `sshd` for the SSH executor tier (spec 02-opmas acceptance test 22: `sshd -D -e -f <tmp
 * config>` on 127.0.0.1 and a random port, a throwaway host key and user key, `UsePAM no`, `StrictModes no`,
 * `AuthorizedKeysFile` in the temp dir; missing in CI → fail naming the package). The login user is whoever runs the
 * tests (root in CI), authenticated by a generated ed25519 key.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './free-port.ts';
import { ownServerProcess, serverForTest, tierSkipReason } from './test-tier.ts';

export interface OpensshServer {
  host: '127.0.0.1';
  port: number;
  /** Login name accepted with `clientPrivateKey` (the user running the tests). */
  username: string;
  /** OpenSSH-style fingerprint of the server's ed25519 host key, e.g. `SHA256:abc…` (no base64 padding). */
  hostKeySha256: string;
  /** OpenSSH-format private key (unencrypted) listed in the server's authorized_keys. */
  clientPrivateKey: string;
  /** Temporary directory holding keys, config and pid file; removed on stop. */
  dir: string;
  /** The sshd process (gone after `stop()`). */
  pid: number;
  /** sshd's log so far (`-e`, LogLevel VERBOSE; first 64 KB), to check what reached authentication. */
  log(): string;
  stop(): Promise<void>;
}

export const OPENSSH_SERVER_MISSING = 'SKIP openssh tier: install the Debian package openssh-server (sshd, ssh-keygen)';

const START_TIMEOUT_MS = 15_000;
/** sshd refuses to start as root unless its privilege-separation directory exists (Debian creates it at boot). */
const PRIVSEP_DIR = '/run/sshd';

/** Finds sshd: `SSHD_BIN`, then the Debian location (/usr/sbin is often off PATH). */
export function findSshd(): string | undefined {
  return [process.env.SSHD_BIN, '/usr/sbin/sshd', '/usr/bin/sshd'].find((candidate) => isExecutable(candidate));
}

function findSshKeygen(): string | undefined {
  return ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'].find((candidate) => isExecutable(candidate));
}

function isExecutable(path: string | undefined): path is string {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * For suites gated as a whole: undefined when sshd and ssh-keygen are installed; otherwise prints a loud skip notice and
 * returns the reason, or throws when `CI=true` (a silently skipped tier proves nothing).
 */
export function opensshTierSkipReason(
  locate: () => string | undefined = () => findSshd() && findSshKeygen(),
): string | undefined {
  return tierSkipReason(Boolean(locate()), OPENSSH_SERVER_MISSING);
}

/** For a single test: starts sshd stopped after the test, or skips (fails in CI) when OpenSSH is missing. */
export function opensshTier(t: TestContext): Promise<OpensshServer | undefined> {
  return serverForTest(t, opensshTierSkipReason(), startOpensshServer);
}

/** Generates keys and config in a temp dir, starts `sshd -D -e` on a free loopback port and waits until it accepts. */
export async function startOpensshServer(): Promise<OpensshServer> {
  const sshd = findSshd();
  const keygen = findSshKeygen();
  if (!sshd || !keygen) throw new Error(OPENSSH_SERVER_MISSING.replace(/^SKIP /, 'missing '));
  if (process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR)) mkdirSync(PRIVSEP_DIR, { mode: 0o755, recursive: true });

  const dir = await mkdtemp(join(tmpdir(), 'openssh-test-'));
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519_key');
  for (const [file, comment] of [
    [hostKey, 'opmas-test-host'],
    [clientKey, 'opmas-test-client'],
  ]) {
    execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
  }
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, await readFile(`${clientKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // Root in CI logs in with the generated key only.
      'PermitRootLogin prohibit-password',
      // The temp dir's owner and modes do not matter for a throwaway server.
      'StrictModes no',
      'UsePAM no',
      'PrintMotd no',
      'PrintLastLog no',
      'UseDNS no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );

  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Keep the start-up log for error messages; bounded because sessions log a few lines each.
    if (log.length < 64_000) log += chunk.toString('utf8');
  });
  const stop = ownServerProcess(child, dir);

  try {
    await waitForPort(child, port, () => log);
    return {
      host: '127.0.0.1',
      port,
      pid: child.pid ?? -1,
      username: userInfo().username,
      hostKeySha256: await publicKeyFingerprint(`${hostKey}.pub`),
      clientPrivateKey: await readFile(clientKey, 'utf8'),
      dir,
      log: () => log,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob, the form `ssh-keygen -l` prints. */
async function publicKeyFingerprint(publicKeyFile: string): Promise<string> {
  const [, blob] = (await readFile(publicKeyFile, 'utf8')).trim().split(/\s+/);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Polls the port until sshd accepts (it logs nothing reliable on readiness with `-e`); fails if sshd exits. */
async function waitForPort(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited before it was ready (code ${child.exitCode}, signal ${child.signalCode})\n${log()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not accept connections on port ${port} in ${START_TIMEOUT_MS} ms\n${log()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** SIGTERM, then SIGKILL if it lingers. Session children exit with their connections. */
