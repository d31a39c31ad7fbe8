/**
 * The integration harness sets this variable in the extension host; only then does activate() return the
 * test hooks, so no other extension gets them through `getExtension(...).exports`.
 */
export const TEST_HOOKS_ENV = 'ENTITY_LINKER_TEST_HOOKS';

/** The test hooks when the harness asked for them (the variable is exactly "1"), else undefined. */
export function testHooksFor<T>(env: Readonly<Record<string, string | undefined>>, make: () => T): T | undefined {
  return env[TEST_HOOKS_ENV] === '1' ? make() : undefined;
}
