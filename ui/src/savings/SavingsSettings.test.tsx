import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "../test/render";
import { BackendError, backend } from "../backend";
import { MessageBar, MessagesProvider } from "../ui/Messages";
import { helpdesk, superAdmin } from "../test/fixtures";
import { SavingsSettings } from "./SavingsSettings";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return { ...real, backend: { savingsIdleDays: vi.fn(), setSavingsIdleDays: vi.fn() } };
});

const mocked = vi.mocked(backend);

beforeEach(() => {
  vi.resetAllMocks();
  mocked.savingsIdleDays.mockResolvedValue(60);
});

describe("SavingsSettings", () => {
  it("shows a refused number next to the field and in the alert", async () => {
    mocked.setSavingsIdleDays.mockRejectedValue(
      new BackendError({
        code: "invalid_input",
        message: "Days without calls: use 7 to 365 days.",
        field: "idleDays",
        reason: "use 7 to 365 days.",
      }),
    );
    render(
      <MessagesProvider>
        <MessageBar />
        <SavingsSettings session={superAdmin} />
      </MessagesProvider>,
    );
    const field = await screen.findByRole("textbox", { name: "Days without calls" });
    await waitFor(() => expect(field).toHaveValue("60"));
    await userEvent.clear(field);
    await userEvent.type(field, "400");
    await userEvent.click(screen.getByRole("button", { name: "Save days without calls" }));
    expect(mocked.setSavingsIdleDays).toHaveBeenCalledWith("400");
    await waitFor(() => expect(field).toHaveAccessibleDescription("use 7 to 365 days."));
    expect(screen.getByRole("alert")).toHaveTextContent("Days without calls: use 7 to 365 days.");
  });

  it("is read-only for a role without settings.manage", async () => {
    const noSettings = {
      ...helpdesk,
      missing: [
        {
          permission: "settings.manage" as const,
          label: "Manage voicemail, forwarding and app settings",
          message: "Your role Billing Admin does not include Manage voicemail, forwarding and app settings.",
          switch_suggested: false,
      because: "role" as const,
        },
      ],
    };
    render(
      <MessagesProvider>
        <SavingsSettings session={noSettings} />
      </MessagesProvider>,
    );
    const field = await screen.findByRole("textbox", { name: "Days without calls" });
    expect(field).toHaveAttribute("readonly");
    expect(screen.getByRole("button", { name: "Save days without calls" })).toBeDisabled();
  });
});
