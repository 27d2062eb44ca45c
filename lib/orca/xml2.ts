/**
 * ORCA's "xml2" format (docs/orca.md): every element carries type="string" | "record" | "array", arrays hold
 * `<X_child type="record">` items, every value is a string. Parsed into a plain tree — a record becomes an object,
 * an array an array, a string a string — which is also the shape of ORCA's JSON variant (`?format=json`), so the
 * client reads both the same way. Hand-written because xml2 is a small, regular subset of XML and the link must not
 * depend on a general parser's idea of arrays (a one-item array and a record look alike without the type attribute).
 */

export type Xml2Value = string | Xml2Record | Xml2Value[];
export type Xml2Record = { [name: string]: Xml2Value };

export class Xml2SyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Xml2SyntaxError';
  }
}

type Node = { name: string; attrs: Record<string, string>; children: Node[]; text: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new Xml2SyntaxError(`unknown entity ${whole}`);
    return named;
  });
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const NAME = /^[A-Za-z_][\w.\-]*/;

/** Parses an XML document into its root element; comments, the declaration and processing instructions are skipped. */
function parseDocument(xml: string): Node {
  let i = 0;
  const stack: Node[] = [];
  let root: Node | undefined;
  const fail = (what: string): never => {
    throw new Xml2SyntaxError(`${what} at offset ${i}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt === -1 ? xml.slice(i) : xml.slice(i, lt);
    if (text) {
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(text);
      else if (text.trim()) fail('text outside the root element');
    }
    if (lt === -1) break;
    i = lt;
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end === -1) fail('unterminated declaration');
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end === -1) fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end === -1) fail('unterminated CDATA');
      const top = stack[stack.length - 1] ?? fail('CDATA outside the root element');
      top.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      fail('DOCTYPE is not accepted');
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      if (end === -1) fail('unterminated end tag');
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`end tag </${name}> does not match`);
      i = end + 1;
    } else {
      i += 1;
      const m = NAME.exec(xml.slice(i));
      if (!m) fail('bad element name');
      const node: Node = { name: m![0], attrs: {}, children: [], text: '' };
      i += m![0].length;
      for (;;) {
        while (/\s/.test(xml[i] ?? '')) i += 1;
        if (xml.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (xml[i] === '>') {
          i += 1;
          stack.push(node);
          break;
        }
        const a = /^([A-Za-z_][\w.:\-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml.slice(i));
        if (!a) fail('bad attribute');
        node.attrs[a![1]] = decodeEntities(a![3] ?? a![4] ?? '');
        i += a![0].length;
      }
      const parent = stack[stack.length - (stack[stack.length - 1] === node ? 2 : 1)];
      if (parent) parent.children.push(node);
      else if (root) fail('more than one root element');
      else root = node;
    }
  }
  if (stack.length) fail(`element <${stack[stack.length - 1].name}> is not closed`);
  if (!root) fail('no root element');
  return root!;
}

function toValue(node: Node): Xml2Value {
  const type = node.attrs.type;
  if (type === 'array') return node.children.map(toValue);
  if (type === 'record' || (type === undefined && node.children.length > 0)) {
    const out: Xml2Record = {};
    for (const child of node.children) out[child.name] = toValue(child);
    return out;
  }
  return node.text;
}

/** Parses an xml2 document: returns the outer element's name (`data`, `xmlio2`) and its single inner record by name. */
export function parseXml2(xml: string): { outer: string; root: string; body: Xml2Record } {
  const doc = parseDocument(xml);
  const inner = doc.children[0];
  if (!inner || doc.children.length !== 1) throw new Xml2SyntaxError(`<${doc.name}> must hold exactly one record`);
  const body = toValue(inner);
  if (typeof body === 'string' || Array.isArray(body)) throw new Xml2SyntaxError(`<${inner.name}> is not a record`);
  return { outer: doc.name, root: inner.name, body };
}

function writeValue(name: string, value: Xml2Value, out: string[]): void {
  if (Array.isArray(value)) {
    out.push(`<${name} type="array">`);
    for (const item of value) writeValue(`${name}_child`, item, out);
    out.push(`</${name}>`);
  } else if (typeof value === 'object') {
    out.push(`<${name} type="record">`);
    for (const [k, v] of Object.entries(value)) if (v !== undefined) writeValue(k, v, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name} type="string">${escapeText(value)}</${name}>`);
  }
}

/** Serialises `{ root: body }` inside `outer` (`data` for requests, `xmlio2` for responses). */
export function toXml2(outer: 'data' | 'xmlio2', root: string, body: Xml2Record): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<${outer}>`];
  writeValue(root, body, out);
  out.push(`</${outer}>`);
  return out.join('');
}

/** Drops undefined fields recursively so a request only carries what the caller set (ORCA reads empty as "not set"). */
export function compact<T extends Record<string, unknown>>(record: T): Xml2Record {
  const out: Xml2Record = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'object' && x !== null ? compact(x as Record<string, unknown>) : String(x)));
    else if (typeof v === 'object') out[k] = compact(v as Record<string, unknown>);
    else out[k] = String(v);
  }
  return out;
}
