import { useCallback, useEffect, useRef, useState } from "react";
import {
  backend,
  BackendError,
  type LicenseFilter,
  type ProductInventory,
  type SessionInfo,
  type UserDetail,
  type UserRow,
  type UserStatus,
} from "../backend";
import { fullName } from "../format";
import { useNotify } from "../components/Messages";
import { missingPermission, ReadOnlyReason } from "../components/ReadOnlyReason";
import { UserEditor } from "../editor/UserEditor";
import { AddUserForm } from "./AddUserForm";
import { ImportUsersDialog } from "./ImportUsersDialog";

const PAGE_SIZE = 100;
const DEBOUNCE_MS = 120;

type Filters = { search: string; license: string; status: string };

function licenseFilter(value: string): LicenseFilter {
  if (value === "unlicensed") return { kind: "unlicensed" };
  if (value === "any") return { kind: "any" };
  return { kind: "product", product_id: Number(value) };
}

type Props = {
  session: SessionInfo;
  /** Changes each time Ctrl+F asks for the search box. */
  searchRequest?: number;
};

export function UsersPage({ session, searchRequest = 0 }: Props) {
  const notify = useNotify();
  const cannotView = missingPermission(session, "users.view");
  const [filters, setFilters] = useState<Filters>({ search: "", license: "any", status: "any" });
  const [rows, setRows] = useState<UserRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const cursorRef = useRef<{ sort_name: string; id: number } | null>(null);
  const [products, setProducts] = useState<ProductInventory[]>([]);
  const [editing, setEditing] = useState<{ user: UserRow; tab?: "Services and Permissions" } | null>(null);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const addLock = missingPermission(session, "users.edit");
  const searchRef = useRef<HTMLInputElement>(null);
  // Answers can arrive out of order while typing: only the newest query's answer counts.
  const generation = useRef(0);

  const load = useCallback(
    async (f: Filters, append: boolean) => {
      const mine = ++generation.current;
      try {
        const page = await backend.searchUsers({
          search: f.search,
          license: licenseFilter(f.license),
          status: f.status === "any" ? null : (f.status as UserStatus),
          after: append ? cursorRef.current : null,
          limit: PAGE_SIZE,
        });
        if (mine !== generation.current) return;
        setRows((old) => (append ? [...old, ...page.users] : page.users));
        setTotal(page.total);
        cursorRef.current = page.next;
        setHasMore(page.next !== null);
      } catch (e) {
        notify.failure((e as BackendError).message);
      }
    },
    [notify],
  );

  useEffect(() => {
    if (cannotView) return;
    const t = setTimeout(() => load(filters, false), filters.search ? DEBOUNCE_MS : 0);
    return () => clearTimeout(t);
  }, [filters, load, cannotView]);

  useEffect(() => {
    if (cannotView || missingPermission(session, "licenses.view")) return;
    backend.licenseInventory().then(setProducts).catch(() => setProducts([]));
  }, [cannotView, session]);

  useEffect(() => {
    searchRef.current?.focus();
    searchRef.current?.select();
  }, [searchRequest]);

  /** The user `step` rows after (1) or before (-1) the one being edited, if any. */
  function neighbour(step: 1 | -1): UserRow | null {
    if (!editing) return null;
    const at = rows.findIndex((r) => r.id === editing.user.id);
    return at < 0 ? null : (rows[at + step] ?? null);
  }
  const [next, previous] = [neighbour(1), neighbour(-1)];

  if (cannotView) {
    return (
      <section aria-labelledby="users-heading">
        <h1 id="users-heading">Users</h1>
        <ReadOnlyReason id="users-locked" message={cannotView.message} />
      </section>
    );
  }

  function saved(user: UserDetail, message: string) {
    setRows((old) => old.map((r) => (r.id === user.id ? user : r)));
    setEditing(null);
    notify.success(message);
    backend.licenseInventory().then(setProducts).catch(() => undefined);
  }

  async function exportUsers() {
    try {
      const today = new Date().toISOString().slice(0, 10);
      const done = await backend.exportUsers(`users-${today}.csv`);
      if (done) notify.success(`${done[1]} users exported to ${done[0]}.`);
    } catch (e) {
      notify.failure((e as BackendError).message);
    }
  }

  const filtering = filters.search.trim() !== "" || filters.license !== "any" || filters.status !== "any";

  return (
    <section aria-labelledby="users-heading">
      <div className="page-head">
        <h1 id="users-heading">Users</h1>
        <div className="page-actions">
          <button
            type="button"
            className="primary"
            disabled={addLock !== null}
            aria-describedby={addLock ? "add-user-lock" : undefined}
            onClick={() => setAdding(true)}
          >
            Add user
          </button>
          <button
            type="button"
            disabled={addLock !== null}
            aria-describedby={addLock ? "add-user-lock" : undefined}
            onClick={() => setImporting(true)}
          >
            Import users
          </button>
          <button type="button" onClick={() => void exportUsers()}>
            Export users
          </button>
          {addLock && <ReadOnlyReason id="add-user-lock" message={addLock.message} />}
        </div>
        {total !== null && (
          <p className="muted" aria-live="polite">
            {filtering ? `${total} of the organization's users match` : `${total} users`}
          </p>
        )}
      </div>
      <div className="toolbar">
        <input
          ref={searchRef}
          type="search"
          className="search"
          aria-label="Search users"
          placeholder="Search by name, email, extension or number"
          value={filters.search}
          onChange={(e) => setFilters({ ...filters, search: e.target.value })}
        />
        <label className="inline-field">
          <span>License</span>
          <select
            aria-label="Filter by license"
            value={filters.license}
            onChange={(e) => setFilters({ ...filters, license: e.target.value })}
          >
            <option value="any">All licenses</option>
            <option value="unlicensed">No license</option>
            {products.map((p) => (
              <option key={p.product_id} value={String(p.product_id)}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select
            aria-label="Filter by status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value })}
          >
            <option value="any">All statuses</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
          </select>
        </label>
      </div>
      <table className="grid users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Extension</th>
            <th scope="col">Phone number</th>
            <th scope="col">License</th>
            <th scope="col">Status</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                <div className="cell-title" title={fullName(u)}>{fullName(u)}</div>
                <div className="cell-sub">{[u.department, u.site].filter(Boolean).join(" · ")}</div>
              </th>
              <td className="truncate" title={u.email}>{u.email}</td>
              <td className="mono">{u.extension ?? <span className="dim">None</span>}</td>
              <td className="mono">{u.phone_number ?? <span className="dim">None</span>}</td>
              <td>{u.license ? u.license.product_name : <span className="dim">No license</span>}</td>
              <td>
                <span className={`badge badge-${u.status}`}>{u.status === "active" ? "Active" : "Suspended"}</span>
              </td>
              <td className="actions">
                <button type="button" aria-label={`Edit ${fullName(u)}`} onClick={() => setEditing({ user: u })}>
                  Edit
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total === 0 && (
        <div className="empty">
          <p>{filtering ? "No users match your search and filters." : "This organization has no users yet."}</p>
          {filtering && (
            <button type="button" onClick={() => setFilters({ search: "", license: "any", status: "any" })}>
              Clear search and filters
            </button>
          )}
        </div>
      )}
      {hasMore && (
        <div className="more">
          <button type="button" onClick={() => load(filters, true)}>
            Show more users ({rows.length} of {total} shown)
          </button>
        </div>
      )}
      {importing && (
        <ImportUsersDialog
          onClose={() => setImporting(false)}
          onImported={(message) => {
            setImporting(false);
            notify.success(message);
            void load(filters, false);
            backend.licenseInventory().then(setProducts).catch(() => undefined);
          }}
        />
      )}
      {adding && (
        <AddUserForm
          onClose={() => setAdding(false)}
          onAdded={(user) => {
            setAdding(false);
            notify.success(`${fullName(user)} added. Choose a license in "Services and Permissions".`);
            void load(filters, false);
            setEditing({ user, tab: "Services and Permissions" });
          }}
        />
      )}
      {editing && (
        <UserEditor
          key={editing.user.id}
          userId={editing.user.id}
          name={fullName(editing.user)}
          initialTab={editing.tab}
          session={session}
          onClose={() => setEditing(null)}
          onSaved={saved}
          onChanged={(user) => setRows((old) => old.map((r) => (r.id === user.id ? user : r)))}
          onNext={next ? () => setEditing({ user: next }) : undefined}
          onPrevious={previous ? () => setEditing({ user: previous }) : undefined}
        />
      )}
    </section>
  );
}
