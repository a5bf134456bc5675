//! A server address as an admin writes it, `postgres://user:password@host:port/database`,
//! checked before any connection is made. A server across the network is reached only over
//! TLS with its certificate verified (against the system's roots, or the office's own
//! authority named by `sslrootcert=`); a socket on this machine needs no TLS.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use crate::base::error::{Error, Result};
use crate::base::field::Field;

pub(crate) struct ServerAddress {
    config: Config,
    tls: Tls,
}

enum Tls {
    /// Every host is a Unix socket: nothing crosses a network.
    LocalSocket,
    /// TLS required, the certificate and the host name verified.
    Verified { extra_root: Option<PathBuf> },
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid(Field::Server, message)
}

impl ServerAddress {
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
            return Err(bad(
                "a server address starts with postgres:// (for example postgres://licensedesk@db.example.com/office)",
            ));
        }
        // Two settings are LicenseDesk's to apply; the rest go to the driver as written.
        let (base, query) = text.split_once('?').unwrap_or((text, ""));
        let mut kept = Vec::new();
        let (mut ssl_mode, mut extra_root) = (None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=').unwrap_or((pair, "")) {
                ("sslmode", v) => ssl_mode = Some(v),
                ("sslrootcert", v) if !v.is_empty() => extra_root = Some(PathBuf::from(v)),
                ("sslrootcert", _) => return Err(bad("sslrootcert= names no file")),
                _ => kept.push(pair),
            }
        }
        let driver_text = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config = Config::from_str(&driver_text).map_err(|e| bad(e.to_string()))?;
        if config.get_hosts().is_empty() {
            return Err(bad(
                "the address names no server (postgres://user@host/database)",
            ));
        }
        if config.get_dbname().is_none() {
            return Err(bad(
                "the address names no database (postgres://user@host/database)",
            ));
        }
        if config.get_user().is_none() {
            return Err(bad(
                "the address names no user (postgres://user@host/database)",
            ));
        }
        let local = config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, Host::Unix(_)));
        let tls = if local {
            Tls::LocalSocket
        } else {
            match ssl_mode {
                None | Some("require" | "verify-ca" | "verify-full") => {}
                Some(other) => {
                    return Err(bad(format!(
                        "sslmode={other} is not accepted: a server across the network is reached only over TLS, with its certificate checked"
                    )))
                }
            }
            config.ssl_mode(SslMode::Require);
            Tls::Verified { extra_root }
        };
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        Ok(Self { config, tls })
    }

    /// The address as a window may show it: user, host and database, never the password.
    pub fn shown(&self) -> String {
        let user = self.config.get_user().unwrap_or_default();
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            #[cfg(unix)]
            Some(Host::Unix(path)) => path.display().to_string(),
            None => String::new(),
        };
        let port = match self.config.get_ports().first() {
            Some(5432) | None => String::new(),
            Some(port) => format!(":{port}"),
        };
        let db = self.config.get_dbname().unwrap_or_default();
        format!("{user}@{host}{port}/{db}")
    }

    /// Whether the connection will cross a network (and so use TLS).
    pub fn uses_tls(&self) -> bool {
        matches!(self.tls, Tls::Verified { .. })
    }

    pub fn connect(&self) -> Result<Client> {
        self.connect_as("LicenseDesk")
    }

    /// Connects under `application_name`, which the server's own views show (an office's
    /// administrator sees which connections are LicenseDesk's, and what for).
    pub fn connect_as(&self, application_name: &str) -> Result<Client> {
        let mut config = self.config.clone();
        config.application_name(application_name);
        match &self.tls {
            Tls::LocalSocket => Ok(config.connect(NoTls)?),
            Tls::Verified { extra_root } => {
                let mut builder = native_tls::TlsConnector::builder();
                if let Some(path) = extra_root {
                    let pem = std::fs::read(path).map_err(|e| {
                        bad(format!(
                            "sslrootcert: {} cannot be read: {e}",
                            path.display()
                        ))
                    })?;
                    let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
                        bad(format!(
                            "sslrootcert: {} is not a PEM certificate: {e}",
                            path.display()
                        ))
                    })?;
                    builder.add_root_certificate(cert);
                }
                let connector = builder
                    .build()
                    .map_err(|e| Error::Internal(format!("TLS could not be set up: {e}")))?;
                let tls = postgres_native_tls::MakeTlsConnector::new(connector);
                Ok(config.connect(tls)?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> String {
        match ServerAddress::parse(text) {
            Err(Error::InvalidInput {
                field: Field::Server,
                message,
            }) => message,
            Err(e) => panic!("{text}: refused as {e:?}, not by the Server field"),
            Ok(_) => panic!("{text}: accepted"),
        }
    }

    #[test]
    fn an_address_is_checked_before_any_connection() {
        assert!(refusal("db.example.com/office").contains("starts with postgres://"));
        assert!(refusal("mysql://a@b/c").contains("starts with postgres://"));
        assert!(refusal("postgres://admin@db.example.com").contains("no database"));
        assert!(refusal("postgres://db.example.com/office").contains("no user"));
        assert!(
            refusal("postgres://a@db.example.com/office?sslmode=disable")
                .contains("sslmode=disable is not accepted")
        );
        assert!(
            refusal("postgres://a@db.example.com/office?sslmode=prefer").contains("only over TLS")
        );
        assert!(refusal("postgres://a@db.example.com/office?sslrootcert=").contains("no file"));
        assert!(!refusal("postgres://a@db.example.com:port/office").is_empty());
    }

    #[test]
    fn a_network_server_needs_tls_and_a_local_socket_does_not() {
        let remote = ServerAddress::parse(
            "postgres://a@db.example.com/office?sslrootcert=/etc/office-ca.pem",
        )
        .unwrap();
        assert!(remote.uses_tls());
        assert!(matches!(
            &remote.tls,
            Tls::Verified { extra_root: Some(p) } if p == &PathBuf::from("/etc/office-ca.pem")
        ));
        assert_eq!(remote.config.get_ssl_mode(), SslMode::Require);
        let local = ServerAddress::parse("postgres://a@/office?host=/run/postgresql").unwrap();
        assert!(!local.uses_tls());
        // One network host among sockets is enough to need TLS.
        let mixed =
            ServerAddress::parse("postgres://a@%2Frun%2Fpostgresql,db.example.com/office").unwrap();
        assert_eq!(mixed.config.get_hosts().len(), 2);
        assert!(mixed.uses_tls());
    }
}
