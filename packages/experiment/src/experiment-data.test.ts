import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERER_VERSION, SYNTH_MARKER_FILE } from '@fpdb/synth';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './experiment-config.js';
import { ensureSynth, type DataEvent } from './experiment-data.js';

describe('ensureSynth', () => {
  it('generates once, reuses the folder, and generates again for another renderer version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-synth-cache-'));
    const config = { ...DEFAULT_CONFIG, synth: { images: 12, seed: 3, width: 20, height: 16, dir } };
    const phases = async (): Promise<string[]> => {
      const events: DataEvent[] = [];
      await ensureSynth(config, (e) => events.push(e));
      return events.filter((e) => e.kind === 'phase').map((e) => (e as { message: string }).message.split(' ')[0]!);
    };
    expect(await phases()).toEqual(['Generating']);
    expect(await phases()).toEqual(['Using']);
    const markerFile = join(dir, SYNTH_MARKER_FILE);
    const marker = JSON.parse(await readFile(markerFile, 'utf8')) as Record<string, unknown>;
    expect(marker.renderer).toBe(RENDERER_VERSION);
    await writeFile(markerFile, JSON.stringify({ ...marker, renderer: RENDERER_VERSION - 1 }));
    expect(await phases()).toEqual(['Generating']);
    expect(await phases()).toEqual(['Using']);
  });
});
