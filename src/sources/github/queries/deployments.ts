/**
 * One page of 100 deployments to the configured environments, newest first, each with its
 * status history: one request per 100 deployments, where REST needs a statuses call per
 * deployment. The statuses connection lists oldest first; `last: 100` keeps the most recent
 * ones, which decide the outcome (SPEC §5.1), should a deployment ever have more.
 */
export const DEPLOYMENTS_QUERY = /* GraphQL */ `
  query Deployments($owner: String!, $name: String!, $environments: [String!], $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(
        first: 100
        after: $after
        environments: $environments
        orderBy: { field: CREATED_AT, direction: DESC }
      ) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          databaseId
          commitOid
          environment
          createdAt
          updatedAt
          state
          ref {
            name
          }
          statuses(last: 100) {
            totalCount
            nodes {
              state
              createdAt
            }
          }
        }
      }
    }
  }
`;
