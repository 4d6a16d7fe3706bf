import { describe, expect, it } from 'vitest';
import { parseXml } from './xml.js';

describe('the test XML checker rejects what browsers reject', () => {
  it('accepts a well-formed document', () => {
    expect(parseXml('<svg a="1"><g><text>a &amp; b</text></g><rect/></svg>').children).toHaveLength(2);
  });
  it.each([
    ['unclosed', '<svg><g></svg>'],
    ['mismatched', '<svg><g></text></svg>'],
    ['raw ampersand', '<svg><text>a & b</text></svg>'],
    ['raw <', '<svg><text>a < b</text></svg>'],
    ['unquoted attribute', '<svg a=1></svg>'],
    ['duplicate attribute', '<svg a="1" a="2"></svg>'],
    ['two roots', '<svg></svg><svg></svg>'],
    ['quote in attribute', '<svg a="x"y"></svg>'],
  ])('rejects %s', (_name, src) => {
    expect(() => parseXml(src)).toThrow();
  });
});
