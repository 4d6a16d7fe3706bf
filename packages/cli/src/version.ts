import pkg from '../package.json' with { type: 'json' };

/** The @fpdb/cli version. */
export const version: string = pkg.version;
