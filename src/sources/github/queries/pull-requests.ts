/**
 * One page of 100 pull requests in every state, most recently updated first (SPEC §7: one
 * query per 100 PRs, stopping at the stored cursor). Each PR brings its first 100 commits
 * (`PullRequestCommits` reads the rest, only for the few PRs that have more), its first 20
 * labels and its first 20 reviews, enough to find the first review by someone other than
 * the author (SPEC §5.5).
 */
export const PULL_REQUESTS_QUERY = /* GraphQL */ `
  query PullRequests($owner: String!, $name: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: 100, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          number
          title
          body
          url
          isDraft
          state
          createdAt
          updatedAt
          mergedAt
          closedAt
          baseRefName
          headRefOid
          author {
            __typename
            login
          }
          mergeCommit {
            oid
          }
          labels(first: 20) {
            totalCount
            nodes {
              name
            }
          }
          commits(first: 100) {
            totalCount
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
          reviews(first: 20) {
            totalCount
            nodes {
              author {
                login
              }
              submittedAt
            }
          }
        }
      }
    }
  }
`;
