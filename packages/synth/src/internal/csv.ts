import { CSV_HEADER, type FpdbRecord } from '@fpdb/schema';

/**
 * The CSV text of a set of records, byte-compatible with the release: `;` separators, the header
 * ending in `Train ` (with its space), every row ending in `1 ` or `0 `, LF line ends, final newline.
 * Records are written in the order given (the release's order is by patient).
 */
export function formatCsv(records: readonly FpdbRecord[]): string {
  const lines = [CSV_HEADER.join(';')];
  for (const r of records) {
    lines.push(`${r.imageName};${r.patientId};${r.plane};${r.brainPlane};${r.operator};${r.usMachine};${r.split === 'train' ? '1' : '0'} `);
  }
  return `${lines.join('\n')}\n`;
}
