//! First start on an empty file: the admin's own organization instead of the demo. Name,
//! billing terms, sites, the first Super Admin, and the license products with the seats
//! already owned; all in one transaction.

use serde::Deserialize;
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::{Field, ProductPart};
use crate::base::money::CURRENCIES;
use crate::base::permission::BUILT_IN_ROLES;
use crate::base::validate;
use crate::domain::admin::admin_accounts::check_password_strength;
use crate::domain::users::features::{Feature, LicenseFamily};
use crate::kernel::accounts::{insert_account, SessionInfo};
use crate::kernel::audit::{self, AuditEntry};
use crate::kernel::org::Org;
use crate::storage::tables::{
    accounts, orders, product_features, products, role_permissions, roles, seats, sites,
};

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProductSetup {
    pub name: String,
    pub family: LicenseFamily,
    pub features: Vec<Feature>,
    /// As typed: "32.00", "32", "1,200.50".
    pub monthly_price: String,
    /// Seats already owned.
    pub seats: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OrgSetup {
    pub organization_name: String,
    pub currency: String,
    pub billing_day: String,
    pub notice_period_days: String,
    pub sites: Vec<String>,
    /// Where the sites are (ISO 3166 alpha-2): numbers written without their country code
    /// are read as numbers of this country.
    #[serde(default = "default_country")]
    pub country: String,
    pub admin_login: String,
    pub admin_name: String,
    pub admin_password: String,
    pub products: Vec<ProductSetup>,
}

fn default_country() -> String {
    "US".to_owned()
}

fn whole(field: Field, text: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
    let n: i64 = text
        .trim()
        .parse()
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a whole number.")))?;
    if !range.contains(&n) {
        return Err(Error::invalid(
            field,
            format!(
                "{n} is out of range; use {} to {}.",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(n)
}

/// "32", "32.5", "1,200.50" in cents; never negative, at most two decimals.
fn price_cents(field: Field, text: &str) -> Result<i64> {
    let t = text.trim().replace(',', "");
    let (units, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(units) || !(frac.is_empty() || (frac.len() <= 2 && digits(frac))) || units.len() > 7
    {
        return Err(Error::invalid(
            field,
            format!("{text:?} is not a price; type it like 32.00."),
        ));
    }
    let cents = format!("{frac:0<2}").parse::<i64>().unwrap_or(0);
    Ok(units.parse::<i64>().unwrap_or(0) * 100 + cents)
}

impl Org {
    /// True when the file holds no organization yet (no accounts).
    pub fn is_unset(&self) -> Result<bool> {
        Ok(self.engine.read(accounts::count)? == 0)
    }

    /// The organization's name, None while the file holds none (for the window title).
    pub fn organization_name(&self) -> Result<Option<String>> {
        if self.is_unset()? {
            return Ok(None);
        }
        self.engine
            .read(|db| crate::storage::settings::organization_name(db))
            .map(Some)
    }

    /// Fills an empty file with the demo organization and signs its Super Admin in.
    pub fn create_demo(&mut self) -> Result<SessionInfo> {
        if !self.is_unset()? {
            return Err(Error::invalid(
                Field::Organization,
                "this file already holds an organization.",
            ));
        }
        crate::lifecycle::demo::seed(self, &crate::lifecycle::demo::DemoSpec::default())?;
        let (login, _, _, password) = crate::lifecycle::demo::DEMO_ACCOUNTS[0];
        self.sign_in(login, password)
    }

    /// Sets up the admin's organization in an empty file and signs its first Super Admin in.
    pub fn setup_organization(&mut self, s: &OrgSetup) -> Result<SessionInfo> {
        let name = validate::text(
            Field::OrganizationName,
            &s.organization_name,
            validate::MAX_NAME,
            true,
        )?;
        if !CURRENCIES.iter().any(|(code, _)| *code == s.currency) {
            let codes: Vec<&str> = CURRENCIES.iter().map(|c| c.0).collect();
            return Err(Error::invalid(
                Field::Currency,
                format!("choose one of {}.", codes.join(", ")),
            ));
        }
        let country = s.country.trim().to_ascii_uppercase();
        if country.len() != 2 || country.parse::<phonenumber::country::Id>().is_err() {
            return Err(Error::invalid(
                Field::Country,
                format!(
                    "{:?} is not a country code; choose a country such as US or GB.",
                    s.country
                ),
            ));
        }
        let billing_day = whole(Field::BillingDay, &s.billing_day, 1..=28)?;
        let notice = whole(Field::NoticePeriod, &s.notice_period_days, 0..=365)?;
        let mut sites = Vec::new();
        for site in &s.sites {
            let site = validate::text(Field::Sites, site, validate::MAX_NAME, false)?;
            if !site.is_empty() && !sites.iter().any(|x: &String| x.eq_ignore_ascii_case(&site)) {
                sites.push(site);
            }
        }
        if sites.is_empty() {
            return Err(Error::invalid(
                Field::Sites,
                "name at least one site, e.g. Main office.",
            ));
        }
        let login = validate::text(Field::Account, &s.admin_login, 64, true)?;
        if login.contains(char::is_whitespace) {
            return Err(Error::invalid(Field::Account, "must not contain spaces."));
        }
        let admin_name = validate::person_name(Field::YourName, &s.admin_name)?;
        check_password_strength(&s.admin_password, &login)?;
        if s.products.is_empty() {
            return Err(Error::invalid(
                Field::Products,
                "add at least one license product.",
            ));
        }
        let mut products = Vec::new();
        for (i, p) in s.products.iter().enumerate() {
            let n = i as u32 + 1;
            let pname = validate::text(
                Field::Product(n, ProductPart::Name),
                &p.name,
                validate::MAX_NAME,
                true,
            )?;
            if products
                .iter()
                .any(|(x, ..): &(String, _, _, _)| x.eq_ignore_ascii_case(&pname))
            {
                return Err(Error::invalid(
                    Field::Product(n, ProductPart::Name),
                    format!("{pname} is named twice."),
                ));
            }
            if p.features.is_empty() {
                return Err(Error::invalid(
                    Field::Product(n, ProductPart::Features),
                    "choose what the product includes.",
                ));
            }
            let price = price_cents(Field::Product(n, ProductPart::Price), &p.monthly_price)?;
            let seats = whole(Field::Product(n, ProductPart::Seats), &p.seats, 0..=100_000)?;
            products.push((pname, p, price, seats));
        }
        if !self.is_unset()? {
            return Err(Error::invalid(
                Field::Organization,
                "this file already holds an organization.",
            ));
        }
        let now = self.now();
        let tx = self
            .engine
            .file_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (key, value) in [
            ("organization_name", name.clone()),
            ("currency", s.currency.clone()),
            ("billing_day", billing_day.to_string()),
            ("notice_period_days", notice.to_string()),
        ] {
            crate::storage::settings::set(&tx, key, &value)?;
        }
        for role in &BUILT_IN_ROLES {
            let role_id = roles::insert(&tx, role.name)?;
            for p in role.permissions {
                role_permissions::insert(&tx, role_id, p.key())?;
            }
        }
        for site in &sites {
            sites::insert_in(&tx, site, &country)?;
        }
        let account_id = insert_account(
            &tx,
            &login,
            &admin_name,
            "Super Admin",
            &s.admin_password,
            &now,
        )?;
        for (i, (pname, p, price, seats)) in products.iter().enumerate() {
            let sku = format!("P{}", i + 1);
            let product_id = products::insert(&tx, &sku, pname, p.family.key(), *price)?;
            for f in &p.features {
                product_features::insert(&tx, product_id, f.key())?;
            }
            if *seats > 0 {
                let order_id =
                    orders::insert((&tx).into(), product_id, *seats, *price, &now, account_id)?;
                seats::add_available((&tx).into(), product_id, *seats, &now, order_id)?;
            }
        }
        let actor = audit::AuditActor {
            account_id: Some(account_id),
            login: &login,
            role_name: "Super Admin",
        };
        let mut entry = AuditEntry::new("organization.create");
        entry.after = Some(
            json!({ "name": name, "currency": s.currency, "billing_day": billing_day,
            "notice_period_days": notice, "sites": sites,
            "products": products.iter().map(|(n, _, price, seats)| json!({ "name": n, "price_cents": price, "seats": seats })).collect::<Vec<_>>() }),
        );
        audit::append((&tx).into(), &now, &actor, &entry)?;
        tx.commit()?;
        self.sign_in(&login, &s.admin_password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn empty() -> (tempfile::TempDir, Org) {
        let dir = tempfile::tempdir().unwrap();
        let org = Org::open_without_demo(
            &dir.path().join("own.sqlite"),
            Arc::new(crate::base::clock::SystemClock),
        )
        .unwrap();
        (dir, org)
    }

    fn setup() -> OrgSetup {
        OrgSetup {
            organization_name: "Harbor Físio".into(),
            currency: "EUR".into(),
            billing_day: "15".into(),
            notice_period_days: "60".into(),
            sites: vec!["Lisboa".into(), " ".into(), "Porto".into()],
            country: "pt".into(),
            admin_login: "marta".into(),
            admin_name: "Marta Sousa".into(),
            admin_password: "correct horse 9".into(),
            products: vec![ProductSetup {
                name: "Voz Pro".into(),
                family: LicenseFamily::Voice,
                features: vec![Feature::Calling, Feature::Voicemail],
                monthly_price: "24.50".into(),
                seats: "12".into(),
            }],
        }
    }

    #[test]
    fn the_sites_are_in_the_country_chosen_and_a_code_that_is_none_is_refused() {
        let (_dir, mut org) = empty();
        let bad = OrgSetup {
            country: "XX".into(),
            ..setup()
        };
        let e = org.setup_organization(&bad).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("country"));
        assert!(org.is_unset().unwrap(), "nothing stored");
        org.setup_organization(&setup()).unwrap();
        let countries = sites::countries(org.conn()).unwrap();
        assert_eq!(countries.len(), 2);
        assert!(countries.iter().all(|(_, c)| c == "PT"), "{countries:?}");
    }

    #[test]
    fn an_empty_file_becomes_the_admins_organization_with_its_terms_and_seats() {
        let (_dir, mut org) = empty();
        assert!(org.is_unset().unwrap());
        let session = org.setup_organization(&setup()).unwrap();
        assert_eq!(
            (
                session.organization.as_str(),
                session.currency.as_str(),
                session.role.as_str()
            ),
            ("Harbor Físio", "EUR", "Super Admin")
        );
        let actor = crate::Actor {
            account_id: session.account_id,
        };
        let inv = org.license_inventory(actor).unwrap();
        assert_eq!(
            (
                inv[0].name.as_str(),
                inv[0].available,
                inv[0].monthly_price_cents
            ),
            ("Voz Pro", 12, 2450)
        );
        let summary = org.billing_summary(actor).unwrap();
        assert_eq!((summary.billing_day, summary.notice_period_days), (15, 60));
        assert_eq!(org.sites(actor).unwrap().len(), 2);
        assert!(audit::first_broken_entry(org.conn()).unwrap().is_none());
        let e = org.setup_organization(&setup()).unwrap_err();
        assert_eq!(
            e.payload().field.as_deref(),
            Some("organization"),
            "only once"
        );
    }

    #[test]
    fn each_bad_field_is_named_and_nothing_is_stored() {
        let (_dir, mut org) = empty();
        type Spoil = fn(&mut OrgSetup);
        let cases: Vec<(Spoil, &str)> = vec![
            (|s| s.organization_name = " ".into(), "Organization name"),
            (|s| s.currency = "XYZ".into(), "Currency"),
            (|s| s.billing_day = "31".into(), "Billing day"),
            (|s| s.notice_period_days = "-1".into(), "Notice period"),
            (|s| s.sites = vec![" ".into()], "Sites"),
            (|s| s.admin_password = "short".into(), "Password"),
            (|s| s.admin_password = "marta-is-great-1".into(), "Password"),
            (
                |s| s.products[0].monthly_price = "12.345".into(),
                "Product 1 price",
            ),
            (|s| s.products[0].seats = "many".into(), "Product 1 seats"),
            (|s| s.products[0].features.clear(), "Product 1 features"),
            (|s| s.products.clear(), "Products"),
        ];
        for (spoil, field) in cases {
            let mut s = setup();
            spoil(&mut s);
            let e = org.setup_organization(&s).unwrap_err();
            assert_eq!(e.field().map(|f| f.label()).as_deref(), Some(field), "{e}");
        }
        assert!(org.is_unset().unwrap());
        let products: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
            .unwrap();
        assert_eq!(products, 0);
    }

    #[test]
    fn the_demo_path_fills_an_empty_file_and_signs_the_super_admin_in() {
        let (_dir, mut org) = empty();
        let session = org.create_demo().unwrap();
        assert_eq!(session.role, "Super Admin");
        assert!(!org.is_unset().unwrap());
        assert!(org.create_demo().is_err(), "only into an empty file");
    }

    #[test]
    fn prices_are_read_as_people_type_them() {
        assert_eq!(
            price_cents(Field::Product(1, ProductPart::Price), "32").unwrap(),
            3200
        );
        assert_eq!(
            price_cents(Field::Product(1, ProductPart::Price), "32.5").unwrap(),
            3250
        );
        assert_eq!(
            price_cents(Field::Product(1, ProductPart::Price), "1,200.05").unwrap(),
            120_005
        );
        for bad in ["", "-1", "1.234", "abc", "1e3"] {
            assert!(
                price_cents(Field::Product(1, ProductPart::Price), bad).is_err(),
                "{bad:?}"
            );
        }
    }
}
