import { screen, waitFor, within } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, type RestorePreview, type UserRestore } from "../backend";
import { RestoreDialog } from "./RestoreDialog";
import { superAdmin } from "../test/fixtures";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: {
      restorePreview: vi.fn(),
      restoreFromArchive: vi.fn(),
      reactivationPreview: vi.fn(),
      reactivateUser: vi.fn(),
    },
  };
});

const mocked = vi.mocked(backend);

function line(over: Partial<UserRestore> = {}): UserRestore {
  return {
    archive_id: 7,
    user_id: 3,
    user_name: "Kofi Andersson",
    expected_version: 4,
    product_name: "Voice Pro",
    seat_free: true,
    counts: [
      { kind: "voicemails", label: "2 voicemail messages", count: 2 },
      { kind: "forwarding_rules", label: "1 call forwarding rule", count: 1 },
      { kind: "app_access", label: "0 app access grants", count: 0 },
    ],
    extension: { archived: "2041", holder: "Ana Ruiz", suggested: "2077", restored: "2077", note: "Extension 2041 is now Ana Ruiz's: Kofi gets 2077 instead, or none." },
    phone_number: { archived: "+15125550101", holder: null, suggested: null, restored: "+15125550101", note: "Number +15125550101 comes back." },
    left_out: ['The forwarding rule "busy" to 2042: it would send calls in a loop (Kofi Andersson → Ben Ode (2042) → Kofi Andersson).'],
    ...over,
  };
}

function preview(over: Partial<RestorePreview> = {}): RestorePreview {
  return { users: [line()], purchases: [], summary: "…", ...over };
}

/** The IT Admin: may restore, may not buy. */
const itAdmin = {
  ...superAdmin,
  role: "IT Admin",
  missing: [
    {
      permission: "billing.manage" as const,
      label: "Manage billing",
      message: "Your role IT Admin does not include Manage billing. Ask Dana Reyes (Super Admin).",
      switch_suggested: false,
      because: "role" as const,
    },
  ],
};

const target = { kind: "archive" as const, userId: 3, archiveId: 7, batchSize: 1 };

beforeEach(() => {
  vi.resetAllMocks();
});

describe("RestoreDialog", () => {
  it("shows what comes back, the taken extension's holder and what is left out", async () => {
    mocked.restorePreview.mockResolvedValue(preview());
    render(<RestoreDialog target={target} session={superAdmin} onClose={vi.fn()} onDone={vi.fn()} />);
    const dialog = screen.getByRole("dialog", { name: "Restore license and data" });
    expect(await within(dialog).findByText("2 voicemail messages")).toBeTruthy();
    expect(within(dialog).queryByText("0 app access grants")).toBeNull();
    expect(within(dialog).getByText(/now Ana Ruiz's/)).toBeTruthy();
    expect(within(dialog).getByText(/would send calls in a loop/)).toBeTruthy();
    const ext = within(dialog).getByRole("combobox", { name: "Extension" }) as HTMLSelectElement;
    expect(ext.value).toBe("offered");
  });

  it("sends the admin's choices and reports the message", async () => {
    mocked.restorePreview.mockResolvedValue(preview());
    mocked.restoreFromArchive.mockResolvedValue({ users: [line()], purchases: [], message: "Restored Kofi Andersson's Voice Pro license and data." });
    const onDone = vi.fn();
    render(<RestoreDialog target={target} session={superAdmin} onClose={vi.fn()} onDone={onDone} />);
    const dialog = screen.getByRole("dialog", { name: "Restore license and data" });
    await userEvent.selectOptions(await within(dialog).findByRole("combobox", { name: "Extension" }), "None");
    await userEvent.click(within(dialog).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith("Restored Kofi Andersson's Voice Pro license and data."));
    expect(mocked.restoreFromArchive).toHaveBeenCalledWith({
      archive_id: 7,
      whole_batch: false,
      purchase_seats: false,
      choices: [{ archive_id: 7, expected_version: 4, extension: null, phone_number: "+15125550101" }],
    });
  });

  it("needs the purchase ticked when no seat is free, and a role without billing cannot tick it", async () => {
    const purchase = {
      product_name: "Voice Pro",
      quantity: 1,
      unit_price_cents: 2500,
      current_total_cents: 100000,
      new_total_cents: 102500,
      effective_on: "2026-12-06",
      currency: "USD",
    };
    mocked.restorePreview.mockResolvedValue(preview({ users: [line({ seat_free: false })], purchases: [purchase] }));
    render(<RestoreDialog target={target} session={itAdmin} onClose={vi.fn()} onDone={vi.fn()} />);
    const dialog = screen.getByRole("dialog", { name: "Restore license and data" });
    const box = await within(dialog).findByRole("checkbox", { name: "Purchase 1 Voice Pro license" });
    expect((box as HTMLInputElement).disabled).toBe(true);
    expect((within(dialog).getByRole("button", { name: "Restore" }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByText(/does not include Manage billing/)).toBeTruthy();
  });

  it("shows a refusal as an alert and a cancel in the native confirmation as nothing", async () => {
    mocked.restorePreview.mockResolvedValue(preview());
    mocked.restoreFromArchive.mockRejectedValueOnce(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    mocked.restoreFromArchive.mockRejectedValueOnce(
      new BackendError({ code: "already_taken", field: "extension", message: "Extension: 2077 is already used by Ben Ode." }),
    );
    render(<RestoreDialog target={target} session={superAdmin} onClose={vi.fn()} onDone={vi.fn()} />);
    const dialog = screen.getByRole("dialog", { name: "Restore license and data" });
    const restore = await within(dialog).findByRole("button", { name: "Restore" });
    await waitFor(() => expect((restore as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(restore);
    await waitFor(() => expect(mocked.restoreFromArchive).toHaveBeenCalledTimes(1));
    expect(within(dialog).getByRole("alert").textContent).toBe("");
    await userEvent.click(restore);
    await waitFor(() => expect(within(dialog).getByRole("alert").textContent).toContain("Extension: 2077 is already used by Ben Ode."));
  });

  it("reactivates with the offboarding's archive", async () => {
    mocked.reactivationPreview.mockResolvedValue({ user_id: 3, user_name: "Kofi Andersson", restore: preview(), note: null, summary: "…" });
    mocked.reactivateUser.mockResolvedValue({ user: {} as never, restore: null, message: "Kofi Andersson is active again." });
    const onDone = vi.fn();
    render(
      <RestoreDialog
        target={{ kind: "reactivate", userId: 3, userName: "Kofi Andersson", version: 9 }}
        session={superAdmin}
        onClose={vi.fn()}
        onDone={onDone}
      />,
    );
    const dialog = screen.getByRole("dialog", { name: "Reactivate Kofi Andersson" });
    await within(dialog).findByText("2 voicemail messages");
    await userEvent.click(within(dialog).getByRole("button", { name: "Reactivate" }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const req = mocked.reactivateUser.mock.calls[0]?.[0];
    expect(req?.expected_version).toBe(9);
    expect(req?.restore?.choices[0]).toMatchObject({ archive_id: 7, expected_version: 9, extension: "2077" });
  });
});
