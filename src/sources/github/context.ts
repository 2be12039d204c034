import type { SourceConfig } from '../../config/schema.js';
import type { RepoId } from '../../domain/types.js';
import type { Store } from '../../store/index.js';
import type { HarvestOptions } from '../types.js';
import type { GitHubClient } from './client.js';

export type GitHubSourceConfig = Extract<SourceConfig, { type: 'github' }>;

/** Everything one resource harvester of one GitHub repository needs. */
export interface GitHubHarvestContext {
  client: GitHubClient;
  store: Store;
  config: GitHubSourceConfig;
  /** `github:owner/repo`: the source id and the repository id. */
  repoId: RepoId;
  owner: string;
  name: string;
  /** The default branch, as the repository resource reported it. */
  defaultBranch: string;
  options: HarvestOptions;
  /** The source config's hash: stored with every cursor (a changed config starts over). */
  configHash: string;
  /** Data notes for the sync summary; each message names its repository. */
  warn: (message: string) => void;
  /** Reports a written page for the progress line. */
  progress: (resource: string, pages: number, items: number) => void;
}
