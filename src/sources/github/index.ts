import { repoId as makeRepoId } from '../../domain/ids.js';
import type { Harvester, HarvesterEnvironment, HarvestReport } from '../types.js';
import { configHash } from '../newest-first.js';
import { createGitHubClient } from './client.js';
import { fillDeployedShas, harvestDefaultBranchHistory } from './commits.js';
import type { GitHubHarvestContext, GitHubSourceConfig } from './context.js';
import { DEPLOYMENT_SOURCE_HARVESTERS } from './deployment-sources.js';
import { harvestDeployments } from './deployments.js';
import { harvestIncidentIssues } from './incidents.js';
import { harvestPullRequests } from './pull-requests.js';
import { harvestRepository } from './repository.js';

/**
 * One GitHub repository's harvest, in the order the facts depend on each other: the
 * repository (its default branch), the default branch's history, the PRs, the deployments
 * from the configured source, the commits of deployed shas outside that history, and the
 * incidents.
 */
export function createGitHubHarvester(config: GitHubSourceConfig, environment: HarvesterEnvironment): Harvester {
  const source = makeRepoId('github', config.repo);
  return {
    source,
    async harvest(store, options): Promise<HarvestReport> {
      const client = createGitHubClient({
        baseUrl: config.baseUrl,
        token: environment.token,
        ...(environment.fetch ? { fetch: environment.fetch } : {}),
        ...(environment.retryUnitMs !== undefined ? { retryUnitMs: environment.retryUnitMs } : {}),
      });
      const [owner, name] = config.repo.split('/') as [string, string];
      const hash = configHash(config);
      const warnings: string[] = [];
      const items: Record<string, number> = {};
      // Messages name their repository (or deployment) themselves.
      const warn = (message: string) => warnings.push(message);
      const repository = await harvestRepository(client, store, {
        repoId: source,
        owner,
        name,
        baseUrl: config.baseUrl,
        configHash: hash,
        now: options.now.getTime(),
        warn,
      });
      const ctx: GitHubHarvestContext = {
        client,
        store,
        config,
        repoId: source,
        owner,
        name,
        defaultBranch: repository.defaultBranch ?? 'main',
        options,
        configHash: hash,
        warn,
        progress: (resource, pages, count) =>
          options.progress({ source, resource, pages, items: count, rateLimitRemaining: client.rateLimitRemaining }),
      };

      items.commits = await harvestDefaultBranchHistory(ctx);
      items.pull_requests = await harvestPullRequests(ctx);
      const from = config.deployments.from;
      items.deployments = from === 'deployments' ? await harvestDeployments(ctx) : await DEPLOYMENT_SOURCE_HARVESTERS[from](ctx);
      items.commits += await fillDeployedShas(ctx);
      if (config.incidents) items.incidents = await harvestIncidentIssues(ctx);
      return { source, requests: client.requests, items, warnings };
    },
  };
}
