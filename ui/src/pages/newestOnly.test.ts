import { describe, expect, it } from "vitest";
import { newestOnly } from "./newestOnly";

/** A piece of work that finishes when the test says so. */
function controlled() {
  const started: string[] = [];
  const finish: Array<() => void> = [];
  const work = (value: string) =>
    new Promise<void>((resolve) => {
      started.push(value);
      finish.push(resolve);
    });
  return { started, finish, work };
}

describe("newestOnly", () => {
  it("runs the first value at once", () => {
    const c = controlled();
    void newestOnly(c.work)("k");
    expect(c.started).toEqual(["k"]);
  });

  it("runs only the newest of the values given while one runs, after it", async () => {
    const c = controlled();
    const search = newestOnly(c.work);
    const first = search("k");
    void search("ko");
    void search("kow");
    void search("kowa");
    expect(c.started).toEqual(["k"]);
    c.finish[0]?.();
    await Promise.resolve();
    await Promise.resolve();
    expect(c.started).toEqual(["k", "kowa"]);
    c.finish[1]?.();
    await first;
    expect(c.started).toEqual(["k", "kowa"]);
  });

  it("runs again for a value given after the last one finished", async () => {
    const c = controlled();
    const search = newestOnly(c.work);
    const first = search("a");
    c.finish[0]?.();
    await first;
    void search("b");
    expect(c.started).toEqual(["a", "b"]);
  });

  it("keeps going after a value whose work failed", async () => {
    const started: string[] = [];
    const search = newestOnly(async (v: string) => {
      started.push(v);
      if (v === "bad") throw new Error("refused");
    });
    await expect(search("bad")).rejects.toThrow("refused");
    await search("good");
    expect(started).toEqual(["bad", "good"]);
  });
});
