/** The folder of the real fixtures, or undefined when neither copy exists; see real-fixtures.mjs. */
export declare function findRealFixtures(): string | undefined;
/** The folder of the real fixtures; throws when neither copy exists. */
export declare function realFixturesDir(): string;
/** The path of a file of the real fixtures: `realFixture('Images', name)`. */
export declare function realFixture(...parts: string[]): string;
