//! The TypeScript types of everything that crosses IPC, generated from the Rust types.
//! `ui/src/backend/bindings.ts` is checked in; this test fails when it is stale.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p licensedesk-core bindings`.

use ts_rs::{Config, TS};

use crate::*;

fn declarations() -> String {
    let cfg = Config::default();
    let codes = ERROR_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" | ");
    let decls = [
        format!("type ErrorCode = {codes};"),
        ErrorPayload::decl(&cfg),
        Permission::decl(&cfg),
        kernel::action::Action::decl(&cfg),
        kernel::action::permissions_table(),
        LockedBecause::decl(&cfg),
        MissingPermission::decl(&cfg),
        SessionInfo::decl(&cfg),
        LicenseFamily::decl(&cfg),
        Feature::decl(&cfg),
        ProductInventory::decl(&cfg),
        AssignLicense::decl(&cfg),
        UserStatus::decl(&cfg),
        HeldLicense::decl(&cfg),
        UserRow::decl(&cfg),
        UserDetail::decl(&cfg),
        LicenseFilter::decl(&cfg),
        UserCursor::decl(&cfg),
        UserQuery::decl(&cfg),
        UserPage::decl(&cfg),
        BundleReceipt::decl(&cfg),
        RemovalImpact::decl(&cfg),
        LicenseEdit::decl(&cfg),
        UserEdits::decl(&cfg),
        SavedUserEdits::decl(&cfg),
        DeletedKind::decl(&cfg),
        RemoveLicense::decl(&cfg),
        RemovalReceipt::decl(&cfg),
        SafetyArchive::decl(&cfg),
        NumberOutcome::decl(&cfg),
        UserRestore::decl(&cfg),
        RestorePreview::decl(&cfg),
        RestoreChoice::decl(&cfg),
        RestoreRequest::decl(&cfg),
        ArchiveRestoreReceipt::decl(&cfg),
        ReactivateUser::decl(&cfg),
        ReactivationPreview::decl(&cfg),
        ReactivationReceipt::decl(&cfg),
        RecordingRow::decl(&cfg),
        RecordingQuery::decl(&cfg),
        SeatChange::decl(&cfg),
        CostPreview::decl(&cfg),
        CancellationStatus::decl(&cfg),
        BillingEvent::decl(&cfg),
        BillingLine::decl(&cfg),
        BillingSummary::decl(&cfg),
        CostGroup::decl(&cfg),
        MonthCost::decl(&cfg),
        CancelDeadline::decl(&cfg),
        CostBreakdown::decl(&cfg),
        ChangeKind::decl(&cfg),
        ChangePreview::decl(&cfg),
        ChangeLicense::decl(&cfg),
        ChangeReceipt::decl(&cfg),
        AuditRow::decl(&cfg),
        AuditQuery::decl(&cfg),
        AuditPage::decl(&cfg),
        AuditVerification::decl(&cfg),
        AccountChoice::decl(&cfg),
        AccountRow::decl(&cfg),
        NewAccount::decl(&cfg),
        AccountUpdate::decl(&cfg),
        FailureKind::decl(&cfg),
        OpenFailure::decl(&cfg),
        DamagedRestoreReceipt::decl(&cfg),
        Site::decl(&cfg),
        NewUser::decl(&cfg),
        SetNumbers::decl(&cfg),
        CustomGreeting::decl(&cfg),
        VoicemailSetup::decl(&cfg),
        VoicemailUpdate::decl(&cfg),
        ForwardCondition::decl(&cfg),
        ForwardingRuleRow::decl(&cfg),
        ForwardingRuleInput::decl(&cfg),
        App::decl(&cfg),
        AppAccessRow::decl(&cfg),
        AppAccessUpdate::decl(&cfg),
        DeviceType::decl(&cfg),
        DeviceRow::decl(&cfg),
        ActivateDevice::decl(&cfg),
        SetupState::decl(&cfg),
        ChecklistItem::decl(&cfg),
        UserSetup::decl(&cfg),
        OffboardUser::decl(&cfg),
        OffboardReceipt::decl(&cfg),
        ImportField::decl(&cfg),
        MappingSource::decl(&cfg),
        FileColumn::decl(&cfg),
        OtherLicense::decl(&cfg),
        ImportChoices::decl(&cfg),
        ImportIssue::decl(&cfg),
        ImportLine::decl(&cfg),
        SeatNeed::decl(&cfg),
        ImportPreview::decl(&cfg),
        ImportReceipt::decl(&cfg),
        BulkAction::decl(&cfg),
        BulkRequest::decl(&cfg),
        BulkLine::decl(&cfg),
        BulkPreview::decl(&cfg),
        BulkReceipt::decl(&cfg),
        SavingsReason::decl(&cfg),
        ReclaimAction::decl(&cfg),
        StepDown::decl(&cfg),
        SavingsLine::decl(&cfg),
        Savings::decl(&cfg),
        ReclaimItem::decl(&cfg),
        ReclaimRequest::decl(&cfg),
        ReclaimStep::decl(&cfg),
        ReclaimCancellation::decl(&cfg),
        ReclaimPreview::decl(&cfg),
        ReclaimReceipt::decl(&cfg),
        ProductSetup::decl(&cfg),
        OrgSetup::decl(&cfg),
        AppInfo::decl(&cfg),
        ProgressEvent::decl(&cfg),
        MenuCommand::decl(&cfg),
        ServerStatus::decl(&cfg),
        BackupReason::decl(&cfg),
        BackupInfo::decl(&cfg),
        BackupOverview::decl(&cfg),
        RestoreReceipt::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in core/ by `make bindings`. Do not edit.\n",
    );
    for d in decls {
        out.push_str("\nexport ");
        out.push_str(&d);
        out.push('\n');
    }
    // The permission names as values, so that the UI never restates one.
    out.push_str("\n/** Every permission, by its name in core (`Permission::UsersView` is `PERMISSION.UsersView`). */\n");
    out.push_str("export const PERMISSION = {\n");
    for p in Permission::ALL {
        out.push_str(&format!("  {p:?}: \"{}\",\n", p.key()));
    }
    out.push_str("} as const satisfies Record<string, Permission>;\n");
    // The fields errors name: key (`ErrorPayload.field`) and label.
    out.push_str("\n/** Every field an error can name with a fixed key (`ErrorPayload.field`), and its label. */\n");
    out.push_str("export const FIELD_LABELS = {\n");
    for f in Field::FIXED {
        out.push_str(&format!("  {}: \"{}\",\n", f.key(), f.label()));
    }
    out.push_str("} as const;\n");
    let parts = ProductPart::ALL
        .iter()
        .map(|p| format!("\"{}\"", p.key()))
        .collect::<Vec<_>>()
        .join(" | ");
    out.push_str(&format!(
        "\n/** A part of the n-th product of the first-run setup. */\nexport type ProductPart = {parts};\n"
    ));
    out.push_str("\n/** How a message names each part: \"Product 2 license type\". */\n");
    out.push_str("export const PRODUCT_PART_LABELS = {\n");
    for part in ProductPart::ALL {
        out.push_str(&format!("  {}: \"{}\",\n", part.key(), part.label()));
    }
    out.push_str("} as const satisfies Record<ProductPart, string>;\n");
    out.push_str("\n/** A field key: a fixed one, or `product.<n>.<part>` for the setup's products. */\nexport type FieldKey = keyof typeof FIELD_LABELS | `product.${number}.${ProductPart}`;\n");
    out.push_str(
        "\n/** The fields a users file can fill, as the import's mapping step names them. */\n",
    );
    out.push_str("export const IMPORT_FIELD_LABELS = {\n");
    for f in ImportField::ALL {
        let key = serde_json::to_value(f).expect("serializes");
        out.push_str(&format!(
            "  {}: \"{}\",\n",
            key.as_str().expect("a name"),
            f.label()
        ));
    }
    out.push_str("} as const satisfies Record<ImportField, string>;\n");
    out.push_str(&format!(
        "\n/** Days a safety archive keeps a removed user's data. */\nexport const SAFETY_ARCHIVE_DAYS = {SAFETY_ARCHIVE_DAYS};\n"
    ));
    out
}

#[test]
fn bindings_are_fresh() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/backend/bindings.ts");
    let fresh = declarations();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "{} is stale: run `make bindings` and commit the result",
        path.display()
    );
}
