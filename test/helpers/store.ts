import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { Facts } from '../../src/domain/types.js';
import {
  ensureRepository,
  transaction,
  upsertCommits,
  upsertDeployments,
  upsertIncidents,
  upsertPullRequests,
  upsertRepositories,
  withStore,
} from '../../src/store/index.js';

/**
 * A fresh temporary directory, removed when the current test finishes. Call it inside a test
 * (or a `beforeEach`), never at module level.
 */
export function tempDir(prefix = 'dorametrics-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The path of a store that does not exist yet, in a fresh temporary directory. */
export function tempStorePath(): string {
  return path.join(tempDir(), 'store', 'dorametrics.db');
}

/**
 * Writes facts into the store at `storePath` (creating it), in one transaction. Every
 * repository that a fact names gets a row, as `record` and `import` would give it, unless
 * `facts.repositories` describes it in full.
 */
export function seedStore(storePath: string, facts: Partial<Facts>): void {
  withStore(storePath, (store) => {
    transaction(store, () => {
      upsertRepositories(store, facts.repositories ?? []);
      const named = new Set<string>([
        ...(facts.commits ?? []).map((c) => c.repoId),
        ...(facts.pullRequests ?? []).map((p) => p.repoId),
        ...(facts.deployments ?? []).map((d) => d.repoId),
        ...(facts.incidents ?? []).map((i) => i.repoId),
      ]);
      for (const repoId of named) ensureRepository(store, repoId);
      upsertCommits(store, facts.commits ?? []);
      upsertPullRequests(store, facts.pullRequests ?? []);
      upsertDeployments(store, facts.deployments ?? []);
      upsertIncidents(store, facts.incidents ?? []);
    });
  });
}
