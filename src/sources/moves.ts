import type { Repository } from '../domain/types.js';
import {
  findRepositoryByForgeId,
  getForgeIdentity,
  moveRepository,
  normalizeBaseUrl,
  setForgeIdentity,
  transaction,
  upsertRepositories,
  type ForgeIdentity,
  type MovedRows,
  type Store,
} from '../store/index.js';
import { plural } from '../util/text.js';

/**
 * Stores a harvested repository with its forge identity (the forge's own id, which survives
 * renames, moves and transfers, and the API it was read from). When the store holds that
 * same repository under another id (it was renamed or moved, or the config switched to its
 * new name or its id), everything stored there moves to the current id first, in the same
 * transaction: one history, never two side by side that an organisation-wide report would
 * count twice.
 */
export function storeRepository(store: Store, repository: Repository, identity: ForgeIdentity, warn: (message: string) => void): void {
  transaction(store, () => {
    // The name may now belong to another repository (the old one renamed, a new one created
    // under its name): the old one's history must not mix with the new one's. It is parked
    // under `<id>@<its forge id>`, where a sync of the old repository under its new name finds it.
    const occupant = getForgeIdentity(store, repository.id);
    if (occupant !== null && occupant.forgeId !== identity.forgeId && occupant.apiBaseUrl === normalizeBaseUrl(identity.apiBaseUrl)) {
      const parked = `${repository.id}@${occupant.forgeId}`;
      moveRepository(store, repository.id, parked);
      warn(
        `${repository.id}: this name now belongs to another ${noun(repository)} (id ${identity.forgeId}); the history stored under it ` +
          `belongs to ${noun(repository)} ${occupant.forgeId} and was kept apart as ${parked} (a sync of that ${noun(repository)} under its new name takes it along)`,
      );
    }
    const previous = findRepositoryByForgeId(store, repository.forge, identity);
    if (previous !== null && previous !== repository.id) {
      warn(movedNote(repository, previous, identity.forgeId, moveRepository(store, previous, repository.id)));
    }
    upsertRepositories(store, [repository]);
    setForgeIdentity(store, repository.id, identity);
  });
}

function noun(repository: Repository): string {
  return repository.forge === 'gitlab' ? 'project' : 'repository';
}

function movedNote(repository: Repository, from: string, forgeId: number, moved: MovedRows): string {
  const [thing, changes] = [noun(repository), repository.forge === 'gitlab' ? 'merge request' : 'pull request'];
  const counts = [
    plural(moved.commits, 'commit'),
    plural(moved.pull_requests, changes),
    plural(moved.deployments, 'deployment'),
    plural(moved.incidents, 'incident'),
  ].join(', ');
  const to = repository.id;
  return (
    `${to}: ${thing} ${forgeId} was stored as ${from} before (renamed or moved); its history moved to ${to} ` +
    `(${counts}); "teams" and "services" entries that name ${from} should name ${to} now`
  );
}
