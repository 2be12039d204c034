import type { Repository } from '../domain/types.js';
import {
  findRepositoryByForgeId,
  moveRepository,
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
    const previous = findRepositoryByForgeId(store, repository.forge, identity);
    if (previous !== null && previous !== repository.id) {
      warn(movedNote(repository, previous, identity.forgeId, moveRepository(store, previous, repository.id)));
    }
    upsertRepositories(store, [repository]);
    setForgeIdentity(store, repository.id, identity);
  });
}

function movedNote(repository: Repository, from: string, forgeId: number, moved: MovedRows): string {
  const [thing, changes] = repository.forge === 'gitlab' ? ['project', 'merge request'] : ['repository', 'pull request'];
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
