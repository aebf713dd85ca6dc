// Lexer for the subset of Go's text/template syntax that the Helm chart uses
// (https://pkg.go.dev/text/template#hdr-Text_and_spaces, #hdr-Actions).
// The source is split into text and action items; each action is tokenized.

export type Token =
  | { kind: 'string'; value: string; pos: number; spaced: boolean }
  | { kind: 'number'; value: number; pos: number; spaced: boolean }
  | { kind: 'field'; value: string; pos: number; spaced: boolean }
  | { kind: 'variable'; value: string; pos: number; spaced: boolean }
  | { kind: 'identifier'; value: string; pos: number; spaced: boolean }
  | {
      kind: 'dot' | 'lparen' | 'rparen' | 'pipe' | 'comma' | 'declare' | 'assign';
      value: string;
      pos: number;
      spaced: boolean;
    };

export type Item = { kind: 'text'; value: string; line: number } | { kind: 'action'; tokens: Token[]; line: number };

export class TemplateError extends Error {
  constructor(name: string, line: number, message: string) {
    super(`template: ${name}:${line}: ${message}`);
    this.name = 'TemplateError';
  }
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_]/;
const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };

function lineAt(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (source[i] === '\n') line++;
  return line;
}

/** Splits a template into text and tokenized actions, applying `{{-` / `-}}` whitespace trimming. */
export function lex(name: string, source: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open === -1 ? source.length : open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      if (text) items.push({ kind: 'text', value: text, line: lineAt(source, pos) });
      break;
    }
    // A trim marker is "-" followed by a space: "{{-3}}" is the number -3.
    const trimLeft = source[open + 2] === '-' && isSpace(source[open + 3]);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) items.push({ kind: 'text', value: text, line: lineAt(source, pos) });
    const line = lineAt(source, open);
    const start = open + (trimLeft ? 3 : 2);
    const action = lexAction(name, source, start, line);
    if (action.tokens) items.push({ kind: 'action', tokens: action.tokens, line });
    trimNextText = action.trimRight;
    pos = action.end;
  }
  return items;
}

function lexAction(
  name: string,
  source: string,
  start: number,
  line: number,
): { tokens: Token[] | null; trimRight: boolean; end: number } {
  let pos = start;
  while (isSpace(source[pos])) pos++;
  if (source.startsWith('/*', pos)) {
    const close = source.indexOf('*/', pos + 2);
    if (close === -1) throw new TemplateError(name, line, 'unclosed comment');
    pos = close + 2;
    const rest = /^([ \t\r\n]+-)?}}/.exec(source.slice(pos));
    if (!rest) throw new TemplateError(name, line, 'comment ends before closing delimiter');
    return { tokens: null, trimRight: Boolean(rest[1]), end: pos + rest[0].length };
  }
  const tokens: Token[] = [];
  let spaced = true;
  for (;;) {
    if (pos >= source.length) throw new TemplateError(name, line, 'unclosed action');
    const c = source[pos];
    if (isSpace(c)) {
      let next = pos;
      while (isSpace(source[next])) next++;
      if (source.startsWith('-}}', next)) return { tokens, trimRight: true, end: next + 3 };
      pos = next;
      spaced = true;
      continue;
    }
    if (source.startsWith('}}', pos)) return { tokens, trimRight: false, end: pos + 2 };
    const token = readToken(name, source, pos, line, spaced);
    tokens.push(token.token);
    pos = token.end;
    spaced = false;
  }
}

function readToken(
  name: string,
  source: string,
  pos: number,
  line: number,
  spaced: boolean,
): { token: Token; end: number } {
  const c = source[pos];
  const simple: Record<string, Token['kind']> = {
    '(': 'lparen',
    ')': 'rparen',
    '|': 'pipe',
    ',': 'comma',
    '=': 'assign',
  };
  if (source.startsWith(':=', pos)) return { token: { kind: 'declare', value: ':=', pos, spaced }, end: pos + 2 };
  if (simple[c]) return { token: { kind: simple[c], value: c, pos, spaced } as Token, end: pos + 1 };
  if (c === '"') return readQuoted(name, source, pos, line, spaced);
  if (c === '`') {
    const close = source.indexOf('`', pos + 1);
    if (close === -1) throw new TemplateError(name, line, 'unterminated raw quoted string');
    return { token: { kind: 'string', value: source.slice(pos + 1, close), pos, spaced }, end: close + 1 };
  }
  const number = /^-?\d+(\.\d+)?/.exec(source.slice(pos, pos + 40));
  if (number) return { token: { kind: 'number', value: Number(number[0]), pos, spaced }, end: pos + number[0].length };
  if (c === '$' || c === '.' || identifierStart.test(c)) {
    let end = pos + 1;
    while (end < source.length && identifierPart.test(source[end])) end++;
    const word = source.slice(pos, end);
    if (c === '$') return { token: { kind: 'variable', value: word, pos, spaced }, end };
    if (c === '.') {
      return word === '.'
        ? { token: { kind: 'dot', value: '.', pos, spaced }, end }
        : { token: { kind: 'field', value: word.slice(1), pos, spaced }, end };
    }
    return { token: { kind: 'identifier', value: word, pos, spaced }, end };
  }
  throw new TemplateError(name, line, `unexpected character ${JSON.stringify(c)} in action`);
}

function readQuoted(
  name: string,
  source: string,
  pos: number,
  line: number,
  spaced: boolean,
): { token: Token; end: number } {
  let value = '';
  let i = pos + 1;
  for (;;) {
    const c = source[i];
    if (c === undefined || c === '\n') throw new TemplateError(name, line, 'unterminated quoted string');
    if (c === '"') return { token: { kind: 'string', value, pos, spaced }, end: i + 1 };
    if (c === '\\') {
      const escaped = escapes[source[i + 1]];
      if (escaped === undefined) throw new TemplateError(name, line, `unsupported escape \\${source[i + 1]}`);
      value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
}
