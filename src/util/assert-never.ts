/** Ends an exhaustive switch: adding a member to a union without handling it is a compile error. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
