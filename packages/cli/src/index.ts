export { defineCommand, type CliCommand, type CommandContext, type CommandSource, type LazyCommand, type TextOutput } from './command.js';
export type {
  BooleanOption,
  EnumOption,
  IntegerOption,
  ListOption,
  NumberOption,
  OptionSpec,
  OptionTable,
  OptionValue,
  OptionValues,
  PathOption,
  StringOption,
} from './option-table.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
