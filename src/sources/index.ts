import type { SourceConfig } from '../config/schema.js';
import { repoId } from '../domain/ids.js';
import type { RepoId } from '../domain/types.js';
import { createGitHubHarvester } from './github/index.js';
import { createGitLabHarvester } from './gitlab/index.js';
import type { Harvester, HarvesterEnvironment } from './types.js';

/** The repository id a source harvests into (`github:owner/repo`, `gitlab:group/project`). */
export function sourceId(source: SourceConfig): RepoId {
  return source.type === 'github' ? repoId('github', source.repo) : repoId('gitlab', source.project);
}

/** The harvester of a configured source. */
export function createHarvester(source: SourceConfig, environment: HarvesterEnvironment): Harvester {
  switch (source.type) {
    case 'github':
      return createGitHubHarvester(source, environment);
    case 'gitlab':
      return createGitLabHarvester(source, environment);
  }
}
