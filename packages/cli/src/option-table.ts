/**
 * The one typed option table of a command. From it come the `node:util` parseArgs config, the
 * "Options:" section of `fpdb <cmd> --help`, the validation of every value (one FPDB_USAGE message
 * format) and the types of `values` in the command's `run`.
 */

interface OptionCommon {
  /** One short line for `--help`. */
  description: string;
  /** A one-letter alias, e.g. `o` for `-o`. */
  short?: string;
  /** The value's name in `--help`, e.g. `DIR`; by default one derived from the type. */
  placeholder?: string;
  /**
   * The default as `--help` shows it, when it is decided elsewhere (a `--config` file, the checkpoint,
   * the library, the core count): the value stays `undefined` when the flag is absent.
   */
  defaultText?: string;
  /** The flag must be given: its value is never `undefined`. */
  required?: boolean;
}

/** `--flag VALUE`: any text, optionally matching `pattern`. */
export interface StringOption extends OptionCommon {
  type: 'string';
  default?: string;
  /** The whole value must match. */
  pattern?: RegExp;
  /** What `pattern` means, for messages and help, e.g. `32 hex digits`. */
  expected?: string;
}

/** `--flag PATH`: a file or folder path (not empty). */
export interface PathOption extends OptionCommon {
  type: 'path';
  default?: string;
}

/** `--flag`: `true` when given, else `false`. */
export interface BooleanOption extends Omit<OptionCommon, 'defaultText' | 'required' | 'placeholder'> {
  type: 'boolean';
}

/** `--flag N`: a whole number within `min`..`max` (inclusive). */
export interface IntegerOption extends OptionCommon {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

/** `--flag X`: a finite number within `min`..`max` (inclusive). */
export interface NumberOption extends OptionCommon {
  type: 'number';
  default?: number;
  min?: number;
  max?: number;
}

/** `--flag CHOICE`: one of `choices` (take the list from the package that owns it). */
export interface EnumOption<C extends string = string> extends OptionCommon {
  type: 'enum';
  choices: readonly C[];
  default?: C;
}

/** `--flag A,B --flag C`: repeatable, each occurrence comma-separated; `[]` when absent. */
export interface ListOption<C extends string = string> extends Omit<OptionCommon, 'required'> {
  type: 'list';
  /** When given, every item must be one of these. */
  choices?: readonly C[];
}

/** One option of a command. */
export type OptionSpec = StringOption | PathOption | BooleanOption | IntegerOption | NumberOption | EnumOption | ListOption;

/**
 * A command's options by flag name (without `--`), in the order `--help` lists them. `json` and `help`
 * are added to every command and cannot be declared.
 */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type BaseValue<O> = O extends { type: 'boolean' }
  ? boolean
  : O extends { type: 'integer' | 'number' }
    ? number
    : O extends { type: 'enum'; choices: readonly (infer C)[] }
      ? C
      : O extends { type: 'list'; choices: readonly (infer C)[] }
        ? C[]
        : O extends { type: 'list' }
          ? string[]
          : string;

/** The parsed value of one option: `undefined` only when it has no default, is not required and was not given. */
export type OptionValue<O> = O extends { type: 'boolean' | 'list' } | { default: NonNullable<unknown> } | { required: true } ? BaseValue<O> : BaseValue<O> | undefined;

/** The parsed, validated values of a table, typed from it. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: OptionValue<T[K]> };
