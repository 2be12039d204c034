/**
 * GraphQL documents for the commit graph and the tag-based deployment sources (SPEC §7). Each
 * one is validated against `@octokit/graphql-schema` in the tests, so a field GitHub would
 * reject fails there, not in a user's sync.
 */

/**
 * The default branch's history, 100 commits a page with their parents (SPEC §5.2 needs the
 * graph), in `git log` order. `since` bounds a first harvest by committed date (`--since`)
 * and keeps an incremental one above the first harvest's floor. Ten parents cover every merge
 * short of a large octopus.
 */
export const DEFAULT_BRANCH_HISTORY_QUERY = /* GraphQL */ `
  query DefaultBranchHistory($owner: String!, $name: String!, $qualifiedName: String!, $after: String, $since: GitTimestamp) {
    repository(owner: $owner, name: $name) {
      ref(qualifiedName: $qualifiedName) {
        target {
          ... on Commit {
            history(first: 100, after: $after, since: $since) {
              pageInfo { hasNextPage endCursor }
              nodes {
                oid
                authoredDate
                committedDate
                author { name user { login } }
                parents(first: 10) { nodes { oid } }
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * Tags newest first by their commit's date, 100 a page, each with the commit it names (through
 * the tag object for an annotated tag) and, for an annotated tag, when it was tagged. One
 * request per 100 tags gives what REST needs a tag list plus a commit lookup per tag for.
 */
export const TAG_REFS_QUERY = /* GraphQL */ `
  query TagRefs($owner: String!, $name: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      refs(refPrefix: "refs/tags/", first: 100, after: $after, orderBy: { field: TAG_COMMIT_DATE, direction: DESC }) {
        pageInfo { hasNextPage endCursor }
        nodes {
          name
          target {
            __typename
            ... on Commit { oid committedDate }
            ... on Tag {
              tagger { date }
              target {
                __typename
                ... on Commit { oid committedDate }
              }
            }
          }
        }
      }
    }
  }
`;
