import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { REAL, grayPng, makeDataset, realCsvLines, tempDir, withDimensions } from '../../test/fixtures.js';
import { imagePath } from './image-path.js';
import { openDataset } from './open-dataset.js';

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

let rows: string[];
beforeAll(async () => {
  rows = (await realCsvLines()).rows;
});

describe('openDataset on the real fixture folder (real CSV, 60 of 12,400 images)', () => {
  it('says clearly how many images are missing and which, with CSV lines', async () => {
    const e = await rejection(openDataset(REAL));
    expect(e.code).toBe('FPDB_IMAGE_MISSING');
    expect(e.message).toContain('12,340 images of 12,400');
    expect(e.message).toContain('Images/Patient00001_Plane1_1_of_15.png (CSV line 2)');
    expect(e.message).toContain("{ missing: 'skip' }");
    expect(e.details).toMatchObject({ count: 12_340, line: 2 });
  });

  it("works on the images present with missing: 'skip', and says so", async () => {
    const ds = await openDataset(REAL, { missing: 'skip' });
    expect(ds.size).toBe(60);
    expect(ds.check.missing).toHaveLength(12_340);
    expect(ds.check.summary).toBe('60 of 12,400 images usable; 12,340 missing images skipped.');
    const stats = ds.stats();
    expect(stats.images).toBe(60);
    expect(Object.values(stats.byPlane).every((n) => n > 0)).toBe(true);
    const info = ds.image(ds.records[0]!);
    expect(info.path).toBe(join(REAL, 'Images', `${ds.records[0]!.imageName}.png`));
    expect(info.width).toBeGreaterThan(300);
    expect(info.line).toBeGreaterThan(1);
  });

  it('filters by plane, machine, operator, split and label, and splits by patient', async () => {
    const ds = await openDataset(REAL, { missing: 'skip' });
    const brainTrain = ds.filter({ plane: 'Fetal brain', split: 'train' });
    expect(brainTrain.size).toBeGreaterThan(0);
    expect(brainTrain.records.every((r) => r.plane === 'Fetal brain' && r.split === 'train')).toBe(true);
    const aloka = ds.filter({ usMachine: ['Aloka'], operator: 'Op. 3' });
    expect(aloka.records.every((r) => r.usMachine === 'Aloka' && r.operator === 'Op. 3')).toBe(true);
    const tt = ds.filter({ task: 'brain', label: 'Trans-thalamic' });
    expect(tt.records.every((r) => r.brainPlane === 'Trans-thalamic')).toBe(true);
    expect(() => ds.filter({ task: 'brain', label: 'Fetal femur' })).toThrow(expect.objectContaining({ code: 'FPDB_LABEL' }));
    expect(ds.labelSpace('brain').classes).toEqual(['Trans-thalamic', 'Trans-cerebellum', 'Trans-ventricular']);
    const { train, test } = ds.officialSplit();
    expect(train.size + test.size).toBe(60);
    const trainPatients = new Set(train.records.map((r) => r.patientId));
    expect(test.records.some((r) => trainPatients.has(r.patientId))).toBe(false);
    const { train: t2, validation } = train.validationSplit({ fraction: 0.3, seed: 1 });
    const vp = new Set(validation.records.map((r) => r.patientId));
    expect(validation.size).toBeGreaterThan(0);
    expect(t2.records.some((r) => vp.has(r.patientId))).toBe(false);
    expect(ds.kFold({ k: 3, seed: 0 })).toHaveLength(3);
  });
});

describe('openDataset bad input', () => {
  it('works on a complete generated folder', async () => {
    const root = await makeDataset(rows.slice(0, 12));
    const ds = await openDataset(root);
    expect(ds.size).toBe(12);
    expect(ds.check.summary).toBe('12 of 12 images usable.');
  });

  it('refuses a folder that does not exist or lacks the CSV or Images/', async () => {
    expect((await rejection(openDataset('/nonexistent/fpdb'))).code).toBe('FPDB_DATASET_NOT_FOUND');
    const empty = await tempDir();
    expect((await rejection(openDataset(empty))).code).toBe('FPDB_DATASET_NOT_FOUND');
    await writeFile(join(empty, 'FETAL_PLANES_DB_data.csv'), `${(await realCsvLines()).header}\n${rows[0]}\n`);
    expect((await rejection(openDataset(empty))).code).toBe('FPDB_DATASET_NOT_FOUND');
  });

  it('reports duplicate rows with their lines (strict), keeps the rest (lenient)', async () => {
    const root = await makeDataset([...rows.slice(0, 5), rows[2]!]);
    const e = await rejection(openDataset(root));
    expect(e.code).toBe('FPDB_CSV_INVALID');
    expect(e.details.issues).toEqual([expect.objectContaining({ code: 'FPDB_CSV_DUPLICATE', line: 7 })]);
    const ds = await openDataset(root, { mode: 'lenient' });
    expect(ds.size).toBe(5);
    expect(ds.check.metadataIssues).toHaveLength(1);
  });

  it('refuses an image name that would escape the folder (CSV) and a symlink leading outside', async () => {
    const evil = rows[0]!.replace('Patient00001_Plane1_1_of_15', '../../etc/passwd');
    const root = await makeDataset([evil, ...rows.slice(1, 4)], { images: { '../../etc/passwd': null } });
    const e = await rejection(openDataset(root));
    expect(e.code).toBe('FPDB_CSV_INVALID');
    expect(e.details.issues).toEqual([expect.objectContaining({ code: 'FPDB_IMAGE_NAME', line: 2 })]);
    const lenient = await openDataset(root, { mode: 'lenient' });
    expect(lenient.size).toBe(3);
    expect(() => imagePath(root, '../outside')).toThrow(expect.objectContaining({ code: 'FPDB_PATH_ESCAPE' }));

    const outside = await tempDir();
    await writeFile(join(outside, 'secret.png'), await grayPng(10, 10));
    const linked = await makeDataset(rows.slice(0, 3), { images: { [rows[1]!.split(';')[0]!]: null } });
    await symlink(join(outside, 'secret.png'), join(linked, 'Images', `${rows[1]!.split(';')[0]}.png`));
    const s = await rejection(openDataset(linked));
    expect(s.code).toBe('FPDB_PATH_ESCAPE');
    expect(s.details).toMatchObject({ line: 3 });
    const skipped = await openDataset(linked, { invalid: 'skip' });
    expect(skipped.size).toBe(2);
    expect(skipped.check.invalid).toEqual([expect.objectContaining({ code: 'FPDB_PATH_ESCAPE', line: 3 })]);
  });

  it('names a non-PNG under a .png name and a decompression bomb with file and line; skip keeps the rest', async () => {
    const names = rows.slice(0, 6).map((r) => r.split(';')[0]!);
    const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#777' } })
      .jpeg()
      .toBuffer();
    const bomb = withDimensions(await grayPng(16, 16), 100_000, 100_000);
    const root = await makeDataset(rows.slice(0, 6), { images: { [names[1]!]: jpeg, [names[4]!]: bomb } });
    const e = await rejection(openDataset(root));
    expect(e.code).toMatch(/FPDB_IMAGE_NOT_PNG|FPDB_IMAGE_TOO_LARGE/);
    expect(e.message).toContain('(CSV line');
    const ds = await openDataset(root, { invalid: 'skip' });
    expect(ds.size).toBe(4);
    expect(ds.check.invalid.map((i) => [i.code, i.line])).toEqual([
      ['FPDB_IMAGE_NOT_PNG', 3],
      ['FPDB_IMAGE_TOO_LARGE', 6],
    ]);
    expect(ds.check.summary).toContain('2 invalid images skipped');
  });

  it('reports a CSV that disagrees with the files: unlisted PNGs', async () => {
    const root = await makeDataset(rows.slice(0, 3));
    await writeFile(join(root, 'Images', 'Patient09999_Plane1_1_of_1.png'), await grayPng(10, 10));
    await mkdir(join(root, 'Images', 'notes'), { recursive: true });
    const e = await rejection(openDataset(root));
    expect(e.code).toBe('FPDB_CSV_MISMATCH');
    expect(e.message).toContain('Patient09999_Plane1_1_of_1.png');
    const ds = await openDataset(root, { extra: 'ignore' });
    expect(ds.check.extraFiles).toEqual(['Patient09999_Plane1_1_of_1']);
    expect(ds.size).toBe(3);
  });

  it('reports a truncated PNG header as FPDB_IMAGE_DECODE', async () => {
    const name = rows[0]!.split(';')[0]!;
    const root = await makeDataset(rows.slice(0, 2), { images: { [name]: (await grayPng(10, 10)).subarray(0, 20) } });
    const e = await rejection(openDataset(root));
    expect(e.code).toBe('FPDB_IMAGE_DECODE');
    expect(e.details).toMatchObject({ line: 2 });
  });
});
