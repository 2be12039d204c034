import type { SourceConfig } from '../../config/schema.js';
import type { RepoId } from '../../domain/types.js';
import type { Store } from '../../store/index.js';
import type { HarvestOptions } from '../types.js';
import type { GitLabClient } from './client.js';

export type GitLabSourceConfig = Extract<SourceConfig, { type: 'gitlab' }>;

/** Everything one resource harvester of one GitLab project needs. */
export interface GitLabHarvestContext {
  client: GitLabClient;
  store: Store;
  config: GitLabSourceConfig;
  /** `gitlab:group/project`: the source id and the repository id. */
  repoId: RepoId;
  /** The project's numeric id (from the project resource): every API path uses it. */
  projectId: number;
  defaultBranch: string;
  /** The project's web URL, for MR and commit links. */
  webUrl: string;
  options: HarvestOptions;
  configHash: string;
  /** Data notes for the sync summary; each message names its repository. */
  warn: (message: string) => void;
  progress: (resource: string, pages: number, items: number) => void;
}
