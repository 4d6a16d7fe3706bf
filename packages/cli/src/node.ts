export * from './index.js';
export { runCli, type CliIo } from './internal/run-cli.js';
export { commands } from './commands/index.js';
