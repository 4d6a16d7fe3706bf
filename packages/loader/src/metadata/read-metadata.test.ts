import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { REAL_CSV as realPath, realCsvLines, tempDir } from '../../test/fixtures.js';
import { MAX_ISSUES_KEPT } from './parse-metadata.js';
import { readMetadata } from './read-metadata.js';

describe('readMetadata', () => {
  it('reads from a path and from a stream', async () => {
    expect((await readMetadata(realPath)).records).toHaveLength(12400);
    expect((await readMetadata(createReadStream(realPath))).records).toHaveLength(12400);
  });

  it('names a missing file and a folder given for the CSV', async () => {
    await expect(readMetadata('/nonexistent/FETAL_PLANES_DB_data.csv')).rejects.toMatchObject({ code: 'FPDB_CSV_READ', message: expect.stringContaining('does not exist') });
    await expect(readMetadata(fileURLToPath(new URL('.', import.meta.url)))).rejects.toMatchObject({ code: 'FPDB_CSV_READ', message: expect.stringContaining('is a folder') });
  });

  describe('hostile files: memory bounded', () => {
    it('stops at a record over 64 Ki characters (a runaway line or binary file), naming the line', async () => {
      const { header, rows } = await realCsvLines();
      const dir = await tempDir();
      const file = join(dir, 'FETAL_PLANES_DB_data.csv');
      await writeFile(file, [header, rows[0], 'x'.repeat(200_000)].join('\n'));
      await expect(readMetadata(file)).rejects.toMatchObject({ code: 'FPDB_CSV_READ', message: expect.stringMatching(/line 3: a record is longer than 65,536 characters/) });
    });

    it('keeps the first 10,000 issues and counts the rest; strict mode reports the full count', async () => {
      const { header } = await realCsvLines();
      const bad = Array.from({ length: MAX_ISSUES_KEPT + 500 }, (_, i) => `junk${i};1;2`);
      const lenient = await readMetadata(Readable.from([`${header}\n${bad.join('\n')}\n`]), { mode: 'lenient' });
      expect(lenient.issues).toHaveLength(MAX_ISSUES_KEPT);
      expect(lenient.issuesOmitted).toBe(500);
      expect(lenient.rows).toBe(MAX_ISSUES_KEPT + 500);
      await expect(readMetadata(Readable.from([`${header}\n${bad.join('\n')}\n`]))).rejects.toMatchObject({ code: 'FPDB_CSV_INVALID', message: expect.stringContaining('has 10500 problems') });
    });

    it('parses a path incrementally: the same result as the in-memory parser, chunk boundaries anywhere', async () => {
      const whole = await readMetadata(realPath);
      const text = (await import('node:fs')).readFileSync(realPath, 'utf8');
      const pieces = Array.from({ length: Math.ceil(text.length / 997) }, (_, i) => text.slice(i * 997, (i + 1) * 997));
      const streamed = await readMetadata(Readable.from(pieces));
      expect(streamed.records).toEqual(whole.records);
      expect(whole.issuesOmitted).toBe(0);
    });

    it('a failing stream is FPDB_CSV_READ, not a hang', async () => {
      const failing = new Readable({
        read() {
          this.destroy(new Error('disk gone'));
        },
      });
      await expect(readMetadata(failing)).rejects.toMatchObject({ code: 'FPDB_CSV_READ', message: expect.stringContaining('disk gone') });
    });
  });
});
