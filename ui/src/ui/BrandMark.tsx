import icon from "../../../src-tauri/icons/source/licensedesk.svg";

/** The app icon (the same drawing the package's icons are made from), as decoration. */
export function BrandMark({ size = 30 }: { size?: number }) {
  return <img className="brand-icon" src={icon} width={size} height={size} alt="" aria-hidden="true" />;
}
