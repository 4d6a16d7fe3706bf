import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REAL_CSV as realPath } from '../../test/fixtures.js';
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
});
