/**
 * Escapes text for HTML, SVG or XML content and attribute values (`&`, `<`, `>`, `"`, `'`), and drops the
 * control characters XML 1.0 forbids even escaped. Every page and figure fpdb writes escapes with it.
 * @example escapeXml('Fetal <brain> & "thorax"') // 'Fetal &lt;brain&gt; &amp; &quot;thorax&quot;'
 */
export function escapeXml(text: unknown): string {
  return (
    String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML 1.0 forbids.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  );
}
