/** One parsed XML element. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*$/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function checkText(s: string, where: number): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') throw new Error(`Unescaped < at ${where + i}`);
    if (s[i] === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(s)) throw new Error(`Bad entity at ${where + i}: ${s.slice(i, i + 10)}`);
    }
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) throw new Error(`Control character ${c} at ${where + i}`);
  }
}

/**
 * A strict little XML parser for tests: well-formed nesting, quoted unique attributes, valid
 * entities, one root element. Throws with the position of the first problem.
 */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipWs = (): void => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  skipWs();
  if (src.startsWith('<?xml', i)) i = src.indexOf('?>', i) + 2;
  while (i < src.length) {
    if (src[i] === '<') {
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) throw new Error('Unclosed comment');
        i = end + 3;
        continue;
      }
      if (src[i + 1] === '/') {
        const end = src.indexOf('>', i);
        const name = src.slice(i + 2, end).trim();
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`Closing </${name}> at ${i} does not match <${open?.name}>`);
        i = end + 1;
        if (stack.length === 0) {
          skipWs();
          if (i < src.length) throw new Error(`Content after the root element at ${i}`);
        }
        continue;
      }
      i++;
      const m = /^[^\s/>]+/.exec(src.slice(i));
      if (!m || !NAME.test(m[0])) throw new Error(`Bad tag name at ${i}`);
      const el: XmlElement = { name: m[0], attributes: {}, children: [], text: '' };
      i += m[0].length;
      for (;;) {
        skipWs();
        if (src.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (src[i] === '>') {
          i++;
          stack.push(el);
          break;
        }
        const a = /^([^\s=/>]+)\s*=\s*"([^"]*)"/.exec(src.slice(i));
        if (!a || !NAME.test(a[1]!)) throw new Error(`Bad attribute at ${i}: ${src.slice(i, i + 30)}`);
        if (a[1]! in el.attributes) throw new Error(`Duplicate attribute ${a[1]} at ${i}`);
        checkText(a[2]!, i);
        el.attributes[a[1]!] = a[2]!;
        i += a[0].length;
      }
      const parent = stack[stack.length - (stack[stack.length - 1] === el ? 2 : 1)];
      if (parent) parent.children.push(el);
      else if (root) throw new Error(`Second root element at ${i}`);
      else root = el;
      if (stack.length === 0) {
        skipWs();
        if (i < src.length) throw new Error(`Content after the root element at ${i}`);
      }
    } else {
      const end = src.indexOf('<', i);
      const text = src.slice(i, end < 0 ? src.length : end);
      checkText(text, i);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`Text outside the root at ${i}`);
      const top = stack[stack.length - 1];
      if (top) top.text += text;
      i = end < 0 ? src.length : end;
    }
  }
  if (stack.length > 0) throw new Error(`Unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('No root element');
  return root;
}

/** All elements named `name` in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}

/** Decoded text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  const decode = (s: string): string =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return decode(el.text) + el.children.map(textOf).join('');
}
