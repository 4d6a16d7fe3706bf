/**
 * The bytes of base64 `text` (the committed wasm modules). Browser-safe: `atob`, no Buffer, no node:
 * imports, so every entry that embeds a module still loads in a browser.
 * @example
 * decodeBase64('AGFzbQ==') // Uint8Array [0, 97, 115, 109]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
