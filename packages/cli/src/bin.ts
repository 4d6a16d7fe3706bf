#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { commands } from './commands/index.js';
import { runCli } from './internal/run-cli.js';
import { version } from './version.js';

// Node 20 runs WebAssembly relaxed SIMD (fused multiply-add) only behind a flag; @fpdb/models' training
// kernels have a build for it that trains ~1.3× faster. Set before any wasm is compiled; worker threads
// share the flag. FPDB_RELAXED_SIMD=0 keeps the plain SIMD build.
if (process.env.FPDB_RELAXED_SIMD !== '0') setFlagsFromString('--experimental-wasm-relaxed-simd');

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nStopping after the current step (Ctrl-C again to quit at once)…\n');
  controller.abort();
});

const code = await runCli(process.argv.slice(2), commands, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal }, version);
process.exitCode = code;
