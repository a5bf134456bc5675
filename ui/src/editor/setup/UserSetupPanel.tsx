import type { UserDetail } from "../../backend";
import { AppAccessSection } from "./AppAccessSection";
import { Checklist } from "./Checklist";
import type { SectionProps } from "./common";
import { DevicesSection } from "./DevicesSection";
import { ForwardingSection } from "./ForwardingSection";
import { NumberSection } from "./NumberSection";
import { VoicemailSection } from "./VoicemailSection";

type Props = SectionProps & { onUser: (user: UserDetail) => void };

/** Everything that follows a license, below it in "Services and Permissions". */
export function UserSetupPanel({ onUser, ...props }: Props) {
  return (
    <div className="user-setup">
      <Checklist items={props.setup.checklist} />
      <NumberSection {...props} onUser={onUser} />
      <VoicemailSection {...props} />
      <ForwardingSection {...props} />
      <AppAccessSection {...props} />
      <DevicesSection {...props} />
    </div>
  );
}
