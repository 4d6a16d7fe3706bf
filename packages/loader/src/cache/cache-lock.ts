import { readFileSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FpdbError } from '@fpdb/schema';

/** How long to wait for another process's build of the same cache before giving up (default 30 min). */
const WAIT_MS = 30 * 60_000;
const POLL_MS = 200;
/** A lock file still empty or unreadable after this long was left by a process killed while writing it. */
const TORN_MS = 10_000;

/** Who holds a cache lock: enough to tell a live builder from a dead one whose PID was reused. */
export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), when known. */
  startTime?: number;
  /** `/proc/sys/kernel/random/boot_id`: differs after a reboot. */
  bootId?: string;
  host?: string;
  /** When the lock was taken (ISO 8601). */
  since?: string;
}

function procStartTime(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** This process as a lock holder. */
export function currentHolder(): LockHolder {
  const startTime = procStartTime(process.pid);
  const boot = bootId();
  return { pid: process.pid, ...(startTime === undefined ? {} : { startTime }), ...(boot === undefined ? {} : { bootId: boot }), host: hostname(), since: new Date().toISOString() };
}

/** Parses a lock file: the JSON holder, or the bare PID older versions wrote; undefined when torn. */
export function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const h = JSON.parse(trimmed) as LockHolder;
    return Number.isInteger(h.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder of a lock is gone: another boot (a reboot or a new machine), a PID with no
 * process, or a PID now held by another process (its start time differs: a container restart
 * reuses small PIDs). A holder on another host (a shared folder) is never declared gone.
 */
export function holderGone(holder: LockHolder, self: LockHolder = currentHolder()): boolean {
  if (holder.host !== undefined && self.host !== undefined && holder.host !== self.host) return false;
  if (holder.bootId !== undefined && self.bootId !== undefined && holder.bootId !== self.bootId) return true;
  if (holder.pid === self.pid && (holder.startTime === undefined || holder.startTime === self.startTime)) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return true;
  }
  if (holder.startTime !== undefined) {
    const now = procStartTime(holder.pid);
    if (now !== undefined && now !== holder.startTime) return true;
  }
  return false;
}

/** Describes a holder for a person: `process 1234 on host x (since 2025-…)`. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a process that has not finished writing the lock';
  return `process ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}${holder.since ? ` (since ${holder.since})` : ''}`;
}

/** What {@link tryLock} found: the lock taken (with its release), or who holds it. */
export type LockAttempt = { taken: true; release: () => Promise<void> } | { taken: false; holder: LockHolder | undefined };

/**
 * Takes the lock file `lock` (holding this process's PID, start time, boot id and host as JSON) if it is free,
 * or held by a holder that is gone ({@link holderGone}), or left empty by a process killed while writing it;
 * otherwise says who holds it. Never waits.
 */
export async function tryLock(lock: string, self: LockHolder = currentHolder()): Promise<LockAttempt> {
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.write(JSON.stringify(self));
      await handle.close();
      return { taken: true, release: () => rm(lock, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(lock, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released between our open and read
    const holder = parseHolder(text);
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (holder ? holderGone(holder, self) : age > TORN_MS) {
      await rm(lock, { force: true });
      continue;
    }
    return { taken: false, holder };
  }
}

/** Options of {@link lockCache}. */
export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when the lock is held by a live process and this one starts to wait, with what it waits for. */
  onWait?: (holder: LockHolder | undefined, message: string) => void;
  /** Give up after this long (ms). Default 30 minutes. */
  waitMs?: number;
}

/**
 * Takes the build lock of one cache file (`<file>.lock`, holding the builder's PID, its start time and
 * the boot id as JSON), waiting while another live process holds it. A lock left by a dead process, by a
 * process whose PID now belongs to another (start time differs), or from before a reboot is taken over;
 * so is a lock file left empty by a process killed while writing it. Two runs that build the same cache
 * at once thus take turns instead of writing the same partial file.
 * @returns a function that releases the lock.
 * @throws FpdbError FPDB_CACHE when the lock is still held after the wait, or `signal` fires (FPDB_ABORTED).
 */
export async function lockCache(file: string, signalOrOptions?: AbortSignal | LockOptions): Promise<() => Promise<void>> {
  const options: LockOptions = signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
  const { signal, onWait, waitMs = WAIT_MS } = options;
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  const self = currentHolder();
  let told = false;
  for (;;) {
    const attempt = await tryLock(lock, self);
    if (attempt.taken) return attempt.release;
    const { holder } = attempt;
    if (signal?.aborted) throw new FpdbError('FPDB_ABORTED', `Stopped while waiting for ${describeHolder(holder)}, which is building ${file}.`, { details: { file } });
    if (!told) {
      told = true;
      onWait?.(holder, `Waiting for ${describeHolder(holder)}, which is building ${file}. If no other fpdb run is building this cache, delete ${lock}.`);
    }
    if (Date.now() > deadline) {
      throw new FpdbError(
        'FPDB_CACHE',
        `${lock} has been held by ${describeHolder(holder)} for over ${Math.round(waitMs / 60_000)} minutes. If no other fpdb run is building this cache, delete the lock file.`,
        {
          details: { file: lock, value: holder },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
