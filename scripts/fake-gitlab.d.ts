/** Types of scripts/fake-gitlab.js (see there). Times are ISO 8601 strings; shas are lower-case hex. */
export interface FakeGitLabUser { id: number; username: string; name?: string }
export interface FakeGitLabCommit {
  id: string; parent_ids: string[]; authored_date: string; committed_date?: string; author_name?: string; title?: string;
}
export interface FakeGitLabNote {
  id: number; body: string; system?: boolean; author: FakeGitLabUser; created_at: string; updated_at?: string;
}
export interface FakeGitLabMergeRequest {
  iid: number; title?: string; description?: string; state: 'opened' | 'closed' | 'merged' | 'locked'; author: FakeGitLabUser;
  created_at: string; updated_at: string; merged_at?: string | null; closed_at?: string | null;
  /** The default branch unless given. */
  target_branch?: string; source_branch?: string; labels?: string[]; draft?: boolean;
  /** The head of the source branch. */
  sha: string; merge_commit_sha?: string | null; squash_commit_sha?: string | null;
  /** The MR's commits, oldest first, each a commit of the project (GitLab lists them newest first). */
  commits: string[];
  notes?: FakeGitLabNote[];
}
export interface FakeGitLabEnvironment { id: number; name: string; tier?: string | null; state?: string }
export interface FakeGitLabDeployment {
  id: number; iid?: number; ref: string; sha: string;
  /** The name of one of the project's environments. */
  environment: string;
  status: 'created' | 'running' | 'success' | 'failed' | 'canceled' | 'blocked';
  created_at: string; updated_at: string;
  /** The job's `finished_at` (`deployable.finished_at`); null while it runs. */
  finished_at?: string | null;
  /** false: a deployment created through the API, without a job (`deployable: null`). */
  deployable?: false;
  user?: FakeGitLabUser;
}
export interface FakeGitLabIssue {
  iid: number; title: string; description?: string; issue_type?: 'issue' | 'incident' | 'test_case' | 'task';
  created_at: string; updated_at: string;
  /** Set: the issue is closed. */
  closed_at?: string | null;
  labels?: string[]; severity?: string; author?: FakeGitLabUser;
}
export interface FakeGitLabProject {
  id: number;
  /** `main` unless given. */
  defaultBranch?: string;
  /** Branch name → head sha. */
  branches: Record<string, string>;
  commits: FakeGitLabCommit[];
  mergeRequests: FakeGitLabMergeRequest[];
  environments: FakeGitLabEnvironment[];
  deployments: FakeGitLabDeployment[];
  issues: FakeGitLabIssue[];
}
export interface FakeGitLabRequest {
  method: string;
  /** The path and query as sent, e.g. `/api/v4/projects/42/merge_requests?state=all&…`. */
  path: string;
  /** The header that carried the token (never the token itself). */
  auth: 'PRIVATE-TOKEN' | 'JOB-TOKEN' | 'Authorization' | null;
  status: number;
}
export interface FakeGitLab {
  fetch: typeof fetch;
  requests: FakeGitLabRequest[];
  projects: Record<string, FakeGitLabProject>;
  /** Old path → current path: a renamed or moved project still answers at its old path. */
  redirects: Record<string, string>;
}
/**
 * A fake GitLab at `baseUrl` (`https://gitlab.com` by default). With `privateTokens` or
 * `jobTokens`, only those tokens (in `PRIVATE-TOKEN`/`Authorization: Bearer`, respectively
 * `JOB-TOKEN`) are let in; without, any token is. A request without a token answers 401.
 */
export function createFakeGitLab(
  projects: Record<string, FakeGitLabProject>,
  options?: { baseUrl?: string; privateTokens?: string[]; jobTokens?: string[] },
): FakeGitLab;
