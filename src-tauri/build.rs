fn main() {
    // The release key the updater trusts is built in (src/update.rs): a change rebuilds.
    println!("cargo:rerun-if-env-changed=CERTDESK_UPDATE_PUBKEY");
    tauri_build::build()
}
