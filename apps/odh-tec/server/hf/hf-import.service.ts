import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { settingsServiceOf } from '../settings/settings.service.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import type { TransferService } from '../transfers/transfer.service.ts';
import type { Endpoint, TransferRow } from '../transfers/transfer.tables.ts';
import { HfClient } from './hf.client.ts';
import { planHfImport } from './hf-import.planner.ts';
import type { HfSource } from './hf-import.runner.ts';

export type ImportInput = {
  modelId: string;
  revision?: string;
  include?: string[];
  exclude?: string[];
  hfToken?: string;
  skipExisting?: boolean;
  prefix?: string;
  /** S3: `{type:'s3', locationId, path: bucket}`; local: `{type:'local', locationId, path: folder}` */
  destination: { type: 's3' | 'local'; locationId?: string; bucket?: string; path?: string };
};

/**
 * Starts a Hugging Face import: steps 1–3 (pin the revision, select files, check the gate) run inside the request so
 * their errors are HTTP errors and nothing is written; the job does the downloads. Token: the request's, else the
 * stored one, else `HF_TOKEN`; a request token is kept Fernet-encrypted with the job and wiped when it ends.
 */
export class HfImportService {
  readonly #kernel: Kernel;
  readonly #transfers: TransferService;
  readonly #locations: LocationService;

  constructor(kernel: Kernel, transfers: TransferService, locations: LocationService) {
    this.#kernel = kernel;
    this.#transfers = transfers;
    this.#locations = locations;
  }

  async start(request: FastifyRequest, input: ImportInput): Promise<{ row: TransferRow; commit: string }> {
    const { userId } = request.authorize(PERMISSIONS.hfImport);
    const settings = settingsServiceOf(this.#kernel);
    const requestToken = input.hfToken?.trim() || undefined;
    const endpoint = settings.hfEndpoint();
    const client = new HfClient({ endpoint, token: requestToken ?? (await settings.hfToken()) });
    const destination = await this.#destination(userId, input.destination);
    const plan = await planHfImport(client, {
      modelId: input.modelId,
      revision: input.revision,
      include: input.include,
      exclude: input.exclude,
      prefix: input.prefix,
    });
    if (!plan.files.length) throw new AppError(400, 'no_files', 'no file of the repository matches the selection');
    const folder = destination.type === 'local' ? folderOf(destination.path) : '';
    const source: HfSource = {
      type: 'hf',
      modelId: plan.modelId,
      revision: plan.revision,
      commit: plan.commit,
      endpoint,
      manifestKey: folder + plan.manifestKey,
    };
    const row = await this.#transfers.enqueue(userId, `Import ${plan.modelId}@${plan.revision}`, {
      kind: 'hf_import',
      source,
      destination,
      options: { skipExisting: input.skipExisting ?? true, include: input.include, exclude: input.exclude },
      files: plan.files.map((file, idx) => ({
        idx,
        sourcePath: file.path,
        destPath: folder + file.key,
        size: file.size,
        expectedSha256: file.lfsSha256 ?? null,
        gitOid: file.blobId,
      })),
      resolvedRevision: plan.commit,
      ...(requestToken ? { secretEnc: this.#kernel.secrets.encrypt(requestToken) } : {}),
    });
    return { row, commit: plan.commit };
  }

  /** The destination endpoint, checked to be usable by this user before the Hub is asked anything. */
  async #destination(userId: string, destination: ImportInput['destination']): Promise<Endpoint> {
    let endpoint: Endpoint;
    if (destination.type === 'local') {
      if (!destination.locationId) throw new AppError(400, 'missing_location', 'a local import needs a locationId');
      endpoint = { type: 'local', locationId: destination.locationId, path: destination.path ?? '' };
    } else {
      const locationId = destination.locationId ?? this.#locations.defaultLocationId();
      const opened = await this.#locations.openForOwner(userId, locationId);
      const bucket = destination.bucket ?? opened.defaultBucket;
      opened.release();
      if (!bucket) throw new AppError(400, 'missing_bucket', 'name a bucket: the location has no default bucket');
      assertBucketName(bucket);
      endpoint = { type: 's3', locationId, path: bucket };
    }
    const open = await this.#transfers.engine.open(userId, endpoint);
    open.release();
    return endpoint;
  }
}

const folderOf = (path: string | undefined): string => {
  const trimmed = (path ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
};
