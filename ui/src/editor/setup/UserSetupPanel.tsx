import { AppAccessSection } from "./AppAccessSection";
import { Checklist } from "./Checklist";
import type { SectionProps } from "./common";
import { DevicesSection } from "./DevicesSection";
import { ForwardingSection } from "./ForwardingSection";
import { NumberSection } from "./NumberSection";
import { VoicemailSection } from "./VoicemailSection";

/** Everything that follows a license, below it in "Services and Permissions". */
export function UserSetupPanel(props: SectionProps) {
  return (
    <div className="user-setup">
      <Checklist items={props.setup.checklist} />
      <NumberSection {...props} />
      <VoicemailSection {...props} />
      <ForwardingSection {...props} />
      <AppAccessSection {...props} />
      <DevicesSection {...props} />
    </div>
  );
}
