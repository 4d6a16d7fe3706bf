import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repairRunFolder } from './run-folder-repair.js';

async function checkpoint(dir: string, epoch: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'fpdb.json'), JSON.stringify({ epoch }));
}

describe('repairRunFolder', () => {
  it('puts back the checkpoint a save set aside when killed between its renames, and removes the half-written ones', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-run-repair-'));
    const ck = join(out, 'checkpoints');
    await checkpoint(join(ck, 'best'), 1);
    // `last` mid-swap: the old one set aside, the new one complete but not yet renamed. PIDs of unequal
    // length, so a name sort would pick the older one.
    await checkpoint(join(ck, '.last.old-99999-1000-0'), 0);
    await checkpoint(join(ck, '.last.old-123-2000-4'), 1);
    await checkpoint(join(ck, '.last.tmp-123-2000-3'), 2);
    // A best save killed while writing, beside a complete `best`.
    await mkdir(join(ck, '.best.tmp-123-1990-2'));
    await writeFile(join(out, 'metrics.json.tmp-123'), '{"te');
    await mkdir(join(out, 'figures'));
    await writeFile(join(out, 'figures', 'roc-curves.svg.tmp-123'), '<svg');
    await writeFile(join(out, 'figures', 'pr-curves.svg'), '<svg/>');
    await writeFile(join(out, 'config.json'), '{}');

    await repairRunFolder(out);

    expect((await readdir(ck)).sort()).toEqual(['best', 'last']);
    expect(JSON.parse(await readFile(join(ck, 'last', 'fpdb.json'), 'utf8'))).toEqual({ epoch: 1 });
    expect(JSON.parse(await readFile(join(ck, 'best', 'fpdb.json'), 'utf8'))).toEqual({ epoch: 1 });
    expect((await readdir(out)).sort()).toEqual(['checkpoints', 'config.json', 'figures']);
    expect(await readdir(join(out, 'figures'))).toEqual(['pr-curves.svg']);
  });

  it('leaves a tidy or empty folder as it is', async () => {
    const out = await mkdtemp(join(tmpdir(), 'fpdb-run-repair-'));
    expect(await repairRunFolder(out)).toEqual([]);
    await checkpoint(join(out, 'checkpoints', 'last'), 2);
    expect(await repairRunFolder(out)).toEqual([]);
    expect(await readdir(join(out, 'checkpoints'))).toEqual(['last']);
  });
});
