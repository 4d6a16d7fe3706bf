/**
 * A choice list for a union that its owning package exports only as a type (e.g. `BackendChoice` of
 * @fpdb/models): the compiler rejects a list that misses a member or adds one, so it cannot drift.
 * @example const BACKENDS = choicesOf<BackendChoice>()(['auto', 'wasm', 'cpu']);
 */
export function choicesOf<U extends string>(): <const C extends readonly U[]>(choices: C & ([Exclude<U, C[number]>] extends [never] ? unknown : { missing: Exclude<U, C[number]> })) => C {
  return (choices) => choices;
}
