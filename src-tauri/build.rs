include!("src/commands/list.rs");

const COMMANDS: &[&str] = app_commands!(command_names);
const COMMAND_PATHS: &[(&str, &str)] = app_commands!(command_paths);

fn main() {
    // Declaring the app's commands makes each one a permission of its own, so that the
    // capability file grants exactly these and nothing else.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
    signatures::write();
}

/// Reads each listed command's function and writes `$OUT_DIR/command_signatures.rs`: one
/// expression per command that hands the function itself to a generic helper, so that the
/// compiler names every argument and result type (the test `command_type_is_fresh` turns them
/// into TypeScript with ts-rs). Only what the types cannot tell comes from the source: the
/// parameter names, which Tauri reads as camelCase keys, and which parameters Tauri fills in.
mod signatures {
    use std::fmt::Write;
    use std::path::Path;

    /// Parameters Tauri injects instead of reading them from the call's arguments.
    const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

    enum Param {
        Injected,
        Channel(String),
        Value(String),
    }

    pub fn write() {
        println!("cargo:rerun-if-changed=src/commands");
        let mut out = String::from("vec![\n");
        for (module, name) in super::COMMAND_PATHS {
            let file = format!("src/commands/{module}.rs");
            let source = std::fs::read_to_string(&file).expect("a command module");
            let parsed = syn::parse_file(&source).unwrap_or_else(|e| panic!("{file}: {e}"));
            let function = parsed
                .items
                .iter()
                .find_map(|item| match item {
                    syn::Item::Fn(f) if f.sig.ident == name => Some(f),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{file} has no fn {name}"));
            out.push_str(&signature(module, name, function));
        }
        out.push_str("]\n");
        let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("command_signatures.rs");
        std::fs::write(dest, out).expect("command_signatures.rs");
    }

    fn signature(module: &str, name: &str, function: &syn::ItemFn) -> String {
        let command = function
            .attrs
            .iter()
            .find(|a| {
                a.path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "command")
            })
            .unwrap_or_else(|| panic!("{name} is not a #[tauri::command]"));
        // The keys below are Tauri's default (camelCase); an attribute argument could change them.
        assert!(
            matches!(command.meta, syn::Meta::Path(_)),
            "{name}: #[tauri::command(...)] with arguments is not described here"
        );
        let params: Vec<Param> = function
            .sig
            .inputs
            .iter()
            .map(|input| {
                let syn::FnArg::Typed(typed) = input else {
                    panic!("{name} takes self")
                };
                let syn::Pat::Ident(ident) = &*typed.pat else {
                    panic!("{name}: a parameter that is not a plain name")
                };
                match last_segment(&typed.ty).as_deref() {
                    Some(t) if INJECTED.contains(&t) => Param::Injected,
                    Some("Channel") => Param::Channel(camel_case(&ident.ident.to_string())),
                    _ => Param::Value(camel_case(&ident.ident.to_string())),
                }
            })
            .collect();

        let mut generics = vec!["F".to_string()];
        let mut fn_args = Vec::new();
        let mut described = Vec::new();
        for (i, param) in params.iter().enumerate() {
            match param {
                Param::Injected => {
                    generics.push(format!("A{i}"));
                    fn_args.push(format!("A{i}"));
                }
                Param::Channel(key) => {
                    generics.push(format!("A{i}: ts_rs::TS + 'static"));
                    fn_args.push(format!("tauri::ipc::Channel<A{i}>"));
                    described.push(format!("Arg::channel::<A{i}>(\"{key}\")"));
                }
                Param::Value(key) => {
                    generics.push(format!("A{i}: ts_rs::TS + 'static"));
                    fn_args.push(format!("A{i}"));
                    described.push(format!("Arg::value::<A{i}>(\"{key}\")"));
                }
            }
        }
        let (output, result) = match &function.sig.output {
            syn::ReturnType::Type(_, ty)
                if last_segment(ty).as_deref() == Some("CommandResult") =>
            {
                if inner_last_segment(ty).as_deref() == Some("Response") {
                    (
                        "crate::commands::CommandResult<tauri::ipc::Response>".to_string(),
                        "Returns::bytes()".to_string(),
                    )
                } else {
                    generics.push("R: ts_rs::TS + 'static".into());
                    (
                        "crate::commands::CommandResult<R>".into(),
                        "Returns::value::<R>()".into(),
                    )
                }
            }
            _ => {
                generics.push("R: ts_rs::TS + 'static".into());
                ("R".into(), "Returns::value::<R>()".into())
            }
        };
        let bound = if function.sig.asyncness.is_some() {
            generics.push(format!("Fut: std::future::Future<Output = {output}>"));
            format!("F: Fn({}) -> Fut", fn_args.join(", "))
        } else {
            format!("F: Fn({}) -> {output}", fn_args.join(", "))
        };
        let mut code = String::new();
        writeln!(
            code,
            "    {{\n        fn signature<{}>(_: F) -> Signature\n        where\n            {bound},\n        {{\n            Signature::new(\"{name}\", vec![{}], {result})\n        }}\n        signature(crate::commands::{module}::{name})\n    }},",
            generics.join(", "),
            described.join(", "),
        )
        .unwrap();
        code
    }

    /// `State` of `State<'_, AppState>`, `CommandResult` of `CommandResult<T>`.
    fn last_segment(ty: &syn::Type) -> Option<String> {
        match ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
    }

    /// `Response` of `CommandResult<Response>`.
    fn inner_last_segment(ty: &syn::Type) -> Option<String> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        match args.args.first()? {
            syn::GenericArgument::Type(inner) => last_segment(inner),
            _ => None,
        }
    }

    /// The key Tauri reads a parameter from: `suggested_name` → `suggestedName`.
    fn camel_case(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }
}
