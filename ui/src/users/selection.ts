import { useCallback, useMemo, useRef, useState } from "react";

/**
 * The selection after clicking `id`'s checkbox: a plain click toggles it; a shift-click sets
 * every row between the last clicked one (`anchor`) and this one to this one's new state.
 */
export function toggled(
  selected: ReadonlySet<number>,
  id: number,
  shift: boolean,
  anchor: number | null,
  order: readonly number[],
): Set<number> {
  const next = new Set(selected);
  const on = !selected.has(id);
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(id);
  const range = shift && from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const x of range) {
    if (on) next.add(x);
    else next.delete(x);
  }
  return next;
}

/**
 * Users picked in the list for bulk work; survives paging, filters and scrolling. The
 * functions keep their identity from render to render, so that rows given them do not draw
 * again when the list scrolls.
 */
export function useSelection() {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);
  const toggle = useCallback((id: number, shift: boolean, order: readonly number[]) => {
    // The anchor as it is now: React may run the update later, after it has moved to `id`.
    const from = anchor.current;
    setSelected((old) => toggled(old, id, shift, from, order));
    anchor.current = id;
  }, []);
  const set = useCallback((ids: Iterable<number>) => setSelected(new Set(ids)), []);
  const clear = useCallback(() => {
    setSelected(new Set());
    anchor.current = null;
  }, []);
  return useMemo(() => ({ selected, toggle, set, clear }), [selected, toggle, set, clear]);
}
