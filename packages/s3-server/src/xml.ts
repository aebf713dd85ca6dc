// A deliberately small XML writer and reader: S3 responses are flat documents we build ourselves, and the only request
// bodies we parse are CompleteMultipartUpload, Delete and CreateBucketConfiguration.

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Control characters XML 1.0 forbids are written as character references anyway, as S3 does for odd keys. */
export function escapeXml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (MARKUP[char]) out += MARKUP[char];
    else if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) out += `&#x${code.toString(16)};`;
    else out += char;
  }
  return out;
}

export type XmlValue = string | number | boolean | XmlNode | XmlNode[] | undefined;
/** An element written in insertion order; arrays repeat the element name, `undefined` omits it. */
export type XmlNode = { [name: string]: XmlValue };

function writeValue(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) writeValue(name, item, out);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [child, childValue] of Object.entries(value)) writeValue(child, childValue, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** Serialises one S3 response document with the XML declaration and (unless `false`) a namespace on the root. */
export function toXml(rootName: string, body: XmlNode, namespace: string | false = S3_XMLNS): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(namespace ? `<${rootName} xmlns="${namespace}">` : `<${rootName}>`);
  for (const [child, value] of Object.entries(body)) writeValue(child, value, out);
  out.push(`</${rootName}>`);
  return out.join('');
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

export class XmlParseError extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    const named = ENTITIES[entity];
    if (named === undefined) throw new XmlParseError(`unknown entity ${whole}`);
    return named;
  });
}

/** Local name without a namespace prefix, so `<s3:Part>` and `<Part>` read the same. */
function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/** Parses a well-formed document into elements; attributes are ignored, text is entity-decoded. */
export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf('<', position);
    const textEnd = open === -1 ? source.length : open;
    if (textEnd > position) {
      const text = source.slice(position, textEnd);
      if (stack.length) stack[stack.length - 1].text += decodeEntities(text);
      else if (text.trim()) throw new XmlParseError('text outside the root element');
    }
    if (open === -1) break;
    if (source.startsWith('<?', open)) {
      position = expectEnd(source, '?>', open);
    } else if (source.startsWith('<!--', open)) {
      position = expectEnd(source, '-->', open);
    } else if (source.startsWith('<![CDATA[', open)) {
      const end = expectEnd(source, ']]>', open);
      if (!stack.length) throw new XmlParseError('CDATA outside the root element');
      stack[stack.length - 1].text += source.slice(open + 9, end - 3);
      position = end;
    } else if (source.startsWith('</', open)) {
      const end = expectEnd(source, '>', open);
      const name = localName(source.slice(open + 2, end - 1).trim());
      const element = stack.pop();
      if (!element || element.name !== name) throw new XmlParseError(`unexpected closing tag ${name}`);
      position = end;
    } else {
      const end = expectEnd(source, '>', open);
      const selfClosing = source[end - 2] === '/';
      const inner = source.slice(open + 1, selfClosing ? end - 2 : end - 1).trim();
      const rawName = inner.split(/\s/, 1)[0];
      if (!rawName) throw new XmlParseError('empty tag');
      const element: XmlElement = { name: localName(rawName), children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(element);
      else if (root) throw new XmlParseError('several root elements');
      else root = element;
      if (!selfClosing) stack.push(element);
      position = end;
    }
  }
  if (!root || stack.length) throw new XmlParseError('unterminated document');
  return root;
}

function expectEnd(source: string, terminator: string, from: number): number {
  const index = source.indexOf(terminator, from + 1);
  if (index === -1) throw new XmlParseError(`missing ${terminator}`);
  return index + terminator.length;
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}
