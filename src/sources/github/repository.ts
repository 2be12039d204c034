import { z } from 'zod';
import type { Repository } from '../../domain/types.js';
import { getForgeIdentity, getRepository, getSyncState, saveSyncState, transaction, type Store } from '../../store/index.js';
import { storeRepository } from '../moves.js';
import { parsePayload } from '../parse.js';
import type { GitHubClient } from './client.js';
import { forgeError } from './client.js';

const repositoryPayload = z.object({
  id: z.number(),
  full_name: z.string(),
  default_branch: z.string(),
  html_url: z.string(),
});

const RESOURCE = 'repository';

export interface RepositoryRequest {
  repoId: string;
  owner: string;
  name: string;
  /** The configured API base URL: with the repository's id, who it is (`storeRepository`). */
  baseUrl: string;
  configHash: string;
  now: number;
  warn: (message: string) => void;
}

/**
 * The repository's id, default branch and web URL (`GET /repos/{owner}/{repo}`), read with
 * If-None-Match: an unchanged repository answers 304, which costs no rate limit, and the
 * stored row is used. GitHub answers a renamed or transferred repository's old name through
 * a redirect: that works, with a note; a repository stored under another name before follows
 * it to the configured one (`storeRepository`).
 */
export async function harvestRepository(client: GitHubClient, store: Store, request: RepositoryRequest): Promise<Repository> {
  const { repoId, owner, name, configHash, now } = request;
  const endpoint = `GET /repos/${owner}/${name}`;
  const state = getSyncState(store, repoId, RESOURCE);
  const stored = getRepository(store, repoId);
  // A row without the repository's id (written before the store recorded ids) is read in full once.
  const etag = state?.configHash === configHash && stored?.defaultBranch && getForgeIdentity(store, repoId) ? state.etag ?? null : null;
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
    storeRepository(store, repository, { forgeId: payload.id, apiBaseUrl: request.baseUrl }, request.warn);
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
  if (payload.full_name.toLowerCase() !== repository.fullName.toLowerCase()) {
    request.warn(
      `${repoId}: GitHub now names this repository ${payload.full_name} (renamed or transferred); set "repo" to "${payload.full_name}"`,
    );
  }
  return repository;
}
