//! Links the `launchgate` executable as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: about
//! 75,000 pointers, which touch some 420 pages of its read-only data. That was over half of what
//! starting a process cost (`launchgate --version`: 6.5 ms → 3.3 ms on the CI machine kind), and
//! a pre-commit hook starts one per commit. Only the executable is linked so (build scripts,
//! proc-macros and test binaries are not), and only where the C toolchain is GNU's, whose `cc`
//! takes `-no-pie`. Go links its Linux executables the same way by default.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
