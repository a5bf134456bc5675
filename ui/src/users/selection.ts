import { useRef, useState } from "react";

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

/** Users picked in the list for bulk work; survives paging, filters and scrolling. */
export function useSelection() {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);
  return {
    selected,
    toggle(id: number, shift: boolean, order: readonly number[]) {
      setSelected((old) => toggled(old, id, shift, anchor.current, order));
      anchor.current = id;
    },
    set(ids: Iterable<number>) {
      setSelected(new Set(ids));
    },
    clear() {
      setSelected(new Set());
      anchor.current = null;
    },
  };
}
