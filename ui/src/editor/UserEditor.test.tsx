import { screen, waitFor, within } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, type SavedUserEdits } from "../backend";
import { UserEditor } from "./UserEditor";
import { whileServerUnreachable } from "../ui/ReadOnlyReason";
import { contactCenter, helpdesk, kofi, kofiSetup, superAdmin, voicePro } from "../test/fixtures";

const sites = [
  { id: 1, name: kofi.site },
  { id: 2, name: "Portland" },
];

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: {
      getUser: vi.fn(),
      licenseInventory: vi.fn(),
      sites: vi.fn(),
      userSetup: vi.fn(),
      saveUserEdits: vi.fn(),
      setUnsavedEdits: vi.fn(),
      confirmDiscard: vi.fn(),
    },
  };
});

const mocked = vi.mocked(backend);

beforeEach(() => {
  vi.resetAllMocks();
  mocked.getUser.mockResolvedValue(kofi);
  mocked.licenseInventory.mockResolvedValue([voicePro, contactCenter]);
  mocked.sites.mockResolvedValue(sites);
  mocked.setUnsavedEdits.mockResolvedValue(null);
});

/** What core answers to a Save that assigned Voice Pro. */
function assigned(): SavedUserEdits {
  return {
    user: { ...kofi, version: 2 },
    setup: kofiSetup,
    saved: ["License"],
    message: "Saved for Kofi Andersson: License.",
    freed_product_id: null,
  };
}

async function openServices(session = superAdmin) {
  const onSaved = vi.fn();
  const onChanged = vi.fn();
  const onClose = vi.fn();
  render(
    <UserEditor
      userId={kofi.id}
      name="Kofi Andersson"
      session={session}
      onSaved={onSaved}
      onChanged={onChanged}
      onClose={onClose}
    />,
  );
  const dialog = screen.getByRole("dialog", { name: "Edit Kofi Andersson" });
  await userEvent.click(within(dialog).getByRole("tab", { name: "Services and Permissions" }));
  const license = await within(dialog).findByRole("combobox", { name: "License" });
  return { dialog, license, onSaved, onChanged, onClose };
}

describe("UserEditor", () => {
  it("offers every product with its free seats, zero included", async () => {
    const { license } = await openServices();
    const options = within(license)
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(options).toEqual(["No license", "Voice Pro (2 available)", "Contact Center Agent (0 available)"]);
  });

  it("assigns the chosen license on Save and stays open for the setup checklist", async () => {
    const { dialog, license, onSaved, onChanged } = await openServices();
    mocked.saveUserEdits.mockResolvedValue(assigned());
    await userEvent.selectOptions(license, "Voice Pro (2 available)");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(mocked.saveUserEdits).toHaveBeenCalledWith(
      expect.objectContaining({
        user_id: 7,
        license: { kind: "assign", product_id: 2 },
        expected_version: 1,
        profile: null,
        voicemail: null,
      }),
    );
    await waitFor(() =>
      expect(within(dialog).getByRole("status")).toHaveTextContent("Voice Pro assigned to Kofi Andersson."),
    );
    expect(onChanged).toHaveBeenCalledWith({ ...kofi, version: 2 });
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("shows a refused save next to the License field and in the alert, and stays open", async () => {
    const { dialog, license, onSaved } = await openServices();
    const message = "No Contact Center Agent licenses are available. A new license must be purchased.";
    mocked.saveUserEdits.mockRejectedValue(
      new BackendError({ code: "no_license_available", message, field: "license", reason: message }),
    );
    await userEvent.selectOptions(license, "Contact Center Agent (0 available)");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(dialog).getByRole("alert")).toHaveTextContent(message));
    expect(license).toHaveAccessibleDescription(expect.stringContaining(message));
    expect(license).toHaveAttribute("aria-invalid", "true");
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("is read-only for a role without licenses.assign, and says why and who can", async () => {
    const { license } = await openServices(helpdesk);
    expect(license).toBeDisabled();
    expect(license).toHaveAccessibleDescription(
      expect.stringContaining("Your role Helpdesk does not include Assign and change licenses."),
    );
    expect(license).toHaveAccessibleDescription(expect.stringContaining("Dana Reyes"));
  });

  it("is read-only while the server cannot be reached, without a role's way out", async () => {
    const unreachable = "The server cannot be reached, so nothing can be changed until it answers again.";
    const onServer = {
      ...superAdmin,
      while_server_unreachable: (["users.edit", "licenses.assign", "licenses.remove", "numbers.manage", "settings.manage"] as const).map((permission) => ({
        permission,
        label: permission,
        message: unreachable,
        switch_suggested: false,
        because: "server_unreachable" as const,
      })),
    };
    const { dialog, license } = await openServices(whileServerUnreachable(onServer));
    expect(license).toBeDisabled();
    expect(license).toHaveAccessibleDescription(expect.stringContaining(unreachable));
    expect(within(dialog).queryByText("How to resolve")).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toBeEnabled();
    expect(within(dialog).getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("closes on Escape without saving", async () => {
    const { onClose } = await openServices();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
    expect(mocked.saveUserEdits).not.toHaveBeenCalled();
    expect(mocked.confirmDiscard).not.toHaveBeenCalled();
  });

  it("saves with Ctrl+S, moves to the next user with Ctrl+Page Down, and closes with Esc", async () => {
    const onNext = vi.fn();
    const onSaved = vi.fn();
    const onChanged = vi.fn();
    const onClose = vi.fn();
    render(
      <UserEditor
        userId={kofi.id}
        name="Kofi Andersson"
        session={superAdmin}
        onSaved={onSaved}
        onChanged={onChanged}
        onClose={onClose}
        onNext={onNext}
      />,
    );
    const dialog = screen.getByRole("dialog", { name: "Edit Kofi Andersson" });
    await userEvent.click(within(dialog).getByRole("tab", { name: "Services and Permissions" }));
    const license = await within(dialog).findByRole("combobox", { name: "License" });

    await userEvent.keyboard("{Control>}{PageDown}{/Control}");
    expect(onNext).toHaveBeenCalledTimes(1);

    // With a change pending, moving on asks first; Keep editing stays on the user.
    await userEvent.selectOptions(license, "Voice Pro (2 available)");
    mocked.confirmDiscard.mockResolvedValue(false);
    await userEvent.keyboard("{Control>}{PageDown}{/Control}");
    await waitFor(() => expect(mocked.confirmDiscard).toHaveBeenCalledWith("Kofi Andersson", ["License"]));
    expect(onNext).toHaveBeenCalledTimes(1);
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(mocked.confirmDiscard).toHaveBeenCalledTimes(2));
    expect(onClose).not.toHaveBeenCalled();

    mocked.saveUserEdits.mockResolvedValue(assigned());
    await userEvent.keyboard("{Control>}s{/Control}");
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith({ ...kofi, version: 2 }));

    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });

  it("counts a typed profile as unsaved: Esc asks, Save sends it with everything else", async () => {
    const onSaved = vi.fn();
    const onClose = vi.fn();
    render(
      <UserEditor userId={kofi.id} name="Kofi Andersson" session={superAdmin} onSaved={onSaved} onChanged={vi.fn()} onClose={onClose} />,
    );
    const department = await screen.findByRole("textbox", { name: "Department" });
    await userEvent.clear(department);
    await userEvent.type(department, "Front desk");
    mocked.confirmDiscard.mockResolvedValue(false);
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(mocked.confirmDiscard).toHaveBeenCalledWith("Kofi Andersson", ["Profile"]));
    expect(onClose).not.toHaveBeenCalled();
    expect(department).toHaveValue("Front desk");

    mocked.saveUserEdits.mockResolvedValue({
      ...assigned(),
      user: { ...kofi, department: "Front desk", version: 2 },
      saved: ["Profile"],
      message: "Saved for Kofi Andersson: Profile.",
    });
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(mocked.saveUserEdits).toHaveBeenCalledWith(
      expect.objectContaining({
        expected_version: 1,
        license: null,
        profile: { first_name: "Kofi", last_name: "Andersson", email: kofi.email, department: "Front desk", site_id: 1 },
      }),
    );
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ department: "Front desk" }), "Saved for Kofi Andersson: Profile.", undefined));
  });

  it("saves typed edits over the version they were made on, not one read since", async () => {
    const { client } = render(
      <UserEditor userId={kofi.id} name="Kofi Andersson" session={superAdmin} onSaved={vi.fn()} onChanged={vi.fn()} onClose={vi.fn()} />,
    );
    const department = await screen.findByRole("textbox", { name: "Department" });
    await userEvent.type(department, " desk");
    // Another admin's save arrives while the admin types (a window on a server reads it by itself).
    mocked.getUser.mockResolvedValue({ ...kofi, department: "Billing", version: 2 });
    await client.invalidateQueries();
    await waitFor(() => expect(mocked.getUser).toHaveBeenCalledTimes(2));
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(mocked.saveUserEdits).toHaveBeenCalledWith(expect.objectContaining({ expected_version: 1 }));
  });

  it("keeps everything typed when the native confirmation of the Save is cancelled", async () => {
    const onSaved = vi.fn();
    render(
      <UserEditor userId={kofi.id} name="Kofi Andersson" session={superAdmin} onSaved={onSaved} onChanged={vi.fn()} onClose={vi.fn()} />,
    );
    const first = await screen.findByRole("textbox", { name: "First name" });
    await userEvent.type(first, "s");
    mocked.saveUserEdits.mockRejectedValue(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Save" })).toBeEnabled());
    expect(first).toHaveValue("Kofis");
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toEqual(["", ""]);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("offers Switch account… in a read-only reason, asking about unsaved edits first", async () => {
    const onSwitchAccount = vi.fn();
    render(
      <UserEditor
        userId={kofi.id}
        name="Kofi Andersson"
        session={helpdesk}
        onSaved={vi.fn()}
        onChanged={vi.fn()}
        onClose={vi.fn()}
        onSwitchAccount={onSwitchAccount}
      />,
    );
    await userEvent.click(screen.getByRole("tab", { name: "Services and Permissions" }));
    const switchButton = await screen.findByRole("button", { name: "Switch account…" });
    expect(switchButton).toHaveAccessibleDescription(expect.stringContaining("Dana Reyes"));
    await userEvent.click(switchButton);
    expect(mocked.confirmDiscard).not.toHaveBeenCalled();
    expect(onSwitchAccount).toHaveBeenCalledWith("Services and Permissions");
  });
});
