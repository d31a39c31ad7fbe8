import * as fs from 'node:fs';

/** Counts of one test run; every runner ends its output with `formatCounts` so scripts/testAll.mjs can sum them. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The environment variable naming the JSON file the in-host suite writes its counts to. */
export const RESULTS_FILE_ENV = 'ENTITY_LINKER_TEST_RESULTS';

/** Prefix of each report line the suite prints in the extension host; the runner forwards marked lines only. */
export const HOST_OUTPUT_MARKER = '[entity-linker-test] ';

export function formatCounts(counts: TestCounts): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/**
 * Reads the counts the suite wrote. A missing or unreadable file means the suite never finished (the host
 * crashed or timed out): that counts as one failure, never as success.
 */
export function readCounts(file: string): TestCounts {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<TestCounts>;
    if (typeof parsed.passed === 'number' && typeof parsed.failed === 'number' && typeof parsed.skipped === 'number') {
      return { passed: parsed.passed, failed: parsed.failed, skipped: parsed.skipped };
    }
  } catch {
    // Falls through to the failure below.
  }
  return { passed: 0, failed: 1, skipped: 0 };
}
