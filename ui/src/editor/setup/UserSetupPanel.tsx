import { useEffect, useState } from "react";
import { backend, type BackendError, type SessionInfo, type UserDetail, type UserSetup } from "../../backend";
import { AppAccessSection } from "./AppAccessSection";
import { Checklist } from "./Checklist";
import { DevicesSection } from "./DevicesSection";
import { ForwardingSection } from "./ForwardingSection";
import { NumberSection } from "./NumberSection";
import { VoicemailSection } from "./VoicemailSection";

type Props = {
  user: UserDetail;
  session: SessionInfo;
  error: BackendError | null;
  run: (work: () => Promise<string | null>) => Promise<void>;
  onUser: (user: UserDetail) => void;
};

/** Everything that follows a license, below it in "Services and Permissions". */
export function UserSetupPanel({ user, session, error, run, onUser }: Props) {
  const [setup, setSetup] = useState<UserSetup | null>(null);
  // Reloaded whenever the user changes: a new license, number or extension.
  useEffect(() => {
    backend
      .userSetup(user.id)
      .then(setSetup)
      .catch(() => setSetup(null));
  }, [user.id, user.version]);
  if (!setup) return null;
  const props = { setup, user, session, error, run, onSetup: setSetup };
  return (
    <div className="user-setup">
      <Checklist items={setup.checklist} />
      <NumberSection {...props} onUser={onUser} />
      <VoicemailSection {...props} />
      <ForwardingSection {...props} />
      <AppAccessSection {...props} />
      <DevicesSection {...props} />
    </div>
  );
}
