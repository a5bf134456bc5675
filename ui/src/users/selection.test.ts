import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { toggled, useSelection } from "./selection";

const order = [10, 11, 12, 13, 14];

describe("toggled", () => {
  it("toggles one row with a plain click", () => {
    expect([...toggled(new Set(), 12, false, null, order)]).toEqual([12]);
    expect([...toggled(new Set([12]), 12, false, 12, order)]).toEqual([]);
  });

  it("selects the range from the last clicked row with shift, in either direction", () => {
    expect([...toggled(new Set([11]), 14, true, 11, order)].sort()).toEqual([11, 12, 13, 14]);
    expect([...toggled(new Set([14]), 11, true, 14, order)].sort()).toEqual([11, 12, 13, 14]);
  });

  it("clears the range when the shift-clicked row was selected", () => {
    expect([...toggled(new Set(order), 13, true, 11, order)].sort()).toEqual([10, 14]);
  });

  it("falls back to one row when the anchor is no longer shown", () => {
    expect([...toggled(new Set(), 13, true, 99, order)]).toEqual([13]);
  });
});

describe("useSelection", () => {
  it("takes a shift-click's range from the row clicked before, even when React runs the update later", () => {
    const { result } = renderHook(() => useSelection());
    // Two clicks handled in one batch: the second update waits for the render, by which time
    // the anchor has moved to the row it was clicked on.
    act(() => {
      result.current.toggle(11, false, order);
      result.current.toggle(14, true, order);
    });
    expect([...result.current.selected].sort()).toEqual([11, 12, 13, 14]);
  });
});
