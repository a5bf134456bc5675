import { describe, expect, it } from "vitest";
import { formatCents, licenseOptionLabel } from "./format";

describe("format", () => {
  it("labels license options with their free seats, zero included", () => {
    expect(licenseOptionLabel({ name: "Voice Pro", available: 2 })).toBe("Voice Pro (2 available)");
    expect(licenseOptionLabel({ name: "Contact Center Agent", available: 0 })).toBe(
      "Contact Center Agent (0 available)",
    );
  });

  it("formats cents as dollars", () => {
    expect(formatCents(57600)).toBe("$576.00");
    expect(formatCents(5)).toBe("$0.05");
  });
});
