// One temporary directory per test run, removed at the end: every mkdtemp of the
// tests (jobs, PKIs, Docker configs) goes under it through TMPDIR, which the
// workers inherit because they start after global setup.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-test-run-'))
  // Traversable: some tests run the action as a throwaway non-root user.
  chmodSync(dir, 0o755)
  process.env.SBR_TEST_RUN_DIR = dir
  process.env.TMPDIR = dir
}

export function teardown() {
  if (process.env.SBR_TEST_RUN_DIR) rmSync(process.env.SBR_TEST_RUN_DIR, { recursive: true, force: true })
}
