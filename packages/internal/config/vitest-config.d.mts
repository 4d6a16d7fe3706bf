import type { UserConfig } from 'vitest/config';

/** The vitest options every @fpdb package tests with; see vitest-config.mjs. */
export declare function fpdbVitestConfig(): UserConfig;
