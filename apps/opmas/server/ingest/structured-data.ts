/**
 * RFC 5424 §6.3 STRUCTURED-DATA: `-` or one or more `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]` with no space between
 * elements. Inside values only `\"`, `\\` and `\]` are escapes (§6.3.3); any other backslash is kept literally.
 */

export type StructuredData = Record<string, Record<string, string | string[]>>;

export type SdResult = { ok: true; sd: StructuredData | null; end: number } | { ok: false };

/** SD-NAME: 1..32 printable US-ASCII except `=`, SP, `]`, `"` (§6.3.2). */
const SD_NAME = /^[!#-<>-\\^-~]{1,32}/;

function readName(text: string, pos: number): string | undefined {
  return SD_NAME.exec(text.slice(pos, pos + 33))?.[0];
}

function addParam(params: Record<string, string | string[]>, name: string, value: string): void {
  const existing = params[name];
  if (existing === undefined) params[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else params[name] = [existing, value];
}

/** Parses one SD-ELEMENT at `pos` (which holds `[`); returns the index after `]`. */
function parseElement(text: string, pos: number, sd: StructuredData): number | undefined {
  const id = readName(text, pos + 1);
  if (!id) return undefined;
  let i = pos + 1 + id.length;
  const params: Record<string, string | string[]> = sd[id] ?? {};
  while (text[i] === ' ') {
    const name = readName(text, i + 1);
    if (!name) return undefined;
    i += 1 + name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') return undefined;
    i += 2;
    let value = '';
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return undefined;
      if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
        value += text[i + 1];
        i += 2;
      } else if (ch === '"') {
        i += 1;
        break;
      } else {
        value += ch;
        i += 1;
      }
    }
    addParam(params, name, value);
  }
  if (text[i] !== ']') return undefined;
  sd[id] = params;
  return i + 1;
}

/** Parses the STRUCTURED-DATA field starting at `pos`. */
export function parseStructuredData(text: string, pos: number): SdResult {
  if (text[pos] === '-') return { ok: true, sd: null, end: pos + 1 };
  if (text[pos] !== '[') return { ok: false };
  const sd: StructuredData = {};
  let i = pos;
  while (text[i] === '[') {
    const end = parseElement(text, i, sd);
    if (end === undefined) return { ok: false };
    i = end;
  }
  return { ok: true, sd, end: i };
}
