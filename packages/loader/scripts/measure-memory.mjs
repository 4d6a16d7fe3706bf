// Peak RSS of hostile inputs (a 16-bit PNG whose data inflates to 1 GB; a 200 MB metadata file), each in
// a child process: node scripts/measure-memory.mjs. Prints JSON. Needs `pnpm build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflate, crc32 } from 'node:zlib';
import { once } from 'node:events';

const dir = mkdtempSync(join(tmpdir(), 'fpdb-mem-'));
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
};
async function bomb(file, inflated) {
  const parts = [];
  const z = createDeflate({ level: 9 });
  z.on('data', (d) => parts.push(d));
  const zero = Buffer.alloc(1 << 20);
  for (let done = 0; done < inflated; done += zero.length) if (!z.write(zero)) await once(z, 'drain');
  z.end();
  await once(z, 'end');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100, 0);
  ihdr.writeUInt32BE(100, 4);
  ihdr[8] = 16; // 16-bit gray: the fast-png path
  writeFileSync(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', Buffer.alloc(0))]));
}
async function bigCsv(file, bytes) {
  const out = createWriteStream(file);
  out.write('Image_name;Patient_num;Brain_plane;Operator;US_Machine;Plane;Train \n');
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const p = String((i % 99999) + 1).padStart(5, '0');
    const line = `Patient${p}_Plane1_${i + 1}_of_9999999;${(i % 99999) + 1};Not A Brain;Op. 1;Voluson E6;Other;1 \n`;
    written += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
const png = join(dir, 'bomb.png');
const csv = join(dir, 'big.csv');
await bomb(png, 1 << 30);
await bigCsv(csv, 200 * 1024 * 1024);
const dist = new URL('../dist/', import.meta.url).href;
const run = (code) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${code}\nconsole.log(JSON.stringify({ rssMB: Math.round(process.resourceUsage().maxRSS / 1024) }))`], { encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop();
  return { ...(last?.startsWith('{') ? JSON.parse(last) : {}), outcome: (r.stdout.split('\n')[0] || r.stderr.split('\n').find((l) => /Error|FPDB/.test(l)) || '').slice(0, 300) };
};
const result = {
  bomb: {
    fileBytes: (await import('node:fs')).statSync(png).size,
    inflatesTo: 1 << 30,
    ...run(
      `const { readImage } = await import('${dist}node.js'); try { await readImage('${png}', { height: 32, width: 32 }); console.log('accepted'); } catch (e) { console.log(e.code, e.message.slice(0, 200)); }`,
    ),
  },
  csv200MB: run(
    `const { readMetadata } = await import('${dist}node.js'); try { const r = await readMetadata('${csv}', { mode: 'lenient' }); console.log('records', r.records.length, 'issues', r.issues.length); } catch (e) { console.log(e.code, e.message.slice(0, 200)); }`,
  ),
};
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
