import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

type Message = { kind: "success" | "failure"; text: string; id: number };

type Notify = { success: (text: string) => void; failure: (text: string) => void; clear: () => void };

const NotifyContext = createContext<Notify | null>(null);
const MessageContext = createContext<Message | null>(null);

/** Every action ends with a `status` (success) or an `alert` (failure) message. */
export function MessagesProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const push = useCallback(
    (kind: Message["kind"], text: string) => setMessage({ kind, text, id: Date.now() }),
    [],
  );
  const notify = useMemo<Notify>(
    () => ({
      success: (t) => push("success", t),
      failure: (t) => push("failure", t),
      clear: () => setMessage(null),
    }),
    [push],
  );
  return (
    <NotifyContext.Provider value={notify}>
      <MessageContext.Provider value={message}>{children}</MessageContext.Provider>
    </NotifyContext.Provider>
  );
}

export function useNotify(): Notify {
  const n = useContext(NotifyContext);
  if (!n) throw new Error("useNotify outside MessagesProvider");
  return n;
}

/** The page's message line. Both live regions always exist so that screen readers hear changes. */
export function MessageBar() {
  const message = useContext(MessageContext);
  const notify = useNotify();
  const success = message?.kind === "success" ? message.text : "";
  const failure = message?.kind === "failure" ? message.text : "";
  return (
    <div className="message-bar">
      <div role="status" className={success ? "message message-success" : "message-empty"}>
        {success}
      </div>
      <div role="alert" className={failure ? "message message-failure" : "message-empty"}>
        {failure}
      </div>
      {message && (
        <button type="button" className="message-dismiss" aria-label="Dismiss message" onClick={notify.clear}>
          ×
        </button>
      )}
    </div>
  );
}
