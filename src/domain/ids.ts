import type { Forge, RepoId } from './types.js';

/**
 * Deterministic ids (SPEC §4): every sync and every `record` is an idempotent upsert because
 * the same fact always gets the same id.
 */

const REPO_ID = /^(github|gitlab):([^\s:]+\/[^\s:]+)$/;

export interface ParsedRepoId {
  forge: Forge;
  fullName: string;
}

/** Parses `github:owner/repo` or `gitlab:group/sub/project`; returns null when malformed. */
export function parseRepoId(id: string): ParsedRepoId | null {
  const match = REPO_ID.exec(id);
  if (!match) return null;
  return { forge: match[1] as Forge, fullName: match[2]! };
}

export function repoId(forge: Forge, fullName: string): RepoId {
  return `${forge}:${fullName}`;
}

export function pullRequestId(repo: RepoId, number: number): string {
  return `${repo}:pr:${number}`;
}

export function deploymentId(repo: RepoId, key: string | number): string {
  return `${repo}:deployment:${key}`;
}

export function incidentId(repo: RepoId, key: string | number): string {
  return `${repo}:incident:${key}`;
}
