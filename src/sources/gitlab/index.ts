import { sourceLabel } from '../identity.js';
import { configHash } from '../newest-first.js';
import type { Harvester, HarvesterEnvironment, HarvestReport } from '../types.js';
import { createGitLabClient } from './client.js';
import { fillDeployedShas, harvestDefaultBranchHistory } from './commits.js';
import type { GitLabHarvestContext, GitLabSourceConfig } from './context.js';
import { DEPLOYMENT_SOURCE_HARVESTERS } from './deployment-sources.js';
import { harvestDeployments } from './deployments.js';
import { harvestIncidents } from './incidents.js';
import { harvestMergeRequests } from './merge-requests.js';
import { harvestProject } from './project.js';

/**
 * One GitLab project's harvest, in the order the facts depend on each other: the project
 * (its id and default branch), the default branch's history, the merge requests, the
 * deployments from the configured source, the commits of deployed shas outside that history,
 * and the incidents.
 */
export function createGitLabHarvester(config: GitLabSourceConfig, environment: HarvesterEnvironment): Harvester {
  return {
    source: sourceLabel(config),
    async harvest(store, options): Promise<HarvestReport> {
      const client = createGitLabClient({
        host: config.baseUrl,
        token: environment.token,
        ...(environment.jobToken ? { jobToken: true } : {}),
        ...(environment.fetch ? { fetch: environment.fetch } : {}),
        ...(environment.retryUnitMs !== undefined ? { retryUnitMs: environment.retryUnitMs } : {}),
      });
      const warnings: string[] = [];
      const items: Record<string, number> = {};
      const warn = (message: string) => warnings.push(message);
      const { repository, projectId } = await harvestProject(client, store, config, warn);
      const source = repository.id;
      const ctx: GitLabHarvestContext = {
        client,
        store,
        config,
        repoId: source,
        projectId,
        defaultBranch: repository.defaultBranch ?? 'main',
        webUrl: repository.webUrl ?? `${config.baseUrl.replace(/\/+$/, '')}/${repository.fullName}`,
        options,
        // The project's id, not how the config names it: switching between its path and its id,
        // or a move, is the same project and keeps its cursors.
        configHash: configHash({ ...config, project: projectId }),
        warn,
        progress: (resource, pages, count) =>
          options.progress({ source, resource, pages, items: count, rateLimitRemaining: client.rateLimitRemaining }),
      };

      items.commits = await harvestDefaultBranchHistory(ctx);
      items.merge_requests = await harvestMergeRequests(ctx);
      const from = config.deployments.from;
      items.deployments = from === 'deployments' ? await harvestDeployments(ctx) : await DEPLOYMENT_SOURCE_HARVESTERS[from](ctx);
      items.commits += await fillDeployedShas(ctx);
      if (config.incidents) items.incidents = await harvestIncidents(ctx);
      return { source, requests: client.requests, items, warnings };
    },
  };
}
