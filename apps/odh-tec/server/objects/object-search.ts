import { type _Object, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { ObjectPage, SearchFilter } from './object.schema.ts';
import { isFolderMarker, objectEntry } from './object-entry.ts';

export type SearchMode = 'startsWith' | 'contains';
type Ranges = [number, number][];

/** `contains` reads S3 pages of this size (spec 01-odh-tec "Listing"). */
const SCAN_PAGE_KEYS = 1000;
const DEFAULT_SEARCH_MAX_PAGES = 5;

/** What a search continues from: the S3 token of the page to read, and how many of its entries were already served. */
interface SearchToken {
  t?: string;
  q: string;
  m: SearchMode;
  /**
   * Entries of page `t` already returned: a `contains` page can fill up in the middle of an S3 page, and S3 tokens
   * only point at page starts. Absent when the next answer starts at a page boundary.
   */
  o?: number;
}

export interface SearchQuery {
  q: string;
  mode?: SearchMode;
  autoBroaden?: boolean;
  maxKeys: number;
  continuationToken?: string;
}

/** What one search mode found, before it is shaped into a listing page. */
interface Found {
  objects: _Object[];
  prefixes: string[];
  matches: SearchFilter['matches'];
  hidden: number;
  next: SearchToken | null;
  scanPages: number;
  reason: SearchFilter['scanStoppedReason'];
}

/** `ODH_TEC_SEARCH_MAX_PAGES` (default 5): how many S3 pages one `contains` answer may scan. */
export function searchMaxPagesOf(env: Record<string, string | undefined>): number {
  const configured = Number(env.ODH_TEC_SEARCH_MAX_PAGES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_SEARCH_MAX_PAGES;
}

const invalidToken = () => new AppError(400, 'validation_failed', 'continuationToken does not belong to this search');

/** Search tokens are base64url JSON `{t,q,m}` (spec "Listing"); one from another query or mode is refused. */
export const encodeSearchToken = (token: SearchToken): string =>
  Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');

function decodeSearchToken(raw: string): SearchToken {
  let token: SearchToken;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const valid =
    typeof token === 'object' &&
    token !== null &&
    typeof token.q === 'string' &&
    (token.m === 'startsWith' || token.m === 'contains') &&
    (token.t === undefined || typeof token.t === 'string') &&
    (token.o === undefined || (Number.isInteger(token.o) && token.o > 0));
  if (!valid) throw invalidToken();
  return token;
}

/**
 * Every case-insensitive occurrence of `needle` in `leaf` as half-open UTF-16 ranges into `leaf`, or undefined. Lower-
 * casing can change a string's length (`İ` → `i̇`), so each lowered unit remembers the original index it came from.
 */
export function containsRanges(leaf: string, needle: string): Ranges | undefined {
  let lowered = '';
  const origin: number[] = [];
  for (let index = 0; index < leaf.length; ) {
    const char = String.fromCodePoint(leaf.codePointAt(index)!);
    const lower = char.toLowerCase();
    for (let unit = 0; unit < lower.length; unit++) origin.push(index);
    lowered += lower;
    index += char.length;
  }
  origin.push(leaf.length);
  const target = needle.toLowerCase();
  const ranges: Ranges = [];
  for (let at = lowered.indexOf(target); at >= 0; at = lowered.indexOf(target, at + target.length)) {
    const end = at + target.length;
    // A match ending inside a lowered character covers that whole original character.
    const originalEnd = origin[end] === origin[end - 1] ? nextOrigin(origin, end) : origin[end]!;
    ranges.push([origin[at]!, originalEnd]);
  }
  return ranges.length ? ranges : undefined;
}

const nextOrigin = (origin: number[], from: number): number => {
  let index = from;
  while (origin[index] === origin[from - 1]) index++;
  return origin[index]!;
};

const list = (client: S3Client, bucket: string, prefix: string, maxKeys: number, token: string | undefined) =>
  client.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix || undefined,
      Delimiter: '/',
      MaxKeys: maxKeys,
      ContinuationToken: token,
    }),
  );

type Entry = { key: string; object?: _Object };

/** Objects and folders of one S3 page in key order (S3 orders keys by their UTF-8 bytes). */
function entriesOf(page: ListObjectsV2CommandOutput): Entry[] {
  const entries: Entry[] = [
    ...(page.Contents ?? []).map((object) => ({ key: object.Key ?? '', object })),
    ...(page.CommonPrefixes ?? []).map((entry) => ({ key: entry.Prefix ?? '' })),
  ];
  return entries.sort((a, b) => Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8')));
}

const leafOf = (entry: Entry, prefix: string): string =>
  entry.object ? entry.key.slice(prefix.length) : entry.key.slice(prefix.length, -1);

/** `startsWith`: one ListObjectsV2 call with `Prefix = prefix + q`, case-sensitive. */
async function startsWith(
  client: S3Client,
  bucket: string,
  prefix: string,
  query: SearchQuery,
  token: SearchToken | undefined,
): Promise<Found> {
  const page = await list(client, bucket, prefix + query.q, query.maxKeys, token?.t);
  const found: Found = {
    objects: [],
    prefixes: [],
    matches: { objects: {}, prefixes: {} },
    hidden: 0,
    next: page.IsTruncated ? { t: page.NextContinuationToken, q: query.q, m: 'startsWith' } : null,
    scanPages: 1,
    reason: page.IsTruncated ? 'maxKeysReached' : 'bucketExhausted',
  };
  for (const entry of entriesOf(page)) add(found, entry, [[0, query.q.length]]);
  return found;
}

function add(found: Found, entry: Entry, ranges: Ranges): void {
  if (entry.object && isFolderMarker(entry.key)) {
    found.hidden++;
  } else if (entry.object) {
    found.objects.push(entry.object);
    found.matches.objects[entry.key] = ranges;
  } else {
    found.prefixes.push(entry.key);
    found.matches.prefixes[entry.key] = ranges;
  }
}

/** `contains`: scans pages of 1000 keys until `maxKeys` matches, the bucket end, or the page cap. */
async function contains(
  client: S3Client,
  bucket: string,
  prefix: string,
  query: SearchQuery,
  token: SearchToken | undefined,
  maxPages: number,
): Promise<Found> {
  const found: Found = {
    objects: [],
    prefixes: [],
    matches: { objects: {}, prefixes: {} },
    hidden: 0,
    next: null,
    scanPages: 0,
    reason: 'bucketExhausted',
  };
  const next = (t: string | undefined, o?: number): SearchToken => ({
    t,
    q: query.q,
    m: 'contains',
    ...(o ? { o } : {}),
  });
  let pageToken = token?.t;
  let skip = token?.o ?? 0;
  for (;;) {
    const page = await list(client, bucket, prefix, SCAN_PAGE_KEYS, pageToken);
    found.scanPages++;
    const entries = entriesOf(page);
    for (let index = skip; index < entries.length; index++) {
      const ranges = containsRanges(leafOf(entries[index]!, prefix), query.q);
      if (!ranges) continue;
      add(found, entries[index]!, ranges);
      const moreInPage = index + 1 < entries.length;
      if (found.objects.length + found.prefixes.length === query.maxKeys && (moreInPage || page.IsTruncated)) {
        found.next = moreInPage ? next(pageToken, index + 1) : next(page.NextContinuationToken);
        found.reason = 'maxKeysReached';
        return found;
      }
    }
    skip = 0;
    if (!page.IsTruncated) return found;
    pageToken = page.NextContinuationToken;
    if (found.scanPages >= maxPages) {
      found.next = next(pageToken);
      found.reason = 'scanCap';
      return found;
    }
  }
}

/**
 * A search page (spec 01-odh-tec "Listing"): `startsWith` or `contains`, with highlight ranges, and an empty first
 * `startsWith` page rerun as `contains` when `autoBroaden` is set.
 */
export async function searchObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  query: SearchQuery,
  maxPages: number,
): Promise<ObjectPage> {
  const originalMode = query.mode ?? 'startsWith';
  const autoBroaden = query.autoBroaden ?? false;
  const token = query.continuationToken ? decodeSearchToken(query.continuationToken) : undefined;
  if (token && (token.q !== query.q || (token.m !== originalMode && !(autoBroaden && token.m === 'contains')))) {
    throw invalidToken();
  }
  let mode = token?.m ?? originalMode;
  let found =
    mode === 'startsWith'
      ? await startsWith(client, bucket, prefix, query, token)
      : await contains(client, bucket, prefix, query, token, maxPages);
  if (!token && mode === 'startsWith' && autoBroaden && !found.objects.length && !found.prefixes.length) {
    mode = 'contains';
    found = await contains(client, bucket, prefix, query, undefined, maxPages);
  }
  return {
    objects: found.objects.map(objectEntry),
    prefixes: found.prefixes.map((entry) => ({ Prefix: entry })),
    nextContinuationToken: found.next ? encodeSearchToken(found.next) : null,
    isTruncated: found.next !== null,
    hiddenCount: found.hidden,
    filter: {
      q: query.q,
      mode,
      partialResult: found.reason === 'scanCap',
      scanPages: found.scanPages,
      scanStoppedReason: found.reason,
      autoBroaden,
      originalMode,
      matches: found.matches,
    },
  };
}
