export type { CliCommand, CommandContext, CommandOptions } from './command.js';
export { runCli, type CliIo } from './internal/run-cli.js';
export { createProgress, type Progress, type ProgressOptions } from './internal/progress.js';
export { commands } from './commands/index.js';
