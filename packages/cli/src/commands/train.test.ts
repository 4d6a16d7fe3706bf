import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realDir, run, runWith } from '../../test/run.js';

// One tiny end-to-end run shared by the tests below: synth → train (2 workers) → run folder.
const work = mkdtempSync(join(tmpdir(), 'fpdb-train-'));
const out = join(work, 'run');
const synthDir = join(work, 'synth');
const config = join(work, 'config.json');

describe('fpdb train / eval / predict', () => {
  it('trains on tiny synthetic data and writes a complete run folder', async () => {
    writeFileSync(config, JSON.stringify({ synth: { images: 60, seed: 3, width: 48, height: 32, dir: synthDir }, inputSize: 32, epochs: 2, bootstrapResamples: 50 }));
    const r = await run('train', '--config', config, '--out', out, '--json', '--workers', 'auto');
    expect(r.stderr).toContain('epoch 2/2');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.test.n).toBeGreaterThan(0);
    for (const f of [
      'report.html',
      'report.md',
      'metrics.json',
      'config.json',
      'figures/training-curves.svg',
      'figures/confusion-matrix.svg',
      'checkpoints/best/fpdb.json',
      'checkpoints/last/fpdb.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(result.test.accuracy === 0 ? '0.0%' : `${(100 * result.test.accuracy).toFixed(1)}%`);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/undefined|NaN%|\bTODO\b/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.training.history).toHaveLength(2);
    // --workers auto resolved to the threads that ran (one per core, capped by the batch and the heap).
    expect(Number.isInteger(metrics.training.workers) && metrics.training.workers >= 1).toBe(true);
  }, 300_000);

  it('numbers epochs from 1 in --json as in the progress lines', async () => {
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.training.history[0].epoch).toBe(0); // the library's index
    const refused = await run('train', '--config', config, '--out', out, '--json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`fpdb train: ${out} already holds a run. Add --resume to continue it, --force to write over it, or choose another --out.\n[FPDB_OUTPUT_NOT_EMPTY]\n`);
    expect(JSON.parse(refused.stdout).error.code).toBe('FPDB_OUTPUT_NOT_EMPTY');
  });

  it('reports a synthetic folder passed with --data as synthetic, and warns about the classes it fails', async () => {
    const again = join(work, 'synth-as-data');
    const r = await run('train', '--config', config, '--data', synthDir, '--epochs', '1', '--bootstrap', '20', '--out', again, '--json', '--quiet');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.training.history.map((h: { epoch: number }) => h.epoch)).toEqual([1]);
    expect(result.training.bestEpoch).toBe(1);
    const html = readFileSync(join(again, 'report.html'), 'utf8');
    expect(html).toContain('id="synthetic-data"');
    expect(html).toMatch(/<td>training data<\/td><td>[^<]*<b>synthetic data<\/b>/);
    expect(html).not.toContain('FETAL_PLANES_DB release');
    const metrics = JSON.parse(readFileSync(join(again, 'metrics.json'), 'utf8'));
    expect(metrics.data.kind).toBe('synthetic');
    const failed = metrics.test.perClass.filter((c: { support: number; predicted: number }) => c.support > 0 && c.predicted === 0);
    expect(html.includes('id="class-failures"')).toBe(failed.length > 0);
    for (const c of failed) expect(html).toContain(c.name);
    expect(metrics.test.clinical).toHaveLength(metrics.test.perClass.length);
    expect(html).toContain('<th>sensitivity</th><th>specificity</th><th>PPV</th><th>NPV</th>');
    // A second run into the same folder is refused without --force.
    expect((await run('train', '--config', config, '--data', synthDir, '--epochs', '1', '--bootstrap', '0', '--out', again, '--quiet')).code).toBe(1);
  }, 300_000);

  it('eval on the run checkpoint reproduces the test metrics exactly', async () => {
    const trained = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).test;
    const r = await run('eval', join(out, 'checkpoints', 'best'), '--json');
    expect(r.code).toBe(0);
    const evaluated = JSON.parse(r.stdout);
    expect(evaluated.summary).toEqual(trained.summary);
    expect(evaluated.bootstrap).toEqual(trained.bootstrap);
    expect(evaluated.confusionMatrix).toEqual(trained.confusionMatrix);
  }, 120_000);

  it('predict classifies real images (gray and re-saved RGBA) and writes Grad-CAM overlays', async () => {
    const cams = join(work, 'cams');
    const images = [join(realDir, 'Images', 'Patient00012_Plane1_16_of_16.png'), join(realDir, 'resaved', 'Patient00644_Plane3_1_of_3.png')];
    const r = await run('predict', join(out, 'checkpoints', 'best'), ...images, '--gradcam', cams, '--tta', 'flip', '--json');
    expect(r.code).toBe(0);
    const { predictions, classes } = JSON.parse(r.stdout);
    expect(predictions).toHaveLength(2);
    for (const p of predictions) {
      expect(classes).toContain(p.class);
      const total = Object.values(p.probabilities as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 4);
    }
    expect(existsSync(join(cams, 'Patient00012_Plane1_16_of_16.gradcam.png'))).toBe(true);
  }, 120_000);

  it('stops cleanly on Ctrl-C keeping the last checkpoint, and --resume finishes with the same numbers', async () => {
    const interrupted = join(work, 'interrupted');
    const controller = new AbortController();
    const stopped = await runWith({ signal: controller.signal, onStderr: (text) => text.includes('epoch 1/2:') && controller.abort() }, 'train', '--config', config, '--out', interrupted);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('FPDB_ABORTED');
    expect(stopped.stderr).toContain('--resume');
    expect(existsSync(join(interrupted, 'checkpoints', 'last', 'fpdb.json'))).toBe(true);
    expect(existsSync(join(interrupted, 'report.html'))).toBe(false);
    const resumed = await run('train', '--config', join(interrupted, 'config.json'), '--resume', '--json');
    expect(resumed.code).toBe(0);
    const uninterrupted = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const after = JSON.parse(readFileSync(join(interrupted, 'metrics.json'), 'utf8'));
    expect(after.test.summary).toEqual(uninterrupted.test.summary);
    expect(after.training.history.map((h: { trainLoss: number }) => h.trainLoss)).toEqual(uninterrupted.training.history.map((h: { trainLoss: number }) => h.trainLoss));
  }, 300_000);

  it('fine-tunes from a checkpoint like any other run: trains, checkpoints, evaluates, and resumes to the same numbers', async () => {
    const pretrained = join(out, 'checkpoints', 'best');
    const tuned = join(work, 'tuned');
    const flags = ['--config', config, '--pretrained', pretrained, '--task', 'brain', '--freeze-epochs', '1', '--backbone-lr-mult', '0.5'];
    const r = await run('train', ...flags, '--out', tuned, '--json');
    expect(r.code).toBe(0);
    const metadata = JSON.parse(readFileSync(join(tuned, 'checkpoints', 'best', 'fpdb.json'), 'utf8'));
    expect(metadata.pretrained).toMatchObject({ format: 'fpdb-checkpoint', source: pretrained });
    expect(metadata.labels.task).toBe('brain');
    expect(readFileSync(join(tuned, 'report.html'), 'utf8')).toContain('backbone frozen 1 epoch(s), then at 0.5× the learning rate');
    const evaluated = await run('eval', join(tuned, 'checkpoints', 'best'), '--json');
    expect(JSON.parse(evaluated.stdout).summary).toEqual(JSON.parse(readFileSync(join(tuned, 'metrics.json'), 'utf8')).test.summary);
    const interrupted = join(work, 'tuned-interrupted');
    const controller = new AbortController();
    const stopped = await runWith({ signal: controller.signal, onStderr: (text) => text.includes('epoch 1/2:') && controller.abort() }, 'train', ...flags, '--out', interrupted);
    expect(stopped.code).toBe(130);
    expect((await run('train', '--config', join(interrupted, 'config.json'), '--resume')).code).toBe(0);
    const [a, b] = [tuned, interrupted].map((dir) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')));
    expect(b.test.summary).toEqual(a.test.summary);
  }, 300_000);

  it('refuses bad options and a checkpoint outside a run without --data', async () => {
    expect((await run('train', '--epochs', 'x')).code).toBe(2);
    const badWorkers = await run('train', '--workers', 'many', '--out', join(work, 'bad'));
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.stderr).toContain('--workers takes an integer ≥ 0 or auto; got "many"');
    const badTask = await run('train', '--task', 'organs', '--out', join(work, 'bad'));
    expect(badTask.code).toBe(2);
    expect(badTask.stderr).toContain('--task expects one of planes, brain, fine; got "organs".');
    const badConfig = join(work, 'bad-config.json');
    writeFileSync(badConfig, JSON.stringify({ task: 'organs', out: join(work, 'bad') }));
    expect((await run('train', '--config', badConfig)).stderr).toContain('FPDB_CONFIG');
    expect((await run('eval', join(work, 'nowhere'))).code).toBe(1);
    expect((await run('predict', join(out, 'checkpoints', 'best'))).code).toBe(2);
    const fake = join(work, 'fake.png');
    writeFileSync(fake, 'not a png at all');
    const notPng = await run('predict', join(out, 'checkpoints', 'best'), fake);
    expect(notPng.code).toBe(1);
    expect(notPng.stderr).toContain('FPDB_IMAGE_NOT_PNG');
  });
});

it('reads a config file’s paths relative to the file, and records them absolute', async () => {
  const folder = join(work, 'experiment-folder');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'config.json');
  writeFileSync(file, JSON.stringify({ synth: { images: 60, seed: 3, width: 48, height: 32, dir: '../synth' }, inputSize: 32, epochs: 1, bootstrapResamples: 0, out: 'relative-run' }));
  const r = await run('train', '--config', file, '--json');
  expect(r.code).toBe(0);
  const recorded = JSON.parse(readFileSync(join(folder, 'relative-run', 'config.json'), 'utf8'));
  expect([recorded.out, recorded.synth.dir]).toEqual([join(folder, 'relative-run'), synthDir]);
}, 300_000);
