#!/usr/bin/env node
import { commands } from './commands/index.js';
import { runCli } from './internal/run-cli.js';
import { version } from './version.js';

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
