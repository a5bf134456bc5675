//! A throwaway PostgreSQL cluster for the server engine's tests: Debian's own binaries
//! (`apt-get install postgresql`, which `make deps` does), a fresh data directory in a
//! temporary folder, its Unix socket in the same folder and no TCP port unless a test asks,
//! SCRAM passwords, stopped when dropped. initdb refuses root, so as root (CI) the cluster
//! runs as Debian's `postgres` account through runuser.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use tempfile::TempDir;

pub const SUPERUSER: &str = "licensedesk_admin";
pub const PASSWORD: &str = "throwaway-cluster-password";

pub struct PgCluster {
    dir: TempDir,
    bin: PathBuf,
    run_as: Option<&'static str>,
    port: u16,
    databases: AtomicU32,
}

/// The newest PostgreSQL's server binaries (`LICENSEDESK_PG_BIN` names another folder).
fn server_binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("LICENSEDESK_PG_BIN") {
        return dir.into();
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|v| Path::new(&format!("/usr/lib/postgresql/{v}/bin/initdb")).exists())
        .max();
    match newest {
        Some(v) => format!("/usr/lib/postgresql/{v}/bin").into(),
        None => panic!(
            "PostgreSQL's server is not installed: apt-get install postgresql (make deps does)"
        ),
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
}

impl PgCluster {
    /// A cluster reached through its socket only.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// A cluster with `settings` added to postgresql.conf (`listen_addresses`, `ssl`, …).
    pub fn start_with(settings: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let run_as = running_as_root().then_some("postgres");
        let port = if settings.iter().any(|(k, _)| *k == "listen_addresses") {
            free_port()
        } else {
            5432
        };
        let cluster = Self {
            dir,
            bin: server_binaries(),
            run_as,
            port,
            databases: AtomicU32::new(0),
        };
        std::fs::write(cluster.path("password"), PASSWORD).unwrap();
        hand_over(cluster.dir.path());
        let data = cluster.path("data");
        let pwfile = cluster.path("password");
        cluster.pg("initdb", |c| {
            c.args([
                "-A",
                "scram-sha-256",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .args(["--locale", "C.UTF-8", "-D"])
            .arg(&data)
            .arg("--pwfile")
            .arg(&pwfile)
        });
        let mut conf = format!(
            "unix_socket_directories = '{}'\nport = {port}\nfsync = off\nlisten_addresses = ''\n",
            cluster.dir.path().display()
        );
        for (key, value) in settings {
            conf.push_str(&format!("{key} = '{value}'\n"));
        }
        let conf_path = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap();
        text.push_str(&conf);
        std::fs::write(&conf_path, text).unwrap();
        let log = cluster.path("log");
        cluster.pg("pg_ctl", |c| {
            c.args(["-w", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .arg("start")
        });
        cluster
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Stops the server as an office's would go down (its connections end); [`PgCluster::
    /// start_again`] brings it back on the same address.
    pub fn stop(&self) {
        let data = self.path("data");
        self.pg("pg_ctl", |c| {
            c.args(["-w", "-m", "fast", "-D"]).arg(&data).arg("stop")
        });
    }

    pub fn start_again(&self) {
        let (data, log) = (self.path("data"), self.path("log"));
        self.pg("pg_ctl", |c| {
            c.args(["-w", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .arg("start")
        });
    }

    /// One of PostgreSQL's client programs (pg_dump, pg_restore), of the cluster's version.
    pub fn client_program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn check(&self, what: &str, command: &mut Command) -> Output {
        let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed: {}{}\nserver log: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.path("log")).unwrap_or_default()
        );
        out
    }

    /// One of PostgreSQL's programs, to run as the cluster's owner.
    fn program(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        }
    }

    fn pg(&self, program: &str, args: impl FnOnce(&mut Command) -> &mut Command) {
        let mut command = self.program(program);
        // Never the test's own output: a server that outlives a test must not hold it open.
        command
            .stdin(std::process::Stdio::null())
            .current_dir(self.dir.path());
        self.check(program, args(&mut command));
    }

    /// The address of `database` through the socket, as the superuser.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@/{database}?host={}&port={}",
            PASSWORD,
            self.dir.path().display(),
            self.port
        )
    }

    /// A new, empty database as an office's server would have it: UTF-8, and an ICU
    /// collation that is not byte order (so that the list's order is tested as LicenseDesk
    /// asks for it, not as the database happens to sort). Answers its address.
    pub fn new_database(&self) -> String {
        self.new_database_with("LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    }

    /// A new, empty database made with `options` (after `CREATE DATABASE name TEMPLATE
    /// template0`).
    pub fn new_database_with(&self, options: &str) -> String {
        let name = format!("org{}", self.databases.fetch_add(1, Ordering::Relaxed));
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' {options}"
            ))
            .unwrap();
        self.url(&name)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Not checked: a panic here, while a failed test unwinds, would abort the run.
        let _ = self
            .program("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.path("data"))
            .arg("stop")
            .output();
    }
}

/// Gives the folder `dir` (written by a test) to the account clusters run as.
pub fn hand_over(dir: &Path) {
    if running_as_root() {
        let out = Command::new("chown")
            .args(["-R", "postgres:"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "chown: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
