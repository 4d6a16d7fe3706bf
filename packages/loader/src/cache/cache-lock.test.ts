import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockCache } from './cache-lock.js';

describe('lockCache', () => {
  it('makes a second taker wait until the first releases', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fpdb-lock-')), 'a.bin');
    const order: string[] = [];
    const release1 = await lockCache(file);
    const second = lockCache(file).then((release) => {
      order.push('second');
      return release;
    });
    await new Promise((r) => setTimeout(r, 300));
    order.push('first done');
    await release1();
    await (await second)();
    expect(order).toEqual(['first done', 'second']);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock left by a dead process', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fpdb-lock-')), 'a.bin');
    writeFileSync(`${file}.lock`, '999999999');
    const release = await lockCache(file);
    await release();
  });

  it('stops waiting when aborted', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fpdb-lock-')), 'a.bin');
    const release = await lockCache(file);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(lockCache(file, controller.signal)).rejects.toMatchObject({ code: 'FPDB_ABORTED' });
    await release();
  });
});
