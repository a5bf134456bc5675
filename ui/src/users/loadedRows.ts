import type { UserRow } from "../backend";

/**
 * The rows of the pages loaded so far, in list order, read where they are: a page that
 * arrives does not copy every row before it into a new array (20,000 of them after a deep
 * scroll, on the frame the page arrives in).
 */
export class LoadedRows {
  readonly length: number;
  private readonly pages: readonly { users: readonly UserRow[] }[];
  /** The index of each page's first row. */
  private readonly starts: number[];

  constructor(pages: readonly { users: readonly UserRow[] }[]) {
    this.pages = pages;
    let n = 0;
    this.starts = pages.map((p) => {
      const start = n;
      n += p.users.length;
      return start;
    });
    this.length = n;
  }

  /** The row at `index`, if loaded. */
  at(index: number): UserRow | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    // The last page starting at or before `index` (an empty page shares its start with the next).
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.pages[lo]?.users[index - (this.starts[lo] ?? 0)];
  }

  /** The index of the user's row, or -1. */
  indexOf(userId: number): number {
    for (const [p, page] of this.pages.entries()) {
      const at = page.users.findIndex((u) => u.id === userId);
      if (at >= 0) return (this.starts[p] ?? 0) + at;
    }
    return -1;
  }

  /** Every loaded user's id, in list order. */
  ids(): number[] {
    return this.pages.flatMap((p) => p.users.map((u) => u.id));
  }
}
