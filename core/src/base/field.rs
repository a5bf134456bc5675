//! The input fields an error can name. An error carries the field's stable key across IPC
//! (`ErrorPayload.field`, "macAddress"), which the window matches to show the reason next to
//! that field; its message uses the label ("MAC address"). A label can change without
//! breaking the window; a key never changes.

/// One field of a form or a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    Email,
    Department,
    Site,
    License,
    Quantity,
    Account,
    Name,
    Role,
    Password,
    Status,
    Extension,
    PhoneNumber,
    VoicemailPin,
    Voicemail,
    Greeting,
    Rings,
    ForwardTo,
    AppAccess,
    DesktopApp,
    MobileApp,
    WebApp,
    VideoMeetings,
    Model,
    MacAddress,
    DeviceType,
    Organization,
    OrganizationName,
    Currency,
    Country,
    BillingDay,
    NoticePeriod,
    /// The savings view's "no calls in the last N days".
    IdleDays,
    YourName,
    Sites,
    Products,
    /// The n-th product (from 1) of the first-run setup, and which of its parts.
    Product(u32, ProductPart),
    Backup,
    File,
    User,
    Users,
    Action,
    From,
    To,
    /// What is asked for rather than typed: a page size, a request, a file name.
    PageSize,
    Request,
    Path,
    Server,
}

/// A part of a product in the first-run setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductPart {
    Name,
    LicenseType,
    Features,
    Price,
    Seats,
}

impl ProductPart {
    pub const ALL: [ProductPart; 5] = [
        ProductPart::Name,
        ProductPart::LicenseType,
        ProductPart::Features,
        ProductPart::Price,
        ProductPart::Seats,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ProductPart::Name => "name",
            ProductPart::LicenseType => "licenseType",
            ProductPart::Features => "features",
            ProductPart::Price => "price",
            ProductPart::Seats => "seats",
        }
    }

    /// How a message names the part ("Product 2 license type").
    pub fn label(self) -> &'static str {
        match self {
            ProductPart::Name => "name",
            ProductPart::LicenseType => "license type",
            ProductPart::Features => "features",
            ProductPart::Price => "price",
            ProductPart::Seats => "seats",
        }
    }
}

impl Field {
    /// Every field with a fixed key (the setup's products are keyed `product.<n>.<part>`).
    pub const FIXED: [Field; 48] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Department,
        Field::Site,
        Field::License,
        Field::Quantity,
        Field::Account,
        Field::Name,
        Field::Role,
        Field::Password,
        Field::Status,
        Field::Extension,
        Field::PhoneNumber,
        Field::VoicemailPin,
        Field::Voicemail,
        Field::Greeting,
        Field::Rings,
        Field::ForwardTo,
        Field::AppAccess,
        Field::DesktopApp,
        Field::MobileApp,
        Field::WebApp,
        Field::VideoMeetings,
        Field::Model,
        Field::MacAddress,
        Field::DeviceType,
        Field::Organization,
        Field::OrganizationName,
        Field::Currency,
        Field::Country,
        Field::BillingDay,
        Field::NoticePeriod,
        Field::IdleDays,
        Field::YourName,
        Field::Sites,
        Field::Products,
        Field::Backup,
        Field::File,
        Field::User,
        Field::Users,
        Field::Action,
        Field::From,
        Field::To,
        Field::PageSize,
        Field::Request,
        Field::Path,
        Field::Server,
    ];

    /// The stable key the window matches on.
    pub fn key(self) -> String {
        let fixed = match self {
            Field::FirstName => "firstName",
            Field::LastName => "lastName",
            Field::Email => "email",
            Field::Department => "department",
            Field::Site => "site",
            Field::License => "license",
            Field::Quantity => "quantity",
            Field::Account => "account",
            Field::Name => "name",
            Field::Role => "role",
            Field::Password => "password",
            Field::Status => "status",
            Field::Extension => "extension",
            Field::PhoneNumber => "phoneNumber",
            Field::VoicemailPin => "voicemailPin",
            Field::Voicemail => "voicemail",
            Field::Greeting => "greeting",
            Field::Rings => "rings",
            Field::ForwardTo => "forwardTo",
            Field::AppAccess => "appAccess",
            Field::DesktopApp => "desktopApp",
            Field::MobileApp => "mobileApp",
            Field::WebApp => "webApp",
            Field::VideoMeetings => "videoMeetings",
            Field::Model => "model",
            Field::MacAddress => "macAddress",
            Field::DeviceType => "deviceType",
            Field::Organization => "organization",
            Field::OrganizationName => "organizationName",
            Field::Currency => "currency",
            Field::Country => "country",
            Field::BillingDay => "billingDay",
            Field::NoticePeriod => "noticePeriod",
            Field::IdleDays => "idleDays",
            Field::YourName => "yourName",
            Field::Sites => "sites",
            Field::Products => "products",
            Field::Product(n, part) => return format!("product.{n}.{}", part.key()),
            Field::Backup => "backup",
            Field::File => "file",
            Field::User => "user",
            Field::Users => "users",
            Field::Action => "action",
            Field::From => "from",
            Field::To => "to",
            Field::PageSize => "pageSize",
            Field::Request => "request",
            Field::Path => "path",
            Field::Server => "server",
        };
        fixed.to_owned()
    }

    /// The label messages use ("MAC address: ..").
    pub fn label(self) -> String {
        let fixed = match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::Email => "Email",
            Field::Department => "Department",
            Field::Site => "Site",
            Field::License => "License",
            Field::Quantity => "Quantity",
            Field::Account => "Account",
            Field::Name => "Name",
            Field::Role => "Role",
            Field::Password => "Password",
            Field::Status => "Status",
            Field::Extension => "Extension",
            Field::PhoneNumber => "Phone number",
            Field::VoicemailPin => "Voicemail PIN",
            Field::Voicemail => "Voicemail",
            Field::Greeting => "Greeting",
            Field::Rings => "Rings",
            Field::ForwardTo => "Forward to",
            Field::AppAccess => "App access",
            Field::DesktopApp => "Desktop app",
            Field::MobileApp => "Mobile app",
            Field::WebApp => "Web app",
            Field::VideoMeetings => "Video meetings",
            Field::Model => "Model",
            Field::MacAddress => "MAC address",
            Field::DeviceType => "Device type",
            Field::Organization => "Organization",
            Field::OrganizationName => "Organization name",
            Field::Currency => "Currency",
            Field::Country => "Country",
            Field::BillingDay => "Billing day",
            Field::NoticePeriod => "Notice period",
            Field::IdleDays => "Days without calls",
            Field::YourName => "Your name",
            Field::Sites => "Sites",
            Field::Products => "Products",
            Field::Product(n, part) => return format!("Product {n} {}", part.label()),
            Field::Backup => "Backup",
            Field::File => "File",
            Field::User => "User",
            Field::Users => "Users",
            Field::Action => "Action",
            Field::From => "From",
            Field::To => "To",
            Field::PageSize => "Page size",
            Field::Request => "Request",
            Field::Path => "File name",
            Field::Server => "Server address",
        };
        fixed.to_owned()
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_and_labels_are_unique() {
        let keys: HashSet<String> = Field::FIXED.iter().map(|f| f.key()).collect();
        let labels: HashSet<String> = Field::FIXED.iter().map(|f| f.label()).collect();
        assert_eq!(keys.len(), Field::FIXED.len());
        assert_eq!(labels.len(), Field::FIXED.len());
    }

    #[test]
    fn a_product_of_the_setup_is_keyed_by_its_place_and_part() {
        let f = Field::Product(2, ProductPart::LicenseType);
        assert_eq!(f.key(), "product.2.licenseType");
        assert_eq!(f.label(), "Product 2 license type");
    }
}
