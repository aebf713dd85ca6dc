// One page of a bucket listing, shared by ListObjects (v1) and ListObjectsV2
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): keys and common prefixes are merged in
// UTF-8 order and both count toward MaxKeys.
import { compareUtf8, type SortedMap } from './key-order.ts';
import type { ObjectMeta } from './object-store.ts';

export interface ListRequest {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Resume strictly after this key or common prefix (StartAfter, Marker or a decoded continuation token). */
  after?: string;
}

export interface ListPage {
  contents: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts. */
  lastEntry?: string;
}

export function listPage(objects: SortedMap<ObjectMeta>, request: ListRequest): ListPage {
  const { prefix, delimiter, maxKeys, after } = request;
  const page: ListPage = { contents: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys <= 0) return page;
  const resume = after !== undefined && compareUtf8(after, prefix) >= 0;
  let count = 0;
  let lastPrefix: string | undefined;
  for (const [key, meta] of objects.entriesFrom(resume ? after : prefix, resume)) {
    if (!key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined) {
      // Keys under a prefix already returned (on this page or, via `after`, on an earlier one) roll up into it.
      if (commonPrefix === lastPrefix || (after !== undefined && compareUtf8(commonPrefix, after) <= 0)) continue;
    }
    if (count === maxKeys) {
      page.isTruncated = true;
      break;
    }
    count++;
    if (commonPrefix !== undefined) {
      page.commonPrefixes.push(commonPrefix);
      lastPrefix = commonPrefix;
      page.lastEntry = commonPrefix;
    } else {
      page.contents.push(meta);
      page.lastEntry = key;
    }
  }
  return page;
}
