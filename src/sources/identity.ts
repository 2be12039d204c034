import type { SourceConfig } from '../config/schema.js';
import { parseRepoId, repoId } from '../domain/ids.js';
import type { RepoId } from '../domain/types.js';

// How a configured source is named before and after a sync: kept apart from index.ts so the
// harvesters can use it without importing each other.

/**
 * A GitLab source's numeric project id when the config names the project by id (`12345` or
 * `"12345"`), or null when it names it by path.
 */
export function gitlabProjectId(source: SourceConfig): number | null {
  if (source.type !== 'gitlab') return null;
  return typeof source.project === 'number' ? source.project : /^[0-9]+$/.test(source.project) ? Number(source.project) : null;
}

/**
 * The repository id a source names in the config itself (`github:owner/repo`,
 * `gitlab:group/project`), or null for a GitLab project named by its numeric id: its path
 * is known only once a sync has asked GitLab.
 */
export function configuredRepoId(source: SourceConfig): RepoId | null {
  if (source.type === 'github') return repoId('github', source.repo);
  return gitlabProjectId(source) === null ? repoId('gitlab', String(source.project)) : null;
}

/**
 * How messages name a source before its repository id is known: its repository id, or
 * `gitlab:<project id>` for a project named by id (SPEC §3 ids always hold a slash, so the
 * two cannot be confused).
 */
export function sourceLabel(source: SourceConfig): string {
  return configuredRepoId(source) ?? `gitlab:${gitlabProjectId(source)}`;
}

/** `gitlab:<id>`, the label of a GitLab project configured by its numeric id. */
const PROJECT_ID_LABEL = /^gitlab:[1-9][0-9]*$/;

/** Whether a `--repo` value is a project-id label (`gitlab:12345`). */
export function isProjectIdLabel(value: string): boolean {
  return PROJECT_ID_LABEL.test(value);
}

/** Whether a `--repo` value names a source at all: a repository id or a project-id label. */
export function isSourceName(value: string): boolean {
  return parseRepoId(value) !== null || isProjectIdLabel(value);
}

/** The hint for a `--repo` value that is neither. */
export const SOURCE_NAME_HINT = 'use github:owner/repo, gitlab:group/project or gitlab:<project id>';
