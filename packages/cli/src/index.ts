export type { CliCommand, CommandContext, CommandOptions } from './command.js';
export { runCli, type CliIo } from './internal/run-cli.js';
export { commands } from './commands/index.js';
