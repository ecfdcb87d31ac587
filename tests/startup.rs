//! The executable starts without the dynamic loader relocating it (build.rs links it with
//! `-no-pie` on Linux with GNU's toolchain): relocating a position-independent launchgate was
//! over half of what starting it cost, and a pre-commit hook starts it once per commit.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_linux_executable_is_position_dependent() {
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_launchgate")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    // e_type, little-endian on the targets this runs on: 2 is ET_EXEC, 3 ET_DYN (PIE).
    let e_type = u16::from_le_bytes([bytes[16], bytes[17]]);
    assert_eq!(
        e_type, 2,
        "launchgate is linked as a position-independent executable"
    );
    let version = std::process::Command::new(env!("CARGO_BIN_EXE_launchgate"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("launchgate "));
}
