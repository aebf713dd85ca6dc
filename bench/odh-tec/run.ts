/**
 * ODH-TEC transfer bench (spec 01-odh-tec "Performance targets"): a 2 GiB upload and download through the app's
 * routes versus the AWS SDK (and `aws s3 cp` when installed) straight against the same embedded s3-server, in the
 * same run; peak RSS of the app process; then the memory-flatness check (½× versus 2× the size in fresh processes).
 * Loopback only, data from a seeded PRNG, stops by itself. BENCH_ODH_TEC_SIZE_MIB (default 2048) shrinks the run.
 * Run: npm run bench -- odh-tec
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { partSizeFor, queueSizeFor } from '../../apps/odh-tec/server/storage/part-size.ts';
import { type AppProcess, startApp } from './app-process.ts';
import {
  awsUnavailable,
  downloadThroughApp,
  downloadWithAws,
  downloadWithSdk,
  mibPerSecond,
  storedSha256,
  type Transfer,
  uploadThroughApp,
  uploadWithAws,
  uploadWithSdk,
} from './transfers.ts';

const MiB = 1024 * 1024;
const SEED = 'odh-tec-bench';
/** Spec 01-odh-tec "Performance targets". */
const TARGET = {
  uploadMiBs: 80,
  uploadVsSdk: 0.8,
  uploadRssMiB: 300,
  downloadMiBs: 250,
  downloadRssMiB: 200,
  flat: 0.1,
};

const sizeMiB = Number(process.env.BENCH_ODH_TEC_SIZE_MIB ?? 2048);
if (!Number.isInteger(sizeMiB) || sizeMiB < 2) {
  console.error('BENCH_ODH_TEC_SIZE_MIB must be an integer ≥ 2');
  process.exit(2);
}
const size = sizeMiB * MiB;

const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
const rate = (transfer: Transfer): string =>
  `${mibPerSecond(transfer).toFixed(1)} MiB/s (${transfer.seconds.toFixed(1)} s)`;
const ratio = (ours: Transfer, peer: Transfer): number => mibPerSecond(ours) / mibPerSecond(peer);
/** A wrong byte is a failed run, unlike a missed speed target. */
const checkBytes = (label: string, equal: boolean): string => {
  if (!equal) process.exitCode = 1;
  return `${label} ${equal ? 'equal' : 'DIFFERENT'}`;
};
const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type PeerResult = { upload: Transfer; download: Transfer } | { unavailable: string };

/** Uploads, downloads back, checks the bytes and deletes one peer object; a failing peer is reported, not fatal. */
async function runPeer(
  app: AppProcess,
  key: string,
  upload: () => Promise<Transfer>,
  download: () => Promise<Transfer>,
): Promise<PeerResult> {
  try {
    const sent = await upload();
    const received = await download();
    if (received.sha256 !== sent.sha256 || received.bytes !== sent.bytes) throw new Error('downloaded bytes differ');
    return { upload: sent, download: received };
  } catch (error) {
    return { unavailable: reasonOf(error) };
  } finally {
    await app.store.client.send(new DeleteObjectCommand({ Bucket: app.store.bucket, Key: key })).catch(() => {});
  }
}

const describePeer = (name: string, peer: PeerResult, direction: 'upload' | 'download', ours: Transfer): string => {
  if ('unavailable' in peer) return `  ${name}: peer unavailable: ${peer.unavailable}`;
  const theirs = peer[direction];
  return `  ${name}: ${rate(theirs)}   app/peer ×${ratio(ours, theirs).toFixed(2)}`;
};

type Peak = { peakMiB: number; idleMiB: number; reset: boolean };

/** The peak RSS of one transfer: VmHWM restarted at the idle RSS just before it (whole-life when not resettable). */
async function measured<T>(app: AppProcess, work: () => Promise<T>): Promise<{ result: T; peak: Peak }> {
  const idleMiB = app.rssMiB();
  const reset = app.resetPeakRss();
  const result = await work();
  return { result, peak: { peakMiB: app.peakRssMiB(), idleMiB, reset } };
}

const describePeak = (peak: Peak): string =>
  `peak RSS ${peak.peakMiB.toFixed(0)} MiB (idle before ${peak.idleMiB.toFixed(0)} MiB` +
  `${peak.reset ? '' : '; VmHWM not resettable, so since process start'})`;

/**
 * One upload through the app in a fresh process, for the flatness check: nothing earlier in the process (start-up,
 * migrations, another transfer) can set its VmHWM, which is restarted once the app is ready.
 */
async function freshUploadPeak(root: string, mib: number): Promise<{ transfer: Transfer; peak: Peak }> {
  const dataDir = mkdtempSync(join(root, `flat-${mib}-`));
  const app = await startApp(dataDir);
  try {
    const { result, peak } = await measured(app, () => uploadThroughApp(app, `bench/flat-${mib}.bin`, mib * MiB, SEED));
    return { transfer: result, peak };
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(root: string): Promise<void> {
  const partSize = partSizeFor(size);
  console.log(
    `odh-tec bench: ${sizeMiB} MiB, part size ${partSize / MiB} MiB, queue ${queueSizeFor(partSize)}; ` +
      `machine ${availableParallelism()} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
  );
  const app = await startApp(join(root, 'main'));
  try {
    console.log(
      `app pid ${app.pid} at ${app.baseUrl}, embedded s3-server at ${app.store.url} (bucket ${app.store.bucket})`,
    );
    const key = 'bench/app.bin';
    const { result: up, peak: upPeak } = await measured(app, () => uploadThroughApp(app, key, size, SEED));
    const stored = await storedSha256(app.store, key);
    const { result: down, peak: downPeak } = await measured(app, () => downloadThroughApp(app, key, size));
    await app.store.client.send(new DeleteObjectCommand({ Bucket: app.store.bucket, Key: key }));

    const sdk = await runPeer(
      app,
      'bench/sdk.bin',
      () => uploadWithSdk(app.store, 'bench/sdk.bin', size, SEED),
      () => downloadWithSdk(app.store, 'bench/sdk.bin', size),
    );
    const awsMissing = await awsUnavailable();
    const aws: PeerResult = awsMissing
      ? { unavailable: awsMissing }
      : await runPeer(
          app,
          'bench/aws.bin',
          () => uploadWithAws(app.store, 'bench/aws.bin', size, SEED),
          () => downloadWithAws(app.store, 'bench/aws.bin', size),
        );

    console.log(`upload ${sizeMiB} MiB`);
    console.log(
      `  app POST /odh-tec/api/objects/upload: ${rate(up)}, ${describePeak(upPeak)}, ` +
        `${checkBytes('stored SHA-256', stored === up.sha256)}`,
    );
    console.log(describePeer('SDK lib-storage Upload', sdk, 'upload', up));
    console.log(describePeer('aws s3 cp -', aws, 'upload', up));
    const vsSdk = 'upload' in sdk ? ratio(up, sdk.upload) : undefined;
    console.log(
      `  targets: ≥ ${TARGET.uploadMiBs} MiB/s ${verdict(mibPerSecond(up) >= TARGET.uploadMiBs)}; ` +
        `≥ ${TARGET.uploadVsSdk} × SDK ${vsSdk === undefined ? 'not checked (no SDK figure)' : `(×${vsSdk.toFixed(2)}) ${verdict(vsSdk >= TARGET.uploadVsSdk)}`}; ` +
        `RSS < ${TARGET.uploadRssMiB} MiB ${verdict(upPeak.peakMiB < TARGET.uploadRssMiB)}`,
    );

    console.log(`download ${sizeMiB} MiB`);
    const downBytesEqual = down.sha256 === up.sha256 && down.bytes === size;
    console.log(
      `  app GET /odh-tec/api/objects/download: ${rate(down)}, ${describePeak(downPeak)}, ` +
        `${checkBytes('SHA-256', downBytesEqual)}`,
    );
    console.log(describePeer('SDK GetObject', sdk, 'download', down));
    console.log(describePeer('aws s3 cp … -', aws, 'download', down));
    console.log(
      `  targets: ≥ ${TARGET.downloadMiBs} MiB/s ${verdict(mibPerSecond(down) >= TARGET.downloadMiBs)}; ` +
        `RSS < ${TARGET.downloadRssMiB} MiB ${verdict(downPeak.peakMiB < TARGET.downloadRssMiB)}`,
    );
  } finally {
    await app.stop();
  }

  const smallMiB = Math.max(1, Math.floor(sizeMiB / 2));
  const small = await freshUploadPeak(root, smallMiB);
  const large = await freshUploadPeak(root, sizeMiB * 2);
  const growth = large.peak.peakMiB / small.peak.peakMiB - 1;
  console.log('memory flatness (each upload in a fresh app process)');
  console.log(`  ${smallMiB} MiB upload: ${rate(small.transfer)}, ${describePeak(small.peak)}`);
  console.log(`  ${sizeMiB * 2} MiB upload: ${rate(large.transfer)}, ${describePeak(large.peak)}`);
  console.log(
    `  peak RSS ${sizeMiB * 2} MiB vs ${smallMiB} MiB: ` +
      `difference ${(growth * 100).toFixed(1)} % (target within ${TARGET.flat * 100} %) ${verdict(Math.abs(growth) <= TARGET.flat)}`,
  );
}

const root = mkdtempSync(join(tmpdir(), 'odh-tec-bench-'));
try {
  await main(root);
} catch (error) {
  console.error(`odh-tec bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
