/** A seeded uniform [0, 1) for choosing kill points: the schema's FastRandom (Mulberry32). */
export declare function seededRandom(seed: number): () => number;
/** Every file under `dir` (except the `skip` paths) → the sha1 of its bytes, or with `cheap` its size and mtime. */
export declare function snapshotTree(dir: string, options?: { skip?: Set<string>; cheap?: boolean }): Record<string, string>;
