import { describe, expect, it } from 'vitest';
import { DEPLOYMENTS_QUERY } from '../../../src/sources/github/queries/deployments.js';
import { PULL_REQUEST_COMMITS_QUERY } from '../../../src/sources/github/queries/pull-request-commits.js';
import { PULL_REQUESTS_QUERY } from '../../../src/sources/github/queries/pull-requests.js';
import { githubSchemaErrors } from '../../helpers/github.js';

/** Every GraphQL document the PR and deployment harvesters send, against GitHub's published schema. */
const documents = {
  PullRequests: PULL_REQUESTS_QUERY,
  PullRequestCommits: PULL_REQUEST_COMMITS_QUERY,
  Deployments: DEPLOYMENTS_QUERY,
};

describe('GitHub GraphQL documents', () => {
  it.each(Object.entries(documents))('%s is valid against @octokit/graphql-schema', (name, document) => {
    expect(githubSchemaErrors(document)).toEqual([]);
    // The operation name is the one errors quote (`GitHub GraphQL <name>: …`).
    expect(document).toMatch(new RegExp(`query ${name}\\(`));
  });

  it('the check itself catches a field GitHub does not have', () => {
    expect(githubSchemaErrors(PULL_REQUESTS_QUERY.replace('headRefOid', 'headSha'))).not.toEqual([]);
  });
});
