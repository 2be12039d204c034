import { z } from 'zod';
import type { Repository } from '../../domain/types.js';
import { getRepository, getSyncState, saveSyncState, transaction, upsertRepositories, type Store } from '../../store/index.js';
import type { GitHubClient } from './client.js';
import { forgeError } from './client.js';
import { parsePayload } from '../parse.js';

const repositoryPayload = z.object({
  full_name: z.string(),
  default_branch: z.string(),
  html_url: z.string(),
});

const RESOURCE = 'repository';

/**
 * The repository's default branch and web URL (`GET /repos/{owner}/{repo}`), read with
 * If-None-Match: an unchanged repository answers 304, which costs no rate limit, and the
 * stored row is used.
 */
export async function harvestRepository(
  client: GitHubClient,
  store: Store,
  repoId: string,
  owner: string,
  name: string,
  configHash: string,
  now: number,
): Promise<Repository> {
  const endpoint = `GET /repos/${owner}/${name}`;
  const state = getSyncState(store, repoId, RESOURCE);
  const stored = getRepository(store, repoId);
  const etag = state?.configHash === configHash && stored?.defaultBranch ? state.etag ?? null : null;
  let response;
  try {
    response = await client.octokit.request('GET /repos/{owner}/{repo}', {
      owner,
      repo: name,
      headers: etag ? { 'if-none-match': etag } : {},
    });
  } catch (error) {
    if ((error as { status?: number }).status === 304 && stored) return stored;
    throw forgeError(endpoint, error);
  }
  const payload = parsePayload(endpoint, repositoryPayload, response.data);
  const repository: Repository = {
    id: repoId,
    forge: 'github',
    fullName: `${owner}/${name}`,
    defaultBranch: payload.default_branch,
    webUrl: payload.html_url,
  };
  transaction(store, () => {
    upsertRepositories(store, [repository]);
    saveSyncState(store, {
      source: repoId,
      resource: RESOURCE,
      cursor: null,
      highWater: null,
      pendingHighWater: null,
      configHash,
      etag: typeof response.headers.etag === 'string' ? response.headers.etag : null,
      updatedAt: now,
    });
  });
  return repository;
}
