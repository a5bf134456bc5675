import { memo, useCallback, useEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  backend,
  BackendError,
  type LicenseFilter,
  type ProductInventory,
  type SessionInfo,
  type UserCursor,
  type UserDetail,
  type UserRow,
  type UserStatus,
} from "../backend";
import { fullName } from "../format";
import { useNotify } from "../components/Messages";
import { missingPermission, ReadOnlyReason } from "../components/ReadOnlyReason";
import { UserEditor } from "../editor/UserEditor";
import { markPainted, measureToPaint } from "../perf";

// Pages come from Rust (keyset paging); only the rows in view, plus OVERSCAN on each side,
// are in the DOM, however many are loaded.
const PAGE_SIZE = 200;
const DEBOUNCE_MS = 120;
const ROW_HEIGHT = 57;
const OVERSCAN = 30;
/** Load the next page when the view comes this close to the last loaded row. */
const PREFETCH_ROWS = 60;

type Filters = { search: string; license: string; status: string };

function licenseFilter(value: string): LicenseFilter {
  if (value === "unlicensed") return { kind: "unlicensed" };
  if (value === "any") return { kind: "any" };
  return { kind: "product", product_id: Number(value) };
}

/** One row of the Users table. */
const UserTableRow = memo(function UserTableRow({
  user: u,
  onEdit,
}: {
  user: UserRow;
  onEdit: (u: UserRow) => void;
}) {
  return (
    <tr style={{ height: ROW_HEIGHT }}>
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
        <button type="button" aria-label={`Edit ${fullName(u)}`} onClick={() => onEdit(u)}>
          Edit
        </button>
      </td>
    </tr>
  );
});

export function UsersPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const cannotView = missingPermission(session, "users.view");
  const [filters, setFilters] = useState<Filters>({ search: "", license: "any", status: "any" });
  const [rows, setRows] = useState<UserRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [next, setNext] = useState<UserCursor | null>(null);
  const [products, setProducts] = useState<ProductInventory[]>([]);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Answers can arrive out of order while typing: only the newest query's answer counts.
  const generation = useRef(0);
  const loadingMore = useRef(false);
  const keystrokeAt = useRef<number | null>(null);
  const firstPainted = useRef(false);

  const load = useCallback(
    async (f: Filters, after: UserCursor | null) => {
      const mine = after ? generation.current : ++generation.current;
      const typedAt = after ? null : keystrokeAt.current;
      try {
        const page = await backend.searchUsers({
          search: f.search,
          license: licenseFilter(f.license),
          status: f.status === "any" ? null : (f.status as UserStatus),
          after,
          limit: PAGE_SIZE,
        });
        if (mine !== generation.current) return;
        if (after) {
          setRows((old) => [...old, ...page.users]);
        } else {
          setRows(page.users);
          setTotal(page.total);
          if (scrollRef.current) scrollRef.current.scrollTop = 0;
          if (!firstPainted.current && page.users.length > 0) {
            firstPainted.current = true;
            markPainted("ld:users-painted");
          }
          if (typedAt !== null) {
            if (keystrokeAt.current === typedAt) keystrokeAt.current = null;
            measureToPaint("ld:search", typedAt, { search: f.search, debounceMs: DEBOUNCE_MS });
          }
        }
        setNext(page.next);
      } catch (e) {
        notify.failure((e as BackendError).message);
      } finally {
        if (after) loadingMore.current = false;
      }
    },
    [notify],
  );

  useEffect(() => {
    if (cannotView) return;
    const t = setTimeout(() => load(filters, null), filters.search ? DEBOUNCE_MS : 0);
    return () => clearTimeout(t);
  }, [filters, load, cannotView]);

  useEffect(() => {
    if (cannotView || missingPermission(session, "licenses.view")) return;
    backend.licenseInventory().then(setProducts).catch(() => setProducts([]));
  }, [cannotView, session]);

  useEffect(() => searchRef.current?.focus(), []);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const firstItem = items[0];
  const lastItem = items[items.length - 1];
  const lastIndex = lastItem ? lastItem.index : -1;

  // Scrolling near the end of what is loaded asks Rust for the next page.
  useEffect(() => {
    if (next && !loadingMore.current && lastIndex >= rows.length - PREFETCH_ROWS) {
      loadingMore.current = true;
      void load(filters, next);
    }
  }, [lastIndex, rows.length, next, filters, load]);

  const edit = useCallback((u: UserRow) => setEditing(u), []);

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

  const filtering = filters.search.trim() !== "" || filters.license !== "any" || filters.status !== "any";
  const padTop = firstItem ? firstItem.start : 0;
  const padBottom = lastItem ? virtualizer.getTotalSize() - lastItem.end : 0;

  return (
    <section aria-labelledby="users-heading" className="users-page">
      <div className="page-head">
        <h1 id="users-heading">Users</h1>
        {total !== null && (
          <p className="muted" aria-live="polite">
            {filtering
              ? `${total.toLocaleString("en-US")} of the organization's users match`
              : `${total.toLocaleString("en-US")} users`}
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
          onChange={(e) => {
            keystrokeAt.current = e.timeStamp || performance.now();
            setFilters({ ...filters, search: e.target.value });
          }}
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
      <div className="users-scroll" ref={scrollRef} data-testid="users-scroll">
        <table className="grid users" aria-rowcount={total !== null ? total + 1 : undefined}>
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
            {padTop > 0 && (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={7} style={{ height: padTop }} />
              </tr>
            )}
            {items.map((item) => {
              const user = rows[item.index];
              return user && <UserTableRow key={user.id} user={user} onEdit={edit} />;
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={7} style={{ height: padBottom }} />
              </tr>
            )}
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
      </div>
      {editing && (
        <UserEditor
          userId={editing.id}
          name={fullName(editing)}
          session={session}
          onClose={() => setEditing(null)}
          onSaved={saved}
        />
      )}
    </section>
  );
}
