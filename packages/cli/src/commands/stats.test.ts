import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realCsv, realDir, run } from '../../test/run.js';

describe('fpdb stats', () => {
  it('reports the release counts from the real CSV (--json)', async () => {
    const { code, stdout } = await run('stats', realCsv, '--json');
    expect(code).toBe(0);
    const s = JSON.parse(stdout);
    expect(s).toMatchObject({
      images: 12400,
      patients: 1792,
      missingImages: 0,
      byPlane: { 'Fetal abdomen': 711, 'Fetal brain': 3092, 'Fetal femur': 1040, 'Fetal thorax': 1718, 'Maternal cervix': 1626, Other: 4213 },
      byBrainPlane: { 'Trans-thalamic': 1638, 'Trans-cerebellum': 714, 'Trans-ventricular': 597, Other: 143, 'Not A Brain': 9308 },
      byOperator: { 'Op. 1': 2792, 'Op. 2': 2435, 'Op. 3': 3560, Other: 3613 },
      byMachine: { 'Voluson E6': 5862, Aloka: 5114, 'Voluson S10': 1082, Other: 342 },
      bySplit: { train: 7129, test: 5271 },
      patientsBySplit: { train: 896, test: 896 },
    });
  });

  it('reports the images missing from a folder instead of failing silently', async () => {
    const { code, stdout } = await run('stats', realDir, '--json');
    expect(code).toBe(0);
    const s = JSON.parse(stdout);
    expect(s.images).toBe(12400);
    expect(s.missingImages).toBe(12400 - 60);
    expect(s.missingExamples[0]).toBe('Patient00001_Plane1_1_of_15');
    const text = await run('stats', realDir);
    expect(text.stdout).toContain('12340 of 12400 images named in the CSV are missing');
  });

  it('fails with a clear message and non-zero exit on a bad file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpdb-stats-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Image_name;Patient_num;Plane;Brain_plane;Operator;US_Machine;Train \nPatient00001_Plane1_1_of_15;1;Othr;Not A Brain;Other;Aloka;1 \n');
    const r = await run('stats', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.csv line 2');
    expect(r.stderr).toContain('FPDB_CSV_INVALID');
    const lenient = await run('stats', bad, '--lenient', '--json');
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ images: 0, issues: [expect.objectContaining({ line: 2, column: 'Plane' })] });
    const missing = await run('stats', join(dir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FPDB_DATASET_NOT_FOUND');
  });

  it('prints help and rejects bad usage', async () => {
    expect((await run('stats', '--help')).stdout).toContain('Usage: fpdb stats');
    expect((await run('stats')).code).toBe(2);
    expect((await run('stats', '--bogus', realCsv)).code).toBe(2);
    expect((await run('nosuchcommand')).code).toBe(2);
  });

  it('works from the built bin under plain node', () => {
    const bin = new URL('../../dist/bin.js', import.meta.url).pathname;
    const s = JSON.parse(execFileSync(process.execPath, [bin, 'stats', realCsv, '--json'], { encoding: 'utf8' }));
    expect(s.images).toBe(12400);
  });
});
