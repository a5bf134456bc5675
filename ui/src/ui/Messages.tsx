import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { ReadOnlyReason } from "./ReadOnlyReason";

/** What a success message offers next: a button, or why the role cannot do it. */
export type FollowUp = { label: string; run: () => void } | { lockedId: string; reason: string };

type Message = { kind: "success" | "failure"; text: string; id: number; followUp?: FollowUp };

type Notify = {
  success: (text: string, followUp?: FollowUp) => void;
  failure: (text: string) => void;
  clear: () => void;
};

const NotifyContext = createContext<Notify | null>(null);
const MessageContext = createContext<Message | null>(null);

/** Every action ends with a `status` (success) or an `alert` (failure) message. */
export function MessagesProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const push = useCallback(
    (kind: Message["kind"], text: string, followUp?: FollowUp) => setMessage({ kind, text, id: Date.now(), followUp }),
    [],
  );
  const notify = useMemo<Notify>(
    () => ({
      success: (t, followUp) => push("success", t, followUp),
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
        {success && message?.followUp && <FollowUpControl followUp={message.followUp} />}
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

function FollowUpControl({ followUp }: { followUp: FollowUp }) {
  if ("reason" in followUp) return <ReadOnlyReason id={followUp.lockedId} message={followUp.reason} />;
  return (
    <button type="button" className="message-follow-up" onClick={followUp.run}>
      {followUp.label}
    </button>
  );
}
