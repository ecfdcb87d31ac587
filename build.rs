//! Links the `launchgate` executable as a position-dependent executable on Linux, and converts
//! the built-in checklists to JSON.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: about
//! 75,000 pointers, which touch some 420 pages of its read-only data. That was over half of what
//! starting a process cost (`launchgate --version`: 6.5 ms → 3.3 ms on the CI machine kind), and
//! a pre-commit hook starts one per commit. Only the executable is linked so (build scripts,
//! proc-macros and test binaries are not), and only where the C toolchain is GNU's, whose `cc`
//! takes `-no-pie`. Go links its Linux executables the same way by default.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    checklists_as_json();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Writes `checklists/NAME.yaml` as `$OUT_DIR/checklists/NAME.json`: launchgate includes the
/// JSON (`checklist::BUILTIN_JSON`), which it reads far faster than YAML at every start. A
/// test holds the JSON to what launchgate's own YAML loader reads from the same file.
fn checklists_as_json() {
    use saphyr::{LoadableYamlNode, Yaml};
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("checklists");
    std::fs::create_dir_all(&out).unwrap();
    for name in ["production", "launch"] {
        let path = format!("checklists/{name}.yaml");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap();
        let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let [doc] = docs.as_slice() else {
            panic!("{path}: one YAML document expected")
        };
        let json = serde_json::to_string(&to_json(doc, &path)).unwrap();
        std::fs::write(out.join(format!("{name}.json")), json).unwrap();
    }
}

fn to_json(y: &saphyr::Yaml, path: &str) -> serde_json::Value {
    use saphyr::{Scalar, Yaml};
    use serde_json::Value;
    match y {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Sequence(items) => items.iter().map(|i| to_json(i, path)).collect(),
        Yaml::Mapping(m) => m
            .iter()
            .map(|(k, v)| match k {
                Yaml::Value(Scalar::String(k)) => (k.to_string(), to_json(v, path)),
                other => panic!("{path}: a key that is not a string: {other:?}"),
            })
            .collect(),
        other => panic!("{path}: unsupported YAML node {other:?}"),
    }
}
