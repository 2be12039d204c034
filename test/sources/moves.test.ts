import { describe, expect, it } from 'vitest';
import { storeRepository } from '../../src/sources/moves.js';
import { findRepositoryByForgeId, getForgeIdentity, loadFacts, upsertDeployments, withStore } from '../../src/store/index.js';
import { tempStorePath } from '../helpers/store.js';
import { deployment, repository } from '../store/fixtures.js';

const GITHUB = 'https://api.github.com';
const shop = (id = 'github:acme/shop') => repository({ id, fullName: id.slice('github:'.length), webUrl: `https://github.com/${id.slice('github:'.length)}` });

describe('storeRepository: one history per repository, whatever it is called', () => {
  it('a name that now belongs to another repository: the old one\'s history is kept apart, and follows it to its new name later', () => {
    withStore(tempStorePath(), (store) => {
      const notes: string[] = [];
      // acme/shop was repository 123 when it was synced.
      storeRepository(store, shop(), { forgeId: 123, apiBaseUrl: GITHUB }, (m) => notes.push(m));
      upsertDeployments(store, [deployment({ id: 'github:acme/shop:deployment:7' })]);

      // 123 was renamed to acme/old-shop, and a new repository 456 took the name acme/shop.
      storeRepository(store, shop(), { forgeId: 456, apiBaseUrl: GITHUB }, (m) => notes.push(m));
      expect(notes).toEqual([
        'github:acme/shop: this name now belongs to another repository (id 456); the history stored under it belongs to repository 123 ' +
          'and was kept apart as github:acme/shop@123 (a sync of that repository under its new name takes it along)',
      ]);
      expect(loadFacts(store).deployments.map((d) => [d.id, d.repoId])).toEqual([['github:acme/shop@123:deployment:7', 'github:acme/shop@123']]);
      expect(getForgeIdentity(store, 'github:acme/shop')).toEqual({ forgeId: 456, apiBaseUrl: GITHUB });
      expect(findRepositoryByForgeId(store, 'github', { forgeId: 123, apiBaseUrl: GITHUB })).toBe('github:acme/shop@123');

      // Repository 123, configured under its new name, takes its history along.
      notes.length = 0;
      storeRepository(store, shop('github:acme/old-shop'), { forgeId: 123, apiBaseUrl: GITHUB }, (m) => notes.push(m));
      expect(notes).toEqual([
        'github:acme/old-shop: repository 123 was stored as github:acme/shop@123 before (renamed or moved); its history moved to ' +
          'github:acme/old-shop (0 commits, 0 pull requests, 1 deployment, 0 incidents); "teams" and "services" entries that name ' +
          'github:acme/shop@123 should name github:acme/old-shop now',
      ]);
      expect(loadFacts(store).deployments.map((d) => d.id)).toEqual(['github:acme/old-shop:deployment:7']);
      expect(loadFacts(store).repositories.map((r) => r.id).sort()).toEqual(['github:acme/old-shop', 'github:acme/shop']);
    });
  });

  it('the same repository again, or one stored before ids were recorded, is simply stored', () => {
    withStore(tempStorePath(), (store) => {
      const notes: string[] = [];
      storeRepository(store, shop(), { forgeId: 123, apiBaseUrl: GITHUB }, (m) => notes.push(m));
      storeRepository(store, shop(), { forgeId: 123, apiBaseUrl: `${GITHUB}/` }, (m) => notes.push(m));
      expect(notes).toEqual([]);
      expect(getForgeIdentity(store, 'github:acme/shop')).toEqual({ forgeId: 123, apiBaseUrl: GITHUB });
    });
  });
});
