import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { settingsServiceOf } from '../settings/settings.service.ts';
import { HashingStream } from '../transfers/hashing-stream.ts';
import type { FileMover, MoverFactory, OpenEndpoint, TransferEngine } from '../transfers/transfer.engine.ts';
import type { TransferFileRow, TransferRow } from '../transfers/transfer.tables.ts';
import { HfClient } from './hf.client.ts';
import type { HfFile } from './hf.parsers.ts';
import { buildManifest } from './hf-import.planner.ts';
import { assertPinnedCommit, HfVerifyStream } from './hf-verify.ts';

/** What an `hf_import` transfer keeps as its source. */
export type HfSource = {
  type: 'hf';
  modelId: string;
  revision: string;
  commit: string;
  endpoint: string;
  manifestKey: string;
};

const hfFileOf = (file: TransferFileRow): HfFile => ({
  path: file.sourcePath,
  size: file.size ?? 0,
  blobId: file.gitOid ?? '',
  ...(file.expectedSha256 ? { lfsSha256: file.expectedSha256 } : {}),
});

/**
 * Steps 5–6 of a Hugging Face import (spec "Hugging Face import"): each file is downloaded from the commit pinned at
 * the start (the token goes to the Hub origin only), verified while it streams (SHA-256 for LFS files, git blob id
 * otherwise), written with its SHA-256; files already present with the same size and checksum are skipped; the
 * manifest is written once every file is there.
 */
export function hfImportMover(kernel: Kernel): MoverFactory {
  return async (row: TransferRow, engine: TransferEngine): Promise<FileMover> => {
    const source = row.source as HfSource;
    const settings = settingsServiceOf(kernel);
    const token = row.secretEnc ? kernel.secrets.decrypt(row.secretEnc).toString('utf8') : await settings.hfToken();
    const client = new HfClient({ endpoint: source.endpoint, token });
    const skipExisting = row.options.skipExisting !== false;
    return {
      async move(file, destination, signal, attempt) {
        const hfFile = hfFileOf(file);
        const existing = await destination.driver.stat(file.destPath);
        const sameFile =
          existing &&
          existing.size === hfFile.size &&
          (!hfFile.lfsSha256 || existing.sha256 === undefined || existing.sha256 === hfFile.lfsSha256);
        if (skipExisting && sameFile) {
          await engine.recordFile(row.id, file, { status: 'skipped', loaded: hfFile.size, finishedAt: new Date() });
          return;
        }
        await engine.recordFile(row.id, file, {
          status: 'transferring',
          attempts: attempt,
          loaded: 0,
          startedAt: new Date(),
        });
        const opened = await client.open(source.modelId, source.commit, file.sourcePath, { signal });
        assertPinnedCommit(opened.commit, source.commit, file.sourcePath);
        const progress = engine.progressWriter(row.id, file.idx);
        const verify = new HfVerifyStream(hfFile);
        const hashing = new HashingStream(progress);
        const written = destination.driver.write(file.destPath, hashing, {
          size: hfFile.size,
          sha256: hfFile.lfsSha256,
          signal,
        });
        try {
          await Promise.all([pipeline(opened.body, verify, hashing, { signal }), written]);
        } catch (error) {
          // A mismatching body must not stay behind under the model's name (the file is retried once).
          await destination.driver.delete(file.destPath).catch(() => {});
          throw error;
        }
        const sha256 = hashing.digest();
        if (!hfFile.lfsSha256) await destination.driver.recordSha256?.(file.destPath, sha256, hfFile.size);
        await engine.recordFile(row.id, file, {
          status: 'completed',
          loaded: hfFile.size,
          actualSha256: sha256,
          etag: (await written).etag ?? null,
          destWritten: !existing,
          finishedAt: new Date(),
        });
      },
      async complete(destination: OpenEndpoint, files: TransferFileRow[]) {
        const manifest = buildManifest({
          modelId: source.modelId,
          revision: source.revision,
          commit: source.commit,
          endpoint: source.endpoint,
          importedAt: new Date(),
          files: files.map(hfFileOf),
        });
        const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
        await destination.driver.write(source.manifestKey, Readable.from([bytes]), {
          size: bytes.length,
          contentType: 'application/json',
        });
      },
      release() {},
    };
  };
}
