import { z } from 'zod';
import type { Repository } from '../../domain/types.js';
import { upsertRepositories, type Store } from '../../store/index.js';
import { parsePayload } from '../parse.js';
import type { GitLabClient } from './client.js';

const projectPayload = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullable().optional(),
  web_url: z.string(),
});

export interface GitLabProject {
  repository: Repository;
  projectId: number;
}

/**
 * The project (`GET /projects/:id`, by its URL-encoded path): its numeric id, which every
 * other path uses, its default branch and its web URL. One request per sync.
 */
export async function harvestProject(client: GitLabClient, store: Store, repoId: string, path: string): Promise<GitLabProject> {
  const endpoint = `GET /projects/${encodeURIComponent(path)}`;
  const payload = parsePayload(endpoint, projectPayload, await client.api.Projects.show(path));
  const repository: Repository = {
    id: repoId,
    forge: 'gitlab',
    fullName: path,
    defaultBranch: payload.default_branch ?? null,
    webUrl: payload.web_url,
  };
  upsertRepositories(store, [repository]);
  return { repository, projectId: payload.id };
}
