//! `ui/src/backend/commands.ts`: each command of commands/list.rs with the arguments it takes
//! and the result it returns, in TypeScript, so that `call()` in ui/src/backend/index.ts is
//! typed per command. build.rs hands each command function to a generic `signature` helper
//! (`$OUT_DIR/command_signatures.rs`), so the types here are the compiler's, named by ts-rs as
//! in ui/src/backend/bindings.ts. The file is checked in; `command_type_is_fresh` fails when it
//! is stale (`make bindings` writes it).

use std::collections::BTreeSet;

use ts_rs::{Config, Dependency, TypeVisitor, TS};

/// ts-rs's names, except that 64-bit integers (ids, counts) are `number`: serde_json writes
/// them as JSON numbers, which JavaScript reads as numbers.
fn config() -> Config {
    Config::default().with_large_int("number")
}

/// The declared types a TypeScript type names (`T` itself, or those inside an `Option`, a
/// `Vec`, a tuple), to import from ./bindings.
fn declared_in<T: TS + 'static>() -> Vec<String> {
    struct Declared(Vec<String>);
    impl TypeVisitor for Declared {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            if let Some(declared) = Dependency::from_ty::<U>(&config()) {
                self.0.push(declared.ts_name);
            }
        }
    }
    let mut declared = Declared(Vec::new());
    declared.visit::<T>();
    T::visit_generics(&mut declared);
    declared.0
}

/// One argument: its key in the call's object and its TypeScript type.
struct Arg {
    key: &'static str,
    ts: String,
    imports: Vec<String>,
}

impl Arg {
    fn value<T: TS + 'static>(key: &'static str) -> Self {
        Arg {
            key,
            ts: T::name(&config()),
            imports: declared_in::<T>(),
        }
    }

    /// A `tauri::ipc::Channel<T>`: the window passes a `Channel` of @tauri-apps/api.
    fn channel<T: TS + 'static>(key: &'static str) -> Self {
        Arg {
            key,
            ts: format!("Channel<{}>", T::name(&config())),
            imports: declared_in::<T>(),
        }
    }
}

/// The result of a command that succeeded.
struct Returns {
    ts: String,
    imports: Vec<String>,
}

impl Returns {
    fn value<T: TS + 'static>() -> Self {
        Returns {
            ts: T::name(&config()),
            imports: declared_in::<T>(),
        }
    }

    /// A `tauri::ipc::Response`: raw bytes, which `invoke` resolves to an `ArrayBuffer`.
    fn bytes() -> Self {
        Returns {
            ts: "ArrayBuffer".into(),
            imports: Vec::new(),
        }
    }
}

struct Signature {
    name: &'static str,
    args: Vec<Arg>,
    returns: Returns,
}

impl Signature {
    fn new(name: &'static str, args: Vec<Arg>, returns: Returns) -> Self {
        Signature {
            name,
            args,
            returns,
        }
    }
}

// The generated calls name every type by its full path, as a build script must.
#[allow(unused_qualifications)]
fn signatures() -> Vec<Signature> {
    include!(concat!(env!("OUT_DIR"), "/command_signatures.rs"))
}

fn commands_ts() -> String {
    let signatures = signatures();
    let mut imports = BTreeSet::new();
    let (mut args, mut results) = (String::new(), String::new());
    for s in &signatures {
        let object = s
            .args
            .iter()
            .map(|a| format!("{}: {}", a.key, a.ts))
            .collect::<Vec<_>>()
            .join("; ");
        let tuple = if s.args.is_empty() {
            String::new()
        } else {
            format!("{{ {object} }}")
        };
        args.push_str(&format!("  {}: [{tuple}];\n", s.name));
        results.push_str(&format!("  {}: {};\n", s.name, s.returns.ts));
        imports.extend(s.args.iter().flat_map(|a| a.imports.iter().cloned()));
        imports.extend(s.returns.imports.iter().cloned());
    }
    let imports = imports.into_iter().collect::<Vec<_>>().join(", ");
    format!(
        "// Generated from the commands of src-tauri/src/commands/list.rs by `make bindings`. Do not edit.\n\
         \n\
         import type {{ Channel }} from \"@tauri-apps/api/core\";\n\
         import type {{ {imports} }} from \"./bindings\";\n\
         \n\
         /**\n \
         * What each command takes: nothing, or one object under the keys Tauri reads (the Rust\n \
         * parameters in camelCase, without those Tauri fills in itself).\n \
         */\n\
         export type CommandArgs = {{\n{args}}};\n\
         \n\
         /** What each command returns when it succeeds. */\n\
         export type CommandResults = {{\n{results}}};\n\
         \n\
         export type Command = keyof CommandArgs;\n"
    )
}

#[test]
fn command_type_is_fresh() {
    let fresh = commands_ts();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/backend/commands.ts");
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
