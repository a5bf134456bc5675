import { describe, expect, it } from "vitest";
import type { UserRow } from "../backend";
import { LoadedRows } from "./loadedRows";
import { rowsInView } from "./rowWindow";

const user = (id: number) => ({ id }) as UserRow;
const page = (...ids: number[]) => ({ users: ids.map(user) });

describe("LoadedRows", () => {
  it("reads every row across pages, empty ones included, in order", () => {
    const rows = new LoadedRows([page(1, 2, 3), page(), page(4), page(5, 6)]);
    expect(rows.length).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => rows.at(i)?.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.at(-1)).toBeUndefined();
    expect(rows.at(6)).toBeUndefined();
    expect(rows.ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.indexOf(5)).toBe(4);
    expect(rows.indexOf(7)).toBe(-1);
  });

  it("is empty without pages", () => {
    const rows = new LoadedRows([]);
    expect(rows.length).toBe(0);
    expect(rows.at(0)).toBeUndefined();
    expect(rows.ids()).toEqual([]);
  });
});

describe("rowsInView", () => {
  it("counts a row partly in view", () => {
    expect(rowsInView(0, 570, 57)).toEqual({ first: 0, last: 10 });
    expect(rowsInView(60, 570, 57)).toEqual({ first: 1, last: 12 });
    expect(rowsInView(0, 0, 57)).toEqual({ first: 0, last: 0 });
  });
});
