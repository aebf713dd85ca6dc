/**
 * Typed validation of captured rule fields (spec 02 `validate`): a capture that fails its type is an invalid key and
 * the event is dropped for that rule, so a redacted MAC such as `74:38:b7:xx:xx:xx` never becomes a group key.
 */
import { isIP } from 'node:net';
import type { CaptureType } from './rule-document.ts';

const MAC = /^[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2})(?:\1[0-9a-fA-F]{2}){4}$/;
const IFACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const INT = /^-?\d{1,15}$/;

/** Returns the normalised value (MACs in lower-case colon form), or undefined when the value fails its type. */
export function validateCapture(type: CaptureType, value: string): string | undefined {
  switch (type) {
    case 'mac':
      return MAC.test(value) ? value.toLowerCase().replaceAll('-', ':') : undefined;
    case 'ip':
      return isIP(value) ? value : undefined;
    case 'iface':
      return IFACE.test(value) ? value : undefined;
    case 'user':
      return USER.test(value) ? value : undefined;
    case 'int':
      return INT.test(value) ? value : undefined;
  }
}
