import type { SourceConfig } from '../config/schema.js';
import type { RepoId } from '../domain/types.js';
import { findRepositoryByForgeId, getForgeIdentity, normalizeBaseUrl, type Store } from '../store/index.js';
import { createGitHubHarvester } from './github/index.js';
import { createGitLabHarvester } from './gitlab/index.js';
import { configuredRepoId, gitlabProjectId, sourceLabel } from './identity.js';
import type { Harvester, HarvesterEnvironment } from './types.js';

export { configuredRepoId, gitlabProjectId, isProjectIdLabel, isSourceName, sourceLabel, SOURCE_NAME_HINT } from './identity.js';

/**
 * The repository id a source's facts are stored under: the configured one, or for a project
 * named by its numeric id the path its last sync found (the store records the id); null when
 * that project was never synced into this store.
 */
function storedSourceRepoId(source: SourceConfig, store: Store): RepoId | null {
  const configured = configuredRepoId(source);
  if (configured !== null) return configured;
  return findRepositoryByForgeId(store, 'gitlab', { forgeId: gitlabProjectId(source)!, apiBaseUrl: source.baseUrl });
}

/** A configured source with the names it goes by. */
export interface ConfiguredSource {
  source: SourceConfig;
  label: string;
  /** Where its facts are stored; null for a project named by id and never synced. */
  repoId: RepoId | null;
  /** The forge's own id of it, as far as the config or the store tells. */
  forgeId: number | null;
}

/** Every configured source with its label, stored repository id and forge id (none without a store). */
export function configuredSources(sources: readonly SourceConfig[], store: Store | null): ConfiguredSource[] {
  return sources.map((source) => {
    const repoId = store ? storedSourceRepoId(source, store) : configuredRepoId(source);
    const forgeId = gitlabProjectId(source) ?? (store && repoId ? getForgeIdentity(store, repoId)?.forgeId : undefined) ?? null;
    return { source, label: sourceLabel(source), repoId, forgeId };
  });
}

/**
 * Two configured sources that name the same repository (the same name in any case, or the
 * same forge id: a GitLab project by its path and by its id), as their indexes, or null.
 * Harvesting both would move its history back and forth.
 */
export function duplicateSources(configured: readonly ConfiguredSource[]): [number, number] | null {
  const seen = new Map<string, number>();
  for (const [index, { source, repoId, forgeId }] of configured.entries()) {
    const scope = `${source.type}|${normalizeBaseUrl(source.baseUrl).toLowerCase()}`;
    for (const key of [repoId === null ? null : `${scope}|name:${repoId.toLowerCase()}`, forgeId === null ? null : `${scope}|id:${forgeId}`]) {
      if (key === null) continue;
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== index) return [earlier, index];
      seen.set(key, index);
    }
  }
  return null;
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
