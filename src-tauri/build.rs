include!("src/commands/list.rs");

const COMMANDS: &[&str] = app_commands!(command_names);

fn main() {
    // Declaring the app's commands makes each one a permission of its own, so that the
    // capability file grants exactly these and nothing else.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
