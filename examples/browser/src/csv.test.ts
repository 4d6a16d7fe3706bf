import { describe, expect, it } from 'vitest';
import { resultsCsv } from './csv.js';
import type { ImageResult } from './engine.js';

const result = (file: string, brain?: ImageResult['brain']): ImageResult => ({
  file,
  class: 'Fetal brain',
  probability: 0.75,
  probabilities: { 'Fetal brain': 0.75, Other: 0.25 },
  pixels: new Uint8Array(0),
  ...(brain ? { brain } : {}),
});

describe('resultsCsv', () => {
  it('writes a header, one row per image and per failure, quoting commas, quotes and newlines', () => {
    const csv = resultsCsv(
      ['Fetal brain', 'Other'],
      [result('a.png', { class: 'Trans-thalamic', probability: 0.5, probabilities: {} }), result('b,"c".png')],
      [{ file: 'notes.txt', code: 'FPDB_IMAGE_NOT_PNG', message: 'notes.txt is not an image,\nreally' }],
    );
    expect(csv.split('\r\n')).toEqual([
      'file,class,probability,p(Fetal brain),p(Other),brain_plane,brain_probability,error_code,error',
      'a.png,Fetal brain,0.75,0.75,0.25,Trans-thalamic,0.5,,',
      '"b,""c"".png",Fetal brain,0.75,0.75,0.25,,,,',
      'notes.txt,,,,,,,FPDB_IMAGE_NOT_PNG,"notes.txt is not an image,\nreally"',
      '',
    ]);
  });
});
