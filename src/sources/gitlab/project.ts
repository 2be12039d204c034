import { z } from 'zod';
import { repoId as makeRepoId } from '../../domain/ids.js';
import type { Repository } from '../../domain/types.js';
import type { Store } from '../../store/index.js';
import { configuredRepoId, gitlabProjectId } from '../identity.js';
import { storeRepository } from '../moves.js';
import { parsePayload } from '../parse.js';
import type { GitLabClient } from './client.js';
import type { GitLabSourceConfig } from './context.js';

const projectPayload = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullable().optional(),
  web_url: z.string(),
});

export interface GitLabProject {
  /** Where the project's facts are stored: `gitlab:<path>`. */
  repository: Repository;
  projectId: number;
}

/**
 * The project (`GET /projects/:id`, by its numeric id or URL-encoded path): its numeric id,
 * which every other path uses, its path, default branch and web URL. One request per sync.
 *
 * A project named by id is stored under the path GitLab gives it now; one stored under
 * another path before follows it there (`storeRepository`).
 */
export async function harvestProject(
  client: GitLabClient,
  store: Store,
  config: GitLabSourceConfig,
  warn: (message: string) => void,
): Promise<GitLabProject> {
  const key = gitlabProjectId(config) ?? String(config.project);
  const endpoint = `GET /projects/${encodeURIComponent(key)}`;
  const payload = parsePayload(endpoint, projectPayload, await client.api.Projects.show(key));

  const configured = configuredRepoId(config);
  const repository: Repository = {
    id: configured ?? makeRepoId('gitlab', payload.path_with_namespace),
    forge: 'gitlab',
    fullName: configured === null ? payload.path_with_namespace : String(config.project),
    defaultBranch: payload.default_branch ?? null,
    webUrl: payload.web_url,
  };
  storeRepository(store, repository, { forgeId: payload.id, apiBaseUrl: config.baseUrl }, warn);

  // GitLab answers an old path through a redirect; reading it works, but the name is stale.
  if (configured !== null && payload.path_with_namespace.toLowerCase() !== String(config.project).toLowerCase()) {
    warn(
      `${repository.id}: GitLab now names this project ${payload.path_with_namespace} (renamed or moved); ` +
        `set "project" to "${payload.path_with_namespace}" or to its id ${payload.id}, which survives moves`,
    );
  }
  return { repository, projectId: payload.id };
}
