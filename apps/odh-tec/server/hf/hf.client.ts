import type { Readable } from 'node:stream';
import { AppError } from '@platform/kernel/http/errors.ts';
import { type Dispatcher, request } from 'undici';
import { type HubCallKind, hubError, hubUnreachable } from './hf.errors.ts';
import {
  type HfFile,
  type HfModelSummary,
  parseModelInfo,
  parseNextLink,
  parseTreeEntries,
  parseWhoami,
} from './hf.parsers.ts';

export interface HfClientOptions {
  /** `HF_ENDPOINT`, e.g. `https://huggingface.co`; the token is only ever sent to this origin. */
  endpoint: string;
  /** Empty or absent → no `Authorization` header at all (spec "Hugging Face import"). */
  token?: string;
  /** Proxy / CA-aware agent from `server/net/outbound.ts`; undici's global dispatcher otherwise. */
  dispatcher?: Dispatcher;
  /** Injectable so tests do not wait through backoff. */
  sleep?: (ms: number) => Promise<void>;
}

/** Model info with the pinned commit and a complete file list. */
export interface HfModelInfo extends HfModelSummary {
  files: HfFile[];
}

/** A resolve answer read without following its redirect (gate pre-check, download info). */
export interface HfHeadResult {
  status: number;
  commit: string | undefined;
  etag: string | undefined;
  size: number | undefined;
  isLfs: boolean;
  location: string | undefined;
}

/** An open file download; `size` is the whole file's size, `commit` the Hub's `X-Repo-Commit`. */
export interface HfOpenFile {
  body: Readable;
  status: number;
  size: number;
  commit: string | undefined;
  isLfs: boolean;
}

type Headers = Record<string, string | string[] | undefined>;

const MAX_RETRIES = 5;
const MAX_REDIRECTS = 10;
const BACKOFF_START_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const MAX_TREE_PAGES = 10_000;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const numberHeader = (headers: Headers, name: string): number | undefined => {
  const value = header(headers, name);
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
};

const unquote = (etag: string | undefined): string | undefined => etag?.replace(/^W\//, '').replace(/^"|"$/g, '');

const isRetryable = (status: number): boolean => status === 429 || status >= 500;

/** Repo ids and file paths keep their `/`; every segment is percent-encoded. */
const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** Wait before retry `attempt` (0-based): `Retry-After` seconds when given, else 1 s doubling; both capped at 30 s. */
export function retryDelayMs(attempt: number, retryAfter: string | undefined): number {
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  const delay = seconds !== undefined ? seconds * 1000 : BACKOFF_START_MS * 2 ** attempt;
  return Math.min(delay, BACKOFF_CAP_MS);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Hugging Face Hub client on undici: metadata, token test, resolve HEAD and streaming downloads. */
export class HfClient {
  private readonly endpoint: string;
  private readonly endpointOrigin: string;
  private readonly token: string | undefined;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HfClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.endpointOrigin = new URL(this.endpoint).origin;
    this.token = options.token ? options.token : undefined;
    this.dispatcher = options.dispatcher;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Model info at `rev` with `blobs=true`: pins `sha`; lists the tree at that sha when siblings lack sizes. */
  async modelInfo(id: string, rev: string): Promise<HfModelInfo> {
    const url = `${this.endpoint}/api/models/${encodePath(id)}/revision/${encodeURIComponent(rev)}?blobs=true`;
    const summary = parseModelInfo(await this.getJson(url, 'api'));
    if (!summary.sha) throw new AppError(502, 'hf_unreachable', 'Hub model info carries no commit sha');
    const files = summary.files ?? (await this.listTree(id, summary.sha));
    return { ...summary, files };
  }

  /** Every file of the tree at `sha`, following `Link: <…>; rel="next"` pages. */
  async listTree(id: string, sha: string): Promise<HfFile[]> {
    const files: HfFile[] = [];
    let next: string | undefined = `${this.endpoint}/api/models/${encodePath(id)}/tree/${sha}?recursive=true`;
    for (let page = 0; next && page < MAX_TREE_PAGES; page++) {
      const response = await this.call('GET', next, 'api');
      files.push(...parseTreeEntries(await response.body.json()));
      next = parseNextLink(response.headers.link);
      if (next) next = new URL(next, this.endpoint).href;
    }
    return files;
  }

  /** `GET /api/whoami-v2`: the token's user, display name and role; 401 → `hf_invalid_token`. */
  async whoami(): Promise<{ name: string; displayName?: string; role?: string }> {
    return parseWhoami(await this.getJson(`${this.endpoint}/api/whoami-v2`, 'whoami'));
  }

  /** `HEAD {id}/resolve/{sha}/{path}` without following the redirect; Hub errors throw mapped codes. */
  async head(id: string, sha: string, path: string): Promise<HfHeadResult> {
    const response = await this.call('HEAD', this.resolveUrl(id, sha, path), 'file');
    await response.body.dump();
    const linkedSize = numberHeader(response.headers, 'x-linked-size');
    return {
      status: response.statusCode,
      commit: header(response.headers, 'x-repo-commit'),
      etag: unquote(header(response.headers, 'x-linked-etag') ?? header(response.headers, 'etag')),
      size: linkedSize ?? numberHeader(response.headers, 'content-length'),
      isLfs: linkedSize !== undefined,
      location: header(response.headers, 'location'),
    };
  }

  /** Opens a file download, following up to 10 redirects by hand so the token never leaves the Hub origin. */
  async open(
    id: string,
    sha: string,
    path: string,
    options: { range?: string; signal?: AbortSignal } = {},
  ): Promise<HfOpenFile> {
    let url = this.resolveUrl(id, sha, path);
    let commit: string | undefined;
    let linkedSize: number | undefined;
    const extra: Headers = options.range ? { range: options.range } : {};
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.call('GET', url, 'file', extra, options.signal);
      commit ??= header(response.headers, 'x-repo-commit');
      linkedSize ??= numberHeader(response.headers, 'x-linked-size');
      const location = header(response.headers, 'location');
      if (response.statusCode >= 300 && response.statusCode < 400 && location) {
        await response.body.dump();
        url = new URL(location, url).href;
        continue;
      }
      const total = /\/(\d+)$/.exec(header(response.headers, 'content-range') ?? '')?.[1];
      const size = linkedSize ?? (total ? Number(total) : numberHeader(response.headers, 'content-length'));
      return {
        body: response.body,
        status: response.statusCode,
        size: size ?? 0,
        commit,
        isLfs: linkedSize !== undefined,
      };
    }
    throw new AppError(502, 'hf_unreachable', `more than ${MAX_REDIRECTS} redirects for ${path}`);
  }

  private resolveUrl(id: string, sha: string, path: string): string {
    return `${this.endpoint}/${encodePath(id)}/resolve/${encodeURIComponent(sha)}/${encodePath(path)}`;
  }

  private async getJson(url: string, kind: HubCallKind): Promise<unknown> {
    const response = await this.call('GET', url, kind);
    return response.body.json();
  }

  /** One request with retries on 429/5xx; error statuses (≥ 400) become mapped `AppError`s. */
  private async call(
    method: 'GET' | 'HEAD',
    url: string,
    kind: HubCallKind,
    extra: Headers = {},
    signal?: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, url, extra, signal);
      if (isRetryable(response.statusCode) && attempt < MAX_RETRIES) {
        await response.body.dump();
        await this.sleep(retryDelayMs(attempt, header(response.headers, 'retry-after')));
        continue;
      }
      if (response.statusCode >= 400) {
        await response.body.dump();
        throw hubError(response.statusCode, response.headers, kind);
      }
      return response;
    }
  }

  private async send(method: string, url: string, extra: Headers, signal?: AbortSignal) {
    const headers: Headers = { 'user-agent': 'odh-tec', ...extra };
    // Spec "Hugging Face import" (5): the Authorization header goes only to the HF_ENDPOINT origin, never to the CDN.
    if (this.token && new URL(url).origin === this.endpointOrigin) headers.authorization = `Bearer ${this.token}`;
    try {
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        signal,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw hubUnreachable(error);
    }
  }
}
