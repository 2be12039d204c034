import { parseRepoId } from '../domain/ids.js';
import type { RepoId } from '../domain/types.js';

/** Service name → repository (config `services`, `--service-map`): SPEC §3, §4 "repo (or service)". */
export type ServiceMap = ReadonlyMap<string, RepoId>;

/**
 * A repository id as written (`github:acme/shop`), else the repository a service name maps
 * to; null when it is neither. Service names match exactly, then case-insensitively
 * (exports are not consistent about case).
 */
export function resolveRepo(value: string, services: ServiceMap): RepoId | null {
  const text = value.trim();
  if (parseRepoId(text)) return text;
  const exact = services.get(text);
  if (exact) return exact;
  const lower = text.toLowerCase();
  for (const [service, repo] of services) {
    if (service.toLowerCase() === lower) return repo;
  }
  return null;
}

/** The config's `services` record as a map. */
export function serviceMapOf(services: Readonly<Record<string, RepoId>>): Map<string, RepoId> {
  return new Map(Object.entries(services));
}
