/**
 * The commits of one pull request after the first 100 (SPEC §5.4: the earliest authored
 * time among *all* its commits). Sent only for PRs whose `commits` had a next page.
 */
export const PULL_REQUEST_COMMITS_QUERY = /* GraphQL */ `
  query PullRequestCommits($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        commits(first: 100, after: $after) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            commit {
              oid
              authoredDate
            }
          }
        }
      }
    }
  }
`;
