import type { Commit } from '../domain/types.js';

/**
 * One repository's commit graph, for the reachability rule of SPEC §5.2. Built once per
 * report from the stored commits; every question about ancestry is answered here, in
 * memory, so no metric ever queries the store per commit.
 *
 * Commits are numbered and their parents kept as integer lists (compressed rows), so that
 * walking 100k commits touches typed arrays instead of hashing 40-character strings.
 */
export class CommitGraph {
  private readonly idBySha = new Map<string, number>();
  private readonly shas: string[] = [];
  private readonly commits: Commit[];
  /** Parents of commit `id` are `parentIds[parentStart[id] … parentStart[id + 1])`. */
  private readonly parentStart: Int32Array;
  private readonly parentIds: Int32Array;
  private sortedShas: string[] | null = null;

  constructor(commits: readonly Commit[]) {
    this.commits = [];
    // Shas are stored lower-case (forges send them so; `record` lower-cases user input).
    for (const commit of commits) {
      const sha = commit.sha;
      if (this.idBySha.has(sha)) continue;
      this.idBySha.set(sha, this.shas.length);
      this.shas.push(sha);
      this.commits.push(commit);
    }
    const known = this.commits.length;
    let edges = 0;
    for (const commit of this.commits) edges += commit.parents.length;
    this.parentStart = new Int32Array(known + 1);
    this.parentIds = new Int32Array(edges);
    let edge = 0;
    for (let id = 0; id < known; id++) {
      this.parentStart[id] = edge;
      // A parent outside the stored history becomes a node without parents: the boundary.
      for (const parent of this.commits[id]!.parents) this.parentIds[edge++] = this.intern(parent);
    }
    this.parentStart[known] = edge;
  }

  /** The number of nodes: stored commits plus every other sha interned so far. */
  get size(): number {
    return this.shas.length;
  }

  /** Whether `sha` is a stored commit (not only a boundary parent or an interned sha). */
  has(sha: string): boolean {
    const id = this.idBySha.get(sha);
    return id !== undefined && id < this.commits.length;
  }

  idOf(sha: string): number | undefined {
    return this.idBySha.get(sha);
  }

  shaOf(id: number): string {
    return this.shas[id]!;
  }

  commitOf(id: number): Commit | undefined {
    return this.commits[id];
  }

  /**
   * The node of `sha`, added without parents when the graph does not know it (a deployment
   * of a sha that was never harvested still reaches itself).
   */
  intern(sha: string): number {
    let id = this.idBySha.get(sha);
    if (id === undefined) {
      id = this.shas.length;
      this.idBySha.set(sha, id);
      this.shas.push(sha);
      this.sortedShas = null;
    }
    return id;
  }

  /**
   * The full sha for `sha`, which may be an abbreviation (`record deployment --sha 3f2a9c1`).
   * An abbreviation that is unknown or ambiguous stays as given: it can then only match
   * itself, and the caller warns about it.
   */
  resolve(sha: string): string {
    const lower = sha.toLowerCase();
    if (lower.length >= 40 || this.idBySha.has(lower)) return lower;
    this.sortedShas ??= this.shas.slice(0, this.commits.length).sort();
    const shas = this.sortedShas;
    let low = 0;
    let high = shas.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (shas[mid]! < lower) low = mid + 1;
      else high = mid;
    }
    const first = shas[low];
    if (first === undefined || !first.startsWith(lower)) return lower;
    const second = shas[low + 1];
    if (second !== undefined && second.startsWith(lower)) return lower;
    return first;
  }

  /**
   * Walks the ancestors of node `start` (itself included) not reached yet (`reachedBy[id]`
   * is −1), marking them with `mark` and calling `visit` for each. Walking deployments oldest
   * first with one shared `reachedBy` array assigns each commit to the earliest deployment
   * that reaches it, in one pass over the graph (SPEC §5.2).
   */
  walkNew(start: number, reachedBy: Int32Array, mark: number, visit?: (id: number) => void): void {
    if (reachedBy[start] !== -1) return;
    const stack = [start];
    reachedBy[start] = mark;
    const known = this.commits.length;
    while (stack.length > 0) {
      const id = stack.pop()!;
      visit?.(id);
      if (id >= known) continue;
      for (let edge = this.parentStart[id]!, end = this.parentStart[id + 1]!; edge < end; edge++) {
        const parent = this.parentIds[edge]!;
        if (reachedBy[parent] === -1) {
          reachedBy[parent] = mark;
          stack.push(parent);
        }
      }
    }
  }

  /**
   * Whether node `ancestor` is a strict ancestor of node `descendant`. `canPass`, when given,
   * prunes the walk to nodes that could lie between them.
   */
  isStrictAncestor(ancestor: number, descendant: number, canPass?: (id: number) => boolean): boolean {
    if (ancestor === descendant) return false;
    const known = this.commits.length;
    const seen = new Set<number>([descendant]);
    const stack = [descendant];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id >= known) continue;
      for (let edge = this.parentStart[id]!, end = this.parentStart[id + 1]!; edge < end; edge++) {
        const parent = this.parentIds[edge]!;
        if (parent === ancestor) return true;
        if (!seen.has(parent) && (canPass === undefined || canPass(parent))) {
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
    return false;
  }
}
