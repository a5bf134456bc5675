import { useLayoutEffect, useRef, useState, type RefObject } from "react";
import { flushSync } from "react-dom";

/** The rows a scroll box shows, [first, last), when every row is `rowHeight` px tall. */
export type InView = { first: number; last: number };

export function rowsInView(scrollTop: number, viewHeight: number, rowHeight: number): InView {
  return { first: Math.floor(scrollTop / rowHeight), last: Math.ceil((scrollTop + viewHeight) / rowHeight) };
}

/**
 * The rows in view of a list of rows of one fixed height scrolling in `scrollRef`'s box. A
 * row's place is its index times the height, so nothing is measured: a scroll reads only the
 * box's scrollTop, a resize its height. The component draws again only when a row comes into
 * view or leaves it, and at once, within the scroll event (before the frame is painted).
 */
export function useRowsInView(scrollRef: RefObject<HTMLElement | null>, rowHeight: number): InView {
  const [inView, setInView] = useState<InView>({ first: 0, last: 0 });
  const current = useRef(inView);
  useLayoutEffect(() => {
    const box = scrollRef.current;
    if (!box) return;
    let top = box.scrollTop;
    let height = box.clientHeight;
    const update = (duringScroll: boolean) => {
      const next = rowsInView(top, height, rowHeight);
      if (next.first === current.current.first && next.last === current.current.last) return;
      current.current = next;
      if (duringScroll) flushSync(() => setInView(next));
      else setInView(next);
    };
    update(false);
    const onScroll = () => {
      top = box.scrollTop;
      update(true);
    };
    box.addEventListener("scroll", onScroll, { passive: true });
    const resize =
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver(() => {
            height = box.clientHeight;
            update(false);
          });
    resize?.observe(box);
    return () => {
      box.removeEventListener("scroll", onScroll);
      resize?.disconnect();
    };
  }, [scrollRef, rowHeight]);
  return inView;
}
