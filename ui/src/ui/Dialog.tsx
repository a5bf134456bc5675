import { useLayoutEffect, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from "react";

type DialogProps = {
  /** The id of the dialog's title (preferred), or a label when it has no visible title. */
  labelledBy?: string;
  label?: string;
  /** Classes of the visible box: "dialog", "dialog dialog-small", … */
  className?: string;
  /**
   * Escape (the native `cancel` event) asks for this; the dialog stays open unless the owner
   * unmounts it, so a "Discard changes?" question or busy work can keep it.
   */
  onCancel: () => void;
  /** Keys the dialog's own content handles (shortcuts); Escape never reaches it. */
  onKeyDown?: (e: KeyboardEvent<HTMLDialogElement>) => void;
  /** When given, the box is a form: Enter in a field submits it. */
  onSubmit?: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
};

/**
 * A modal dialog on the native `<dialog>` element opened with `showModal()`: the browser keeps
 * Tab inside it and makes everything under it inert. It takes focus when it opens (a field
 * that focuses itself keeps it) and gives focus back to the opener when it closes.
 * See docs/ARCHITECTURE.md (UI).
 */
export function Dialog({ labelledBy, label, className = "dialog", onCancel, onKeyDown, onSubmit, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // The latest handler, for the listeners added once.
  const cancel = useRef(onCancel);
  useLayoutEffect(() => {
    cancel.current = onCancel;
  });
  // Escape handled on keydown; the `cancel` event the browser may still fire for it is not a second one.
  const escapeHandled = useRef(false);

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // A child focused before the dialog opened (React's autoFocus) keeps the focus.
    const inside = opener && dialog.contains(opener) ? opener : null;
    let closing = false;
    if (!dialog.open) dialog.showModal();
    (inside ?? dialog).focus();

    const onCancelEvent = (e: Event) => {
      e.preventDefault();
      if (escapeHandled.current) {
        escapeHandled.current = false;
        return;
      }
      cancel.current();
    };
    // A browser may close a modal dialog on a repeated Escape even though `cancel` was
    // prevented: while it is mounted it stays open.
    const onClose = () => {
      if (!closing && dialog.isConnected && !dialog.open) dialog.showModal();
    };
    dialog.addEventListener("cancel", onCancelEvent);
    dialog.addEventListener("close", onClose);
    return () => {
      closing = true;
      dialog.removeEventListener("cancel", onCancelEvent);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      if (opener && opener !== inside && opener.isConnected) opener.focus();
    };
  }, []);

  function keyDown(e: KeyboardEvent<HTMLDialogElement>) {
    escapeHandled.current = false;
    if (e.key === "Escape" && !e.defaultPrevented) {
      // Handled here so that a dialog inside this one closes alone.
      e.preventDefault();
      e.stopPropagation();
      escapeHandled.current = true;
      cancel.current();
      return;
    }
    onKeyDown?.(e);
  }

  return (
    <dialog ref={ref} className="modal" aria-labelledby={labelledBy} aria-label={label} tabIndex={-1} onKeyDown={keyDown}>
      {onSubmit ? (
        <form className={className} onSubmit={onSubmit} noValidate>
          {children}
        </form>
      ) : (
        <div className={className}>{children}</div>
      )}
    </dialog>
  );
}

type FooterProps = {
  /** The failure shown in the footer's alert; null: the alert is there, empty and hidden. */
  error?: string | null;
  /** A success or progress notice, in a status region above the alert. */
  notice?: string | null;
  /** The footer's buttons, right-aligned. */
  children: ReactNode;
};

/** The row under a dialog's body: its notice, its alert and its buttons. */
export function DialogFooter({ error, notice, children }: FooterProps) {
  return (
    <footer className="dialog-foot">
      {notice !== undefined && (
        <div role="status" className={notice ? "message message-success" : "message-empty"}>
          {notice ?? ""}
        </div>
      )}
      {error !== undefined && (
        <div role="alert" className={error ? "message message-failure" : "message-empty"}>
          {error ?? ""}
        </div>
      )}
      <div className="buttons">{children}</div>
    </footer>
  );
}
