import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realCsv, realDir, run } from '../../test/run.js';

/** A release folder of `n` real fixture images in which one file is a byte copy of another of the same size. */
async function folderWithCopy(n: number): Promise<{ root: string; source: string; copy: string }> {
  const root = await mkdtemp(join(tmpdir(), 'fpdb-audit-cli-'));
  await mkdir(join(root, 'Images'));
  const all = (await readFile(realCsv, 'utf8')).split('\n');
  const names = (await readdir(join(realDir, 'Images')))
    .sort()
    .slice(0, n)
    .map((f) => f.slice(0, -4));
  const rows = all.filter((l) => names.includes(l.split(';')[0]!));
  await writeFile(join(root, 'FETAL_PLANES_DB_data.csv'), `${all[0]}\n${rows.join('\n')}\n`);
  for (const name of names) await copyFile(join(realDir, 'Images', `${name}.png`), join(root, 'Images', `${name}.png`));
  // A copy under another row's name, as a re-upload would leave it: same size, so the pixels are identical.
  const sizeOf = async (name: string): Promise<string> => (await readFile(join(root, 'Images', `${name}.png`))).subarray(16, 24).toString('hex');
  const sizes = await Promise.all(names.map(sizeOf));
  const i = sizes.findIndex((size, k) => sizes.indexOf(size) !== k);
  const source = names[sizes.indexOf(sizes[i]!)]!;
  const copy = names[i]!;
  await copyFile(join(root, 'Images', `${source}.png`), join(root, 'Images', `${copy}.png`));
  return { root, source, copy };
}

describe('fpdb audit', { timeout: 60_000 }, () => {
  it('finds a planted exact duplicate, writes audit.json and audit.html, and prints a JSON summary with --json', async () => {
    const { root, source, copy } = await folderWithCopy(12);
    const out = join(root, 'report');
    const r = await run('audit', root, '--out', out, '--cache-dir', join(root, 'cache'), '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ json: join(out, 'audit.json'), html: join(out, 'audit.html'), options: { threshold: 0.8, size: 64 } });
    expect(summary.summary.images).toBe(12);
    expect(summary.summary.exactGroups).toBeGreaterThanOrEqual(1);
    const report = JSON.parse(await readFile(join(out, 'audit.json'), 'utf8'));
    expect(report.format).toBe('fpdb-audit');
    const group = report.groups.find((g: { members: { imageName: string }[] }) => g.members.some((m) => m.imageName === copy));
    expect(group.kind).toBe('exact');
    expect(group.members.map((m: { imageName: string }) => m.imageName).sort()).toEqual([source, copy].sort());
    const html = await readFile(join(out, 'audit.html'), 'utf8');
    expect(html).toContain(copy);
    expect(html).toContain('data:image/png;base64,');
  });

  it('prints one sentence without --json', async () => {
    const { root } = await folderWithCopy(6);
    const r = await run('audit', root, '--out', join(root, 'report'), '--cache-dir', join(root, 'cache'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Audited 6 images in [\d.]+ s: [1-9]\d* exact and \d+ near-duplicate groups/);
    expect(r.stderr).toContain('6 of 6 images usable');
  });

  it('exits 2 on a usage error and 1 on a folder that is not a release', async () => {
    const none = await run('audit');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('fpdb audit takes exactly one release folder');
    expect((await run('audit', realDir, realDir)).code).toBe(2);
    expect((await run('audit', realDir, '--threshold', '2')).code).toBe(2);
    const empty = await mkdtemp(join(tmpdir(), 'fpdb-audit-empty-'));
    const bad = await run('audit', empty, '--out', join(empty, 'report'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/FETAL_PLANES_DB_data\.csv/);
  });
});
