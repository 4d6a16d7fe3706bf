export type { CliCommand, CommandContext, CommandOptions } from './command.js';
export { runCli, type CliIo } from './internal/run-cli.js';
export { createProgress, type Progress, type ProgressOptions } from './internal/progress.js';
export { commands } from './commands/index.js';
export { DEFAULT_CONFIG, resolveExperimentConfig, type ExperimentConfig, type TestSplit } from './internal/experiment/experiment-config.js';
export { runExperiment, type ExperimentEvent, type ExperimentResult } from './internal/experiment/run-experiment.js';
export { experimentReporter } from './internal/experiment/progress-reporter.js';
export type { RunSummary, SplitSize, HistoryRow } from './internal/experiment/run-summary.js';
