//! The PostgreSQL engine against a real throwaway cluster (issue 25): its schema, the
//! append-only audit log and its one chain with several writers, the change lock and the
//! retries, the last-seat race, SCRAM, and TLS with a verified certificate.

use std::sync::{Arc, Barrier};
use std::thread;

use postgres::Client;

use super::pg_cluster::{PgCluster, PASSWORD, SUPERUSER};
use crate::base::error::Error;
use crate::domain::users::directory::{list_query, UserQuery};
use crate::kernel::audit::{
    append_on_server, first_broken_entry_on_server, AuditActor, AuditEntry,
};
use crate::storage::list_order::UserCursor;
use crate::storage::server::{in_change, migrate, ServerAddress, SCHEMA_VERSION};
use crate::storage::tables::users::on_server as server_users;

fn connect(url: &str) -> Client {
    ServerAddress::parse(url).unwrap().connect().unwrap()
}

/// A migrated organization database of `cluster` and its address.
fn organization(cluster: &PgCluster) -> String {
    let url = cluster.new_database();
    migrate(&mut connect(&url)).unwrap();
    url
}

const ADMIN: AuditActor<'static> = AuditActor {
    account_id: Some(1),
    login: "dana.reyes",
    role_name: "Super Admin",
};

fn audited_change(client: &mut Client, action: &str) -> i64 {
    in_change(client, |tx| {
        append_on_server(tx, "2026-12-07T09:00:00Z", &ADMIN, &AuditEntry::new(action))
    })
    .unwrap()
}

fn broken_entry(client: &mut Client) -> Option<i64> {
    let mut tx = client.transaction().unwrap();
    first_broken_entry_on_server(&mut tx).unwrap()
}

/// The first 50 users a search of `search` finds, unfiltered.
fn first_page(search: &str) -> UserQuery {
    UserQuery {
        search: search.to_owned(),
        license: crate::domain::users::directory::LicenseFilter::Any,
        status: None,
        after: None,
        limit: 50,
    }
}

/// Each of `statements` fails with SQLSTATE 42501 (insufficient privilege).
fn refused_as_insufficient_privilege(client: &mut Client, statements: &[&str]) {
    for statement in statements {
        let e = client.batch_execute(statement).unwrap_err();
        assert_eq!(
            crate::storage::server::sqlstate(&e),
            Some("42501"),
            "{statement}: {e}"
        );
    }
}

fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn the_schema_is_made_once_and_a_newer_one_is_refused() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    // A second window connecting migrates nothing more.
    migrate(&mut client).unwrap();
    let version = count(&mut client, "SELECT version FROM licensedesk_schema");
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(broken_entry(&mut client), None, "an empty log is whole");

    // A database whose lower() folds ASCII only would find fewer users than the file.
    let ascii_only = cluster.new_database_with("LOCALE 'C'");
    match migrate(&mut connect(&ascii_only)) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, crate::base::field::Field::Server);
            assert!(message.contains("character type C"), "{message}");
        }
        other => panic!("a C-locale database gave {other:?}"),
    }

    client
        .batch_execute("UPDATE licensedesk_schema SET version = version + 1")
        .unwrap();
    match migrate(&mut client) {
        Err(Error::DatabaseTooNew { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("a newer schema was {other:?}"),
    }
}

#[test]
fn the_audit_log_refuses_update_delete_and_truncate_and_an_edit_shows() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    for action in ["license.assign", "license.change", "license.remove"] {
        audited_change(&mut client, action);
    }
    assert_eq!(broken_entry(&mut client), None);
    let hashes = |c: &mut Client| -> Vec<String> {
        c.query("SELECT hash FROM audit_log ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let before = hashes(&mut client);
    refused_as_insufficient_privilege(
        &mut client,
        &[
            "UPDATE audit_log SET action = 'license.assign' WHERE id = 2",
            "DELETE FROM audit_log WHERE id = 3",
            "TRUNCATE audit_log",
            "UPDATE audit_head SET last_id = 1",
            "DELETE FROM audit_head",
            "TRUNCATE audit_head",
        ],
    );
    assert_eq!(
        hashes(&mut client),
        before,
        "a refused statement changed the log"
    );

    // Someone with the server's superuser turns the triggers off and edits an entry: the
    // verifier names it. Moving the head back to hide the last entry shows too.
    client
        .batch_execute(
            "ALTER TABLE audit_log DISABLE TRIGGER USER;
             GRANT UPDATE, DELETE ON audit_log TO CURRENT_USER;
             UPDATE audit_log SET action = 'license.assign' WHERE id = 2;",
        )
        .unwrap();
    assert_eq!(broken_entry(&mut client), Some(2));
    client
        .batch_execute(
            "UPDATE audit_log SET action = 'license.change' WHERE id = 2;
             DELETE FROM audit_log WHERE id = 3;",
        )
        .unwrap();
    assert_eq!(
        broken_entry(&mut client),
        Some(3),
        "the head names a deleted entry"
    );
}

#[test]
fn four_writers_give_one_contiguous_unforked_chain() {
    const WRITERS: usize = 4;
    const EACH: usize = 500;
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let start = Arc::new(Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (url, start) = (url.clone(), start.clone());
            thread::spawn(move || {
                let mut client = connect(&url);
                start.wait();
                (0..EACH)
                    .map(|i| audited_change(&mut client, &format!("test.writer{w}.{i}")))
                    .collect::<Vec<i64>>()
            })
        })
        .collect();
    let mut ids: Vec<i64> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    ids.sort_unstable();
    let total = (WRITERS * EACH) as i64;
    assert_eq!(
        ids,
        (1..=total).collect::<Vec<_>>(),
        "ids given twice or skipped"
    );
    let mut client = connect(&url);
    assert_eq!(broken_entry(&mut client), None);
    assert_eq!(count(&mut client, "SELECT count(*) FROM audit_log"), total);
    assert_eq!(
        count(
            &mut client,
            "SELECT count(DISTINCT prev_hash) FROM audit_log"
        ),
        total,
        "two entries link to the same predecessor: the chain forked"
    );
    // Each writer's own entries are in the order it wrote them.
    for w in 0..WRITERS {
        let actions: Vec<String> = client
            .query(
                "SELECT action FROM audit_log WHERE action LIKE $1 ORDER BY id",
                &[&format!("test.writer{w}.%")],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let written: Vec<String> = (0..EACH).map(|i| format!("test.writer{w}.{i}")).collect();
        assert_eq!(actions, written);
    }
}

/// Capacity C, C + k admins assigning at the same moment from their own connections: exactly
/// C get a seat, no seat goes to two, and a refused assignment leaves nothing behind.
#[test]
fn exactly_c_of_c_plus_k_simultaneous_assignments_succeed() {
    const CAPACITY: i64 = 3;
    const EXTRA: usize = 2;
    const ROUNDS: usize = 100;
    let takers = CAPACITY as usize + EXTRA;
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut setup = connect(&url);
    setup
        .batch_execute("CREATE TABLE test_seats (id bigint PRIMARY KEY, holder text)")
        .unwrap();
    let mut clients: Vec<Client> = (0..takers).map(|_| connect(&url)).collect();
    for round in 0..ROUNDS {
        setup
            .batch_execute(&format!(
                "DELETE FROM test_seats;
                 INSERT INTO test_seats SELECT g, NULL FROM generate_series(1, {CAPACITY}) g;"
            ))
            .unwrap();
        let entries_before = count(&mut setup, "SELECT count(*) FROM audit_log");
        let start = Arc::new(Barrier::new(takers));
        let outcomes: Vec<(Client, Result<i64, Error>)> = thread::scope(|s| {
            let handles: Vec<_> = clients
                .drain(..)
                .enumerate()
                .map(|(t, mut client)| {
                    let start = start.clone();
                    s.spawn(move || {
                        let holder = format!("user{t}");
                        start.wait();
                        let outcome = in_change(&mut client, |tx| {
                            let free = tx.query_opt(
                                "SELECT id FROM test_seats WHERE holder IS NULL ORDER BY id LIMIT 1",
                                &[],
                            )?;
                            let Some(seat) = free else {
                                return Err(Error::NoLicenseAvailable {
                                    product: "X Series".into(),
                                });
                            };
                            let seat: i64 = seat.get(0);
                            tx.execute(
                                "UPDATE test_seats SET holder = $1 WHERE id = $2",
                                &[&holder, &seat],
                            )?;
                            let label = holder.clone();
                            let mut entry = AuditEntry::new("license.assign");
                            entry.target_label = Some(&label);
                            append_on_server(tx, "2026-12-07T09:00:00Z", &ADMIN, &entry)?;
                            Ok(seat)
                        });
                        (client, outcome)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut seats = Vec::new();
        for (client, outcome) in outcomes {
            clients.push(client);
            match outcome {
                Ok(seat) => seats.push(seat),
                Err(Error::NoLicenseAvailable { .. }) => {}
                Err(e) => panic!("round {round}: an assignment failed with {e}"),
            }
        }
        seats.sort_unstable();
        assert_eq!(seats, (1..=CAPACITY).collect::<Vec<_>>(), "round {round}");
        let held = count(&mut setup, "SELECT count(DISTINCT holder) FROM test_seats");
        assert_eq!(
            held, CAPACITY,
            "round {round}: a seat went to two admins' users"
        );
        let entries = count(&mut setup, "SELECT count(*) FROM audit_log") - entries_before;
        assert_eq!(entries, CAPACITY, "round {round}: a refusal left an entry");
    }
    assert_eq!(broken_entry(&mut setup), None);
}

/// A write from outside LicenseDesk (another tool, a DBA's psql) between a change's read and
/// its write fails the serializable change, which is then run again on what is there now.
#[test]
fn a_change_that_conflicts_with_a_write_from_outside_is_run_again() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    client
        .batch_execute("CREATE TABLE test_counter (n bigint); INSERT INTO test_counter VALUES (0);")
        .unwrap();
    let mut outsider = connect(&url);
    let mut attempts = 0;
    let n = in_change(&mut client, |tx| {
        attempts += 1;
        let n: i64 = tx.query_one("SELECT n FROM test_counter", &[])?.get(0);
        if attempts == 1 {
            outsider
                .batch_execute("UPDATE test_counter SET n = n + 10")
                .unwrap();
        }
        tx.execute("UPDATE test_counter SET n = $1", &[&(n + 1)])?;
        Ok(n + 1)
    })
    .unwrap();
    assert_eq!(attempts, 2, "the conflicting change was not run again");
    assert_eq!(n, 11, "the second run did not see the outside write");
    assert_eq!(count(&mut client, "SELECT n FROM test_counter"), 11);
}

#[test]
fn a_wrong_password_is_refused_and_passwords_are_scram() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    let stored: String = client
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
            &[&SUPERUSER],
        )
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
    let wrong = url.replace(PASSWORD, "not-the-password");
    match ServerAddress::parse(&wrong).unwrap().connect() {
        Err(Error::Server { sqlstate, .. }) => assert_eq!(sqlstate, "28P01"),
        Err(e) => panic!("a wrong password was refused as {e:?}"),
        Ok(_) => panic!("a wrong password was accepted"),
    }
}

/// An office's own certificate authority and a server certificate for localhost and
/// 127.0.0.1 that it signed, made with the openssl program.
fn office_certificates(dir: &std::path::Path) {
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run openssl (apt-get install openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Office test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    std::fs::set_permissions(
        dir.join("server.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
}

#[test]
fn a_server_across_the_network_is_reached_only_over_verified_tls() {
    let certs = tempfile::tempdir().unwrap();
    office_certificates(certs.path());
    super::pg_cluster::hand_over(certs.path());
    let file = |name: &str| certs.path().join(name).display().to_string();
    let (cert, key) = (file("server.pem"), file("server.key"));
    let cluster = PgCluster::start_with(&[
        ("listen_addresses", "127.0.0.1"),
        ("ssl", "on"),
        ("ssl_cert_file", &cert),
        ("ssl_key_file", &key),
    ]);
    let address = |host: &str, extra: &str| {
        format!(
            "postgres://{SUPERUSER}:{PASSWORD}@{host}:{}/postgres{extra}",
            cluster.port()
        )
    };
    let trusted = format!("?sslrootcert={}", file("ca.pem"));
    for host in ["localhost", "127.0.0.1"] {
        let mut client = connect(&address(host, &trusted));
        let tls: bool = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0);
        assert!(tls, "{host}: connected without TLS");
    }
    // The system's roots do not know the office's authority: refused, never used unverified.
    match ServerAddress::parse(&address("localhost", ""))
        .unwrap()
        .connect()
    {
        Err(Error::ServerUnreachable { reason }) => {
            assert!(reason.contains("certificate"), "{reason}")
        }
        other => panic!("an unverified certificate gave {:?}", other.err()),
    }
    // Nor is a server that offers no TLS at all used in the clear.
    let plain = PgCluster::start_with(&[("listen_addresses", "127.0.0.1")]);
    let clear = format!(
        "postgres://{SUPERUSER}:{PASSWORD}@127.0.0.1:{}/postgres{trusted}",
        plain.port()
    );
    match ServerAddress::parse(&clear).unwrap().connect() {
        Err(Error::ServerUnreachable { reason }) => {
            assert!(reason.contains("TLS") || reason.contains("SSL"), "{reason}")
        }
        other => panic!("a server without TLS gave {:?}", other.err()),
    }
}

/// Every column of every copied table on the server, each row as text (blobs by length and
/// hash), ordered by its first columns: to compare with the file's rows.
fn server_rows(client: &mut Client, table: &str) -> Vec<String> {
    let rows = client
        .query(&format!("SELECT * FROM {table} ORDER BY 1, 2"), &[])
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..r.len())
                .filter(|&i| {
                    let name = r.columns()[i].name();
                    name != "sort_name" && !(table == "users" && name == "number")
                })
                .map(|i| match *r.columns()[i].type_() {
                    postgres::types::Type::INT8 => format!("{:?}", r.get::<_, Option<i64>>(i)),
                    postgres::types::Type::BYTEA => match r.get::<_, Option<Vec<u8>>>(i) {
                        Some(b) => format!(
                            "blob {} {}",
                            b.len(),
                            crate::domain::users::bundle::sha256_hex(&b)
                        ),
                        None => "None".into(),
                    },
                    _ => format!("{:?}", r.get::<_, Option<String>>(i)),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn file_rows(org: &crate::Org, table: &str) -> Vec<String> {
    let mut stmt = org
        .conn()
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
        .unwrap();
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    stmt.query_map([], |r| {
        Ok(names
            .iter()
            .enumerate()
            .filter(|(_, n)| *n != "sort_name")
            .map(|(i, _)| match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Integer(v) => format!("{:?}", Some(v)),
                rusqlite::types::ValueRef::Text(t) => {
                    format!("{:?}", Some(String::from_utf8_lossy(t).into_owned()))
                }
                rusqlite::types::ValueRef::Blob(b) => {
                    format!(
                        "blob {} {}",
                        b.len(),
                        crate::domain::users::bundle::sha256_hex(b)
                    )
                }
                rusqlite::types::ValueRef::Null => "None".into(),
                other => panic!("{table}: {other:?}"),
            })
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn an_organization_moves_to_an_empty_server_whole_and_its_file_stays_as_it_was() {
    use crate::kernel::audit_chain;
    use crate::storage::server::organization_copy::COPIED_TABLES;
    use crate::tests::testing::sign_in;

    // The full demo: licenses, numbers, voicemail audio, and two safety archives (ZIPs).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    crate::lifecycle::demo::generate(&path, &Default::default(), &mut crate::Unwatched).unwrap();
    let mut org = crate::Org::open_with_system_clock(&path).unwrap();
    let admin = sign_in(&mut org, "dana.reyes");
    let auditor = sign_in(&mut org, "max.weber");
    let file_before = crate::tests::testing::snapshot(&org, &COPIED_TABLES);
    let head = audit_chain::head(org.conn()).unwrap();
    assert!(head.count > 5, "{head:?}");
    let cluster = PgCluster::start();

    let url = cluster.new_database();
    match org.move_to_server(auditor, &url) {
        Err(Error::PermissionDenied { .. }) => {}
        other => panic!("an Auditor's move gave {other:?}"),
    }
    let moved = org.move_to_server(admin, &url).unwrap();
    assert_eq!(
        moved.audit_head, head,
        "the server does not end where the file does"
    );
    let archives = moved
        .tables
        .iter()
        .find(|(t, _)| t == "safety_archives")
        .unwrap();
    assert!(archives.1 >= 2, "{moved:?}");

    let mut client = connect(&url);
    for table in COPIED_TABLES {
        assert_eq!(
            server_rows(&mut client, table),
            file_rows(&org, table),
            "{table} differs on the server"
        );
    }
    assert_eq!(
        crate::tests::testing::snapshot(&org, &COPIED_TABLES),
        file_before
    );
    // The server goes on from there: a new user takes the next id, the next entry links on.
    let next_user: i64 = client
        .query_one(
            "INSERT INTO users (first_name, last_name, email, site_id, updated_at)
             VALUES ('Ada', 'Quinn', 'ada.quinn@example.com', 1, 'now') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let file_max: i64 = org
        .conn()
        .query_row("SELECT max(id) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(next_user, file_max + 1);
    assert_eq!(
        audited_change(&mut client, "test.after_move"),
        head.last_id + 1
    );
    assert_eq!(broken_entry(&mut client), None);

    // Into a database that holds an organization: refused by field, nothing copied.
    let before = count(&mut client, "SELECT count(*) FROM audit_log");
    match org.move_to_server(admin, &url) {
        Err(Error::InvalidInput { field, message }) => {
            assert_eq!(field, crate::base::field::Field::Server);
            assert!(
                message.contains("already holds an organization"),
                "{message}"
            );
        }
        other => panic!("a second move gave {other:?}"),
    }
    assert_eq!(count(&mut client, "SELECT count(*) FROM audit_log"), before);

    // No server there: said so, nothing written anywhere.
    let nowhere = format!(
        "postgres://{SUPERUSER}:{PASSWORD}@/office?host={}",
        dir.path().display()
    );
    match org.move_to_server(admin, &nowhere) {
        Err(Error::ServerUnreachable { .. }) => {}
        other => panic!("a move to no server gave {other:?}"),
    }
    assert_eq!(
        crate::tests::testing::snapshot(&org, &COPIED_TABLES),
        file_before
    );
}

/// Every page of `q` from the file, as the window asks for them.
fn file_pages(org: &crate::Org, admin: crate::kernel::org::Actor, q: &UserQuery) -> Vec<i64> {
    let mut q = q.clone();
    let mut ids = Vec::new();
    loop {
        let page = org.search_users(admin, &q).unwrap();
        ids.extend(page.users.iter().map(|u| u.id));
        match page.next {
            Some(next) => q.after = Some(next),
            None => return ids,
        }
    }
}

/// Every page of `q` from the server, each after the last user of the one before.
fn server_pages(client: &mut Client, q: &UserQuery) -> Vec<i64> {
    let mut tx = client.transaction().unwrap();
    let mut after: Option<UserCursor> = None;
    let mut ids = Vec::new();
    let memory = std::cell::RefCell::new(None);
    loop {
        let mut list = list_query(q);
        list.after = after.as_ref();
        let page = server_users::page_ids(&mut tx, &memory, &list).unwrap();
        ids.extend(&page);
        match page.last() {
            Some(&last) if page.len() == q.limit as usize => {
                let sort_name = server_users::sort_name(&mut tx, last).unwrap();
                after = Some(UserCursor {
                    sort_name,
                    id: last,
                });
            }
            _ => return ids,
        }
    }
}

/// The list a window keeps in memory for the server's search is read again after every
/// change another connection makes to what it holds (a user added, renamed, given a number,
/// removed), and only then: a change of status keeps it.
#[test]
fn the_search_list_in_memory_follows_the_users_changes() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    let mut other = connect(&url);
    other
        .batch_execute(
            "INSERT INTO sites (id, name) VALUES (1, 'Austin');
             INSERT INTO users (id, first_name, last_name, email, site_id, extension, updated_at)
                 VALUES (1, 'Ada', 'Lovelace', 'ada@example.com', 1, '2001', 'now'),
                        (2, 'Alan', 'Turing', 'alan@example.com', 1, '2002', 'now');",
        )
        .unwrap();
    let memory = std::cell::RefCell::new(None);
    let mut page = |search: &str| -> Vec<i64> {
        let q = first_page(search);
        let mut tx = client.transaction().unwrap();
        let ids = server_users::page_ids(&mut tx, &memory, &list_query(&q)).unwrap();
        tx.commit().unwrap();
        ids
    };
    let token = |c: &mut Client| -> i64 {
        c.query_one("SELECT token FROM user_list_token", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(page("lovelace"), [1]);
    assert_eq!(page("a"), [1, 2]);
    other
        .batch_execute("UPDATE users SET last_name = 'Byron' WHERE id = 1")
        .unwrap();
    assert_eq!(page("lovelace"), [] as [i64; 0]);
    assert_eq!(page("byron"), [1]);
    // Byron sorts before Turing, as before; a new Lovelace comes first.
    other
        .batch_execute(
            "INSERT INTO users (id, first_name, last_name, email, site_id, updated_at)
                 VALUES (3, 'Zoe', 'Abbott', 'zoe.lovelace@example.com', 1, 'now')",
        )
        .unwrap();
    assert_eq!(page("lovelace"), [3]);
    assert_eq!(page("a"), [3, 1, 2]);
    other
        .batch_execute(
            "INSERT INTO phone_numbers (e164, site_id, status, user_id)
                 VALUES ('+15125550199', 1, 'assigned', 2)",
        )
        .unwrap();
    assert_eq!(page("5550199"), [2]);
    other
        .batch_execute("UPDATE users SET extension = '3001' WHERE id = 2")
        .unwrap();
    assert_eq!(page("300"), [2]);
    assert_eq!(page("200"), [1]);
    other
        .batch_execute("DELETE FROM users WHERE id = 3")
        .unwrap();
    assert_eq!(page("lovelace"), [] as [i64; 0]);
    let before = token(&mut other);
    other
        .batch_execute("UPDATE users SET status = 'suspended', version = version + 1")
        .unwrap();
    assert_eq!(token(&mut other), before);
    assert_eq!(page("a"), [1, 2]);
}

/// The file's search (FTS5 trigrams, prefix table, the walk down the list) and the server's
/// (pg_trgm, pattern indexes) find the same users in the same order, page by page: accents,
/// apostrophes, hyphens, emails, numbers, 1–2 characters, and FTS5's and LIKE's own syntax
/// typed as text; with the license and status filters too.
#[test]
fn the_users_search_finds_the_same_users_in_the_same_order_on_both_engines() {
    use crate::domain::users::directory::tests::{large_org, QUERIES};
    use crate::domain::users::directory::{LicenseFilter, UserStatus};
    let (_dir, org, admin) = large_org();
    let cluster = PgCluster::start();
    let url = cluster.new_database();
    org.move_to_server(admin, &url).unwrap();
    let mut client = connect(&url);
    let product = crate::tests::testing::product_id(&org, "Voice Pro");
    let query = |search: &str, limit: u32| UserQuery {
        search: search.to_owned(),
        license: LicenseFilter::Any,
        status: None,
        after: None,
        limit,
    };
    let mut compared = 0;
    for &search in QUERIES.iter().chain(&[
        "MÜLLER Jo",
        "ß",
        "50%",
        "_",
        "x_y",
        "o\\'c",
        "á",
        "Á",
        "Ál",
        "zo",
    ]) {
        let q = query(search, 50);
        let on_file = file_pages(&org, admin, &q);
        assert_eq!(server_pages(&mut client, &q), on_file, "{search:?}");
        compared += on_file.len();
        for (license, status) in [
            (LicenseFilter::Unlicensed, None),
            (
                LicenseFilter::Product {
                    product_id: product,
                },
                Some(UserStatus::Active),
            ),
            (LicenseFilter::Any, Some(UserStatus::Suspended)),
        ] {
            let q = UserQuery {
                license,
                status,
                ..query(search, 7)
            };
            let on_file = file_pages(&org, admin, &q);
            assert_eq!(server_pages(&mut client, &q), on_file, "{search:?} {q:?}");
        }
    }
    assert!(
        compared > 10_000,
        "only {compared} users found in all: the queries miss"
    );
}

/// Another admin's committed change wakes an open window's feed as it commits;
/// a refused one sends nothing; after the window's connection is cut, listening again from
/// the last entry it saw hands over exactly what it missed, in order.
#[test]
fn a_committed_change_reaches_other_windows_and_a_lost_connection_catches_up() {
    use crate::storage::server::change_feed::ChangeFeed;
    use std::time::Duration;
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let address = ServerAddress::parse(&url).unwrap();
    let mut feed = ChangeFeed::listen(&address, 0).unwrap();
    let mut other_admin = connect(&url);

    let writer = thread::spawn({
        let url = url.clone();
        move || {
            thread::sleep(Duration::from_millis(300));
            audited_change(&mut connect(&url), "license.assign")
        }
    });
    // Woken by the notification, not by the end of its wait (when it reads the log anyway).
    let wait = Duration::from_secs(10);
    let started = std::time::Instant::now();
    let seen = feed.next_changes(wait).unwrap();
    assert!(
        started.elapsed() < wait,
        "no notification: found at the end of the wait"
    );
    let id = writer.join().unwrap();
    assert_eq!(
        seen.iter()
            .map(|c| (c.audit_id, c.action.as_str()))
            .collect::<Vec<_>>(),
        [(id, "license.assign")]
    );

    // Refused: rolled back, so neither notified nor in the log.
    let refused = in_change(&mut other_admin, |tx| {
        append_on_server(tx, "2026-12-07T09:00:00Z", &ADMIN, &AuditEntry::new("x"))?;
        Err::<(), _>(Error::NoLicenseAvailable {
            product: "Voice Pro".into(),
        })
    });
    assert!(refused.is_err());
    assert_eq!(feed.next_changes(Duration::from_millis(500)).unwrap(), []);

    // The window's connection is cut; three changes commit meanwhile.
    let mut admin = cluster_admin(&cluster);
    let cut: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE application_name = $1",
            &[&crate::storage::server::change_feed::APPLICATION_NAME],
        )
        .unwrap()
        .get(0);
    assert_eq!(cut, 1);
    let missed: Vec<i64> = ["license.change", "license.remove", "user.save"]
        .iter()
        .map(|a| audited_change(&mut other_admin, a))
        .collect();
    match feed.next_changes(Duration::from_secs(2)) {
        Err(Error::ServerUnreachable { .. }) => {}
        other => panic!("a cut connection gave {other:?}"),
    }
    let mut feed = ChangeFeed::listen(&address, feed.last_seen()).unwrap();
    let caught_up = feed.next_changes(Duration::from_secs(2)).unwrap();
    assert_eq!(
        caught_up.iter().map(|c| c.audit_id).collect::<Vec<_>>(),
        missed,
        "missed entries not handed over exactly once"
    );
}

/// The demo organization moved from its file to a throwaway cluster, and a window on it;
/// Dana Reyes signed in on both.
/// (Fields drop in order: the window before its cluster, the file before its folder.)
struct DemoOnServer {
    window: crate::Org,
    admin: crate::kernel::org::Actor,
    url: String,
    _cluster: PgCluster,
    file: crate::Org,
    file_admin: crate::kernel::org::Actor,
    _dir: tempfile::TempDir,
}

impl DemoOnServer {
    fn new() -> Self {
        let (dir, mut file) = crate::tests::testing::demo_org();
        let cluster = PgCluster::start();
        let url = cluster.new_database();
        let file_admin = crate::tests::testing::sign_in(&mut file, "dana.reyes");
        file.move_to_server(file_admin, &url).unwrap();
        let mut window =
            crate::Org::open_on_server(&url, Arc::new(crate::base::clock::SystemClock)).unwrap();
        let admin = crate::tests::testing::sign_in(&mut window, "dana.reyes");
        DemoOnServer {
            window,
            admin,
            url,
            _cluster: cluster,
            file,
            file_admin,
            _dir: dir,
        }
    }
}

/// A window's search trusts the list it keeps in memory and checks the list's token in the
/// snapshot of the page's rows: a user another admin renamed or added shows in the very next
/// search, whether the list as last read found no one, some of the page or all of it.
#[test]
fn a_window_search_shows_users_another_connection_changed_at_once() {
    let demo = DemoOnServer::new();
    let (file, file_admin) = (&demo.file, demo.file_admin);
    let (window, admin, url) = (&demo.window, demo.admin, &demo.url);
    let found = |search: &str| -> Vec<i64> {
        let page = window.search_users(admin, &first_page(search)).unwrap();
        let mut ids: Vec<i64> = page.users.iter().map(|u| u.id).collect();
        ids.sort();
        ids
    };
    // The rows as the file shows them: sites, numbers, licenses.
    for search in ["a", "+1512", "son"] {
        let q = first_page(search);
        assert_eq!(
            window.search_users(admin, &q).unwrap().users,
            file.search_users(file_admin, &q).unwrap().users,
            "{search}"
        );
    }
    let first = found("a");
    let (one, two) = (first[0], first[1]);
    assert_eq!(found("quixotic"), [] as [i64; 0]);
    let mut other = connect(url);
    let rename = |c: &mut Client, id: i64, last: &str| {
        c.execute(
            "UPDATE users SET last_name = $1 WHERE id = $2",
            &[&last, &id],
        )
        .unwrap();
    };
    // The list in memory finds no one; the server's has one.
    rename(&mut other, one, "Quixotic");
    assert_eq!(found("quixotic"), [one]);
    // It finds one of two.
    rename(&mut other, two, "Quixotic");
    assert_eq!(found("quixotic"), [one, two]);
    // It finds one who is no longer there.
    rename(&mut other, two, "Plain");
    assert_eq!(found("quixotic"), [one]);
    // A user added.
    let added: i64 = other
        .query_one(
            "INSERT INTO users (first_name, last_name, email, site_id, updated_at)
             SELECT 'Ann', 'Quixotic', 'ann.quixotic@example.com', site_id, 'now'
             FROM users WHERE id = $1 RETURNING id",
            &[&one],
        )
        .unwrap()
        .get(0);
    assert_eq!(found("quixotic"), [one, added]);
}

/// A window's prepared statements belong to its connection: after the server ended the
/// session (a restart, an administrator's command), the window reads and writes again on a
/// new connection, preparing them anew, instead of naming statements that no longer exist.
#[test]
fn after_the_server_ended_its_session_a_window_prepares_its_statements_again() {
    let demo = DemoOnServer::new();
    let (window, admin, url) = (&demo.window, demo.admin, &demo.url);
    let before = window.search_users(admin, &first_page("a")).unwrap();
    let inventory = window.license_inventory(admin).unwrap();

    // Every other session on the window's database: the window's own among them.
    let ended: i64 = connect(url)
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(ended >= 1, "the window's session was not ended");

    let after = window.search_users(admin, &first_page("a")).unwrap();
    assert_eq!(
        after.users.iter().map(|u| u.id).collect::<Vec<_>>(),
        before.users.iter().map(|u| u.id).collect::<Vec<_>>()
    );
    assert_eq!(window.license_inventory(admin).unwrap(), inventory);
}

fn cluster_admin(cluster: &PgCluster) -> Client {
    connect(&cluster.url("postgres"))
}

/// The server's own backup, as the README tells an office to take it: pg_dump in its
/// custom format, pg_restore into a new database. The restored organization has the same
/// rows, an audit chain that verifies to the same head, its append-only guard, and the same
/// search results.
#[test]
fn a_server_backup_with_pg_dump_restores_the_whole_organization() {
    use crate::storage::server::organization_copy::{server_counts, COPIED_TABLES};
    let (dir, org, admin) = crate::domain::users::directory::tests::large_org();
    let cluster = PgCluster::start();
    let original = cluster.new_database();
    let moved = org.move_to_server(admin, &original).unwrap();
    let dump = dir.path().join("office.dump");
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(cluster.client_program(program))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--file",
            dump.to_str().unwrap(),
            "--dbname",
            &original,
        ],
    );
    let restored = cluster.new_database();
    run(
        "pg_restore",
        &[
            "--exit-on-error",
            "--dbname",
            &restored,
            dump.to_str().unwrap(),
        ],
    );

    let (mut before, mut after) = (connect(&original), connect(&restored));
    let counts = |c: &mut Client| server_counts(&mut c.transaction().unwrap()).unwrap();
    assert_eq!(counts(&mut after), counts(&mut before));
    assert_eq!(counts(&mut after), moved.tables);
    assert_eq!(broken_entry(&mut after), None);
    let head = |c: &mut Client| {
        let mut tx = c.transaction().unwrap();
        crate::storage::tables::audit_log::on_server::head(&mut tx).unwrap()
    };
    assert_eq!(head(&mut after), head(&mut before));
    for table in COPIED_TABLES {
        assert_eq!(
            server_rows(&mut after, table),
            server_rows(&mut before, table),
            "{table}"
        );
    }
    refused_as_insufficient_privilege(&mut after, &["DELETE FROM audit_log"]);
    for search in ["son", "jo", "ZOË", "+1512"] {
        let q = first_page(search);
        assert_eq!(
            server_pages(&mut after, &q),
            server_pages(&mut before, &q),
            "{search}"
        );
    }
    // The server goes on where the backup ended.
    assert_eq!(
        audited_change(&mut after, "test.after_restore"),
        moved.audit_head.last_id + 1
    );
}

/// As the README sets an office up: a login role that is no superuser and owns its
/// database creates the schema (pg_trgm is a trusted extension), works, and is refused an
/// edit of the log like anyone else.
#[test]
fn the_office_setup_works_for_a_database_owner_that_is_no_superuser() {
    let cluster = PgCluster::start();
    let mut admin = cluster_admin(&cluster);
    // Two statements: CREATE DATABASE runs outside a transaction block.
    admin
        .batch_execute("CREATE ROLE licensedesk LOGIN PASSWORD 'office-password'")
        .unwrap();
    admin
        .batch_execute(
            "CREATE DATABASE office OWNER licensedesk ENCODING 'UTF8' TEMPLATE template0
                 LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
        )
        .unwrap();
    let url = cluster.url("office").replace(
        &format!("{SUPERUSER}:{PASSWORD}"),
        "licensedesk:office-password",
    );
    let mut client = connect(&url);
    migrate(&mut client).unwrap();
    let superuser: bool = client
        .query_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!superuser);
    assert_eq!(audited_change(&mut client, "license.assign"), 1);
    refused_as_insufficient_privilege(
        &mut client,
        &[
            "UPDATE audit_log SET action = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ],
    );
    assert_eq!(broken_entry(&mut client), None);
}

// SEARCHES: the scale bench's own list, so that the server's bench times the same searches.
include!("../../benches/common/search_kinds.rs");

/// `make bench`'s server rows (issue 25: "the 100,000-user search target holds on both"):
/// the bench's 100,000-user organization (`LICENSEDESK_BENCH_DB`, read from a copy) moved to
/// a throwaway cluster, then the scale bench's 11 kinds of search as the file's bench times
/// them: `Org::search_users`, a window's whole read (its snapshot, the account's permission,
/// the page's ids and rows). Writes a table to `BENCH_SERVER_TABLE`. Timing only: nothing
/// here fails on a slow machine.
#[test]
#[ignore = "make bench runs it on the 100,000-user organization"]
fn server_bench() {
    use std::time::{Duration, Instant};
    const SAMPLES: usize = 200;
    let source = std::env::var("LICENSEDESK_BENCH_DB").expect("LICENSEDESK_BENCH_DB");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("org.sqlite");
    std::fs::copy(&source, &copy).unwrap();
    let mut org = crate::Org::open_with_system_clock(&copy).unwrap();
    let admin = crate::tests::testing::sign_in(&mut org, "dana.reyes");
    let cluster = PgCluster::start();
    let url = cluster.new_database();
    let started = Instant::now();
    let moved = org.move_to_server(admin, &url).unwrap();
    let move_time = started.elapsed();
    let users = moved.tables.iter().find(|(t, _)| t == "users").unwrap().1;
    connect(&url).batch_execute("VACUUM ANALYZE").unwrap();

    let clock = Arc::new(crate::base::clock::SystemClock);
    let mut window = crate::Org::open_on_server(&url, clock).unwrap();
    let admin = crate::tests::testing::sign_in(&mut window, "dana.reyes");
    // What a window pays once, and again after each change to the users' texts: its first
    // search reads the list.
    let started = Instant::now();
    window.search_users(admin, &first_page("son")).unwrap();
    let list_read = started.elapsed();
    let page = |search: &str| -> Duration {
        let q = first_page(search);
        let t = Instant::now();
        let page = window.search_users(admin, &q).unwrap();
        assert!(page.users.len() <= 50);
        t.elapsed()
    };
    let p95 = |mut ms: Vec<f64>| {
        ms.sort_by(f64::total_cmp);
        ms[(ms.len() * 95).div_ceil(100) - 1]
    };
    // As the file's bench samples: 200 of each kind after 20 warm-ups (the server's cache and
    // plans, the window's prepared statements), then the mix, the kinds taking turns. Each
    // kind's p95 in the turns is printed too: there a moment of load on this shared machine
    // falls on every kind alike, and no kind finds the caches warm from itself.
    let mut slowest = (0.0, "");
    for &search in SEARCHES {
        for _ in 0..SAMPLES / 10 {
            page(search);
        }
        let mut ms: Vec<f64> = (0..SAMPLES)
            .map(|_| page(search).as_secs_f64() * 1e3)
            .collect();
        ms.sort_by(f64::total_cmp);
        let kind = p95(ms.clone());
        println!(
            "server search {search:?}, 200 in a row: median {:.2} ms, p95 {kind:.2} ms",
            ms[ms.len() / 2]
        );
        if kind > slowest.0 {
            slowest = (kind, search);
        }
    }
    let mut by_kind = vec![Vec::new(); SEARCHES.len()];
    let mut mix = Vec::new();
    for i in 0..SAMPLES * SEARCHES.len() {
        let ms = page(SEARCHES[i % SEARCHES.len()]).as_secs_f64() * 1e3;
        by_kind[i % SEARCHES.len()].push(ms);
        mix.push(ms);
    }
    let mix = p95(mix);
    let mut in_turns = (0.0, "");
    for (ms, &search) in by_kind.into_iter().zip(SEARCHES) {
        let kind = p95(ms);
        println!("server search {search:?}, in turns: p95 {kind:.2} ms");
        if kind > in_turns.0 {
            in_turns = (kind, search);
        }
    }
    let verdict = |ms: f64| if ms <= 2.0 { "pass" } else { "FAIL" };
    let table = format!(
        "| Target | Measured | Result |\n|---|---:|---|\n\
         | Search users on a server, top 50 (11 kinds of search): p95 ≤ 2 ms | {mix:.2} ms | {} |\n\
         | Search users on a server, slowest kind ({:?}): p95 ≤ 2 ms | {:.2} ms | {} |\n\
         | Slowest kind in the mix's turns ({:?}), p95 | {:.2} ms | — |\n\
         | Read the Users list into a window's memory (first search, and after a change to users) | {:.0} ms | — |\n\
         | Move {users} users to a server (copy, counts, chain check, one commit) | {:.1} s | — |\n",
        verdict(mix),
        slowest.1,
        slowest.0,
        verdict(slowest.0),
        in_turns.1,
        in_turns.0,
        list_read.as_secs_f64() * 1e3,
        move_time.as_secs_f64()
    );
    print!("{table}");
    if let Ok(path) = std::env::var("BENCH_SERVER_TABLE") {
        std::fs::write(path, &table).unwrap();
    }
}

/// The seat tallies follow every kind of statement on seats: one row or many, inserted,
/// updated (status or product) and deleted.
#[test]
fn the_seat_tallies_follow_inserts_updates_and_deletes() {
    let cluster = PgCluster::start();
    let url = organization(&cluster);
    let mut client = connect(&url);
    client
        .batch_execute(
            "INSERT INTO products (id, sku, name, family, monthly_price_cents)
                 VALUES (1, 'A', 'Voice Pro', 'voice', 100), (2, 'B', 'Meet', 'meetings', 50);
             INSERT INTO seats (product_id, status, purchased_at)
                 SELECT 1 + g % 2, 'available', 'then' FROM generate_series(1, 40) g;",
        )
        .unwrap();
    let tallies_match = |c: &mut Client, step: &str| {
        let kept: Vec<(i64, String, i64)> = c
            .query(
                "SELECT product_id, status, n FROM seat_tallies WHERE n > 0
                 ORDER BY product_id, status COLLATE \"C\"",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let counted: Vec<(i64, String, i64)> = c
            .query(
                "SELECT product_id, status, count(*) FROM seats
                 GROUP BY product_id, status ORDER BY product_id, status COLLATE \"C\"",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(kept, counted, "after {step}");
    };
    tallies_match(&mut client, "inserting 40 seats in one statement");
    for (step, sql) in [
        ("one update", "UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = 'later' WHERE id = 1"),
        ("many updates", "UPDATE seats SET product_id = 2 WHERE id BETWEEN 5 AND 20"),
        ("an update that moves nothing", "UPDATE seats SET purchased_at = 'now'"),
        ("one delete", "DELETE FROM seats WHERE id = 2"),
        ("many deletes", "DELETE FROM seats WHERE id > 30"),
        ("one insert", "INSERT INTO seats (product_id, status, purchased_at) VALUES (2, 'available', 'now')"),
    ] {
        client.batch_execute(sql).unwrap();
        tallies_match(&mut client, step);
    }
}

/// The number the search reads on `users` follows the numbers given, taken back, moved,
/// deleted and added, one row or many per statement.
#[test]
fn the_users_number_follows_the_phone_numbers() {
    let (_dir, org, admin) = crate::domain::users::directory::tests::large_org();
    let cluster = PgCluster::start();
    let url = cluster.new_database();
    org.move_to_server(admin, &url).unwrap();
    let mut client = connect(&url);
    let in_step = |c: &mut Client, step: &str| {
        let stale = count(
            c,
            "SELECT count(*) FROM users u LEFT JOIN phone_numbers p ON p.user_id = u.id
             WHERE u.number IS DISTINCT FROM p.e164",
        );
        assert_eq!(stale, 0, "after {step}");
    };
    in_step(&mut client, "the move");
    let holder = |c: &mut Client, e164: &str| -> Option<i64> {
        c.query_one(
            "SELECT user_id FROM phone_numbers WHERE e164 = $1",
            &[&e164],
        )
        .unwrap()
        .get(0)
    };
    let (number, first): (String, i64) = {
        let r = client
            .query_one("SELECT e164, user_id FROM phone_numbers WHERE user_id IS NOT NULL ORDER BY id LIMIT 1", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    let unnumbered: i64 = count(
        &mut client,
        "SELECT min(u.id) FROM users u WHERE NOT EXISTS
             (SELECT 1 FROM phone_numbers p WHERE p.user_id = u.id)",
    );
    for (step, sql) in [
        ("a number taken back", format!("UPDATE phone_numbers SET status = 'available', user_id = NULL WHERE e164 = '{number}'")),
        ("the number given to another user", format!("UPDATE phone_numbers SET status = 'assigned', user_id = {unnumbered} WHERE e164 = '{number}'")),
        ("many numbers taken back", "UPDATE phone_numbers SET status = 'available', user_id = NULL WHERE id % 7 = 0".to_owned()),
        ("a number deleted", format!("DELETE FROM phone_numbers WHERE e164 = '{number}'")),
        ("a number added", format!("INSERT INTO phone_numbers (e164, site_id, status, user_id) VALUES ('{number}', 1, 'assigned', {first})")),
    ] {
        client.batch_execute(&sql).unwrap();
        in_step(&mut client, step);
    }
    assert_eq!(holder(&mut client, &number), Some(first));
    let q = UserQuery {
        search: number.clone(),
        license: crate::domain::users::directory::LicenseFilter::Any,
        status: None,
        after: None,
        limit: 50,
    };
    assert_eq!(
        server_pages(&mut client, &q),
        [first],
        "the search by number"
    );
}
