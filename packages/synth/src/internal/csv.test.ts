import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CSV_HEADER, parseRecord } from '@fpdb/schema';
import { describe, expect, it } from 'vitest';
import { formatCsv } from './csv.js';
import { planDataset } from './plan.js';
import { realFixture } from '@fpdb/internal/testing';
import { RELEASE_CSV_SHA256 } from './release-patients.js';

function rowsOf(text: string): Record<string, string>[] {
  const [header, ...lines] = text.slice(0, -1).split('\n');
  const names = header!.split(';').map((n) => n.trim());
  return lines.map((line) => Object.fromEntries(line.split(';').map((v, i) => [names[i]!, v])));
}

describe('formatCsv', () => {
  it('reproduces the real release CSV byte for byte from the full plan', () => {
    const real = readFileSync(realFixture('FETAL_PLANES_DB_data.csv'));
    const ours = Buffer.from(formatCsv(planDataset({ images: 12_400 }).records), 'latin1');
    expect(createHash('sha256').update(real).digest('hex')).toBe(RELEASE_CSV_SHA256);
    expect(ours.equals(real)).toBe(true);
  });

  it('writes the release format for a small set: header with "Train ", rows ending in a space, LF, final newline', () => {
    const text = formatCsv(planDataset({ images: 60, seed: 5 }).records);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Image_name;Patient_num;Plane;Brain_plane;Operator;US_Machine;Train ');
    expect(lines[0]).toBe(CSV_HEADER.join(';'));
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(62);
    expect(text).not.toContain('\r');
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    for (const line of lines.slice(1, -1)) {
      expect(line.split(';')).toHaveLength(7);
      expect(line.endsWith('1 ') || line.endsWith('0 ')).toBe(true);
      expect(line.slice(0, -1)).not.toMatch(/\s;|;\s/);
    }
    const records = rowsOf(text).map((row) => parseRecord(row));
    const ids = records.map((r) => r.patientId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
