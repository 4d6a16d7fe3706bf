import { expect, it } from 'vitest';
import { escapeXml } from './escape-xml.js';

it('escapes markup and quotes and drops characters XML forbids', () => {
  expect(escapeXml(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;');
  expect(escapeXml('x\u0001y\u0009z')).toBe('xy\tz');
  expect(escapeXml(3.5)).toBe('3.5');
});
