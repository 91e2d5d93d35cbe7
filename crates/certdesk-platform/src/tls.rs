//! TLS for the platform: loading a certificate and key from PEM files, or making a local CA and
//! a server certificate for 127.0.0.1 and localhost (`--dev-tls`) so a first run and the tests
//! use real HTTPS.
//!
//! rustls with the ring provider only. The dev CA must never be used for a real deployment:
//! its key sits unprotected in the data directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// TLS setup failures.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The PEM did not hold a usable certificate or key.
    #[error("{0}")]
    Pem(String),
    /// Generating the dev certificates failed.
    #[error("generating dev certificates: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the certificate/key pair.
    #[error("tls configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Where the dev certificates were written.
#[derive(Debug, Clone)]
pub struct DevTls {
    /// The CA certificate desks (and tests) must trust.
    pub ca_cert: PathBuf,
    /// The server certificate chain.
    pub cert: PathBuf,
    /// The server key.
    pub key: PathBuf,
}

fn write(path: &Path, contents: &str) -> Result<(), TlsError> {
    crate::files::write(path, contents.as_bytes()).map_err(|source| TlsError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Makes (once; later runs reuse them, so enrolled desks keep trusting the CA) a local CA and a
/// server certificate for `127.0.0.1`, `::1` and `localhost` under `data_dir/tls/`.
pub fn ensure_dev_tls(data_dir: &Path) -> Result<DevTls, TlsError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let dir = data_dir.join("tls");
    let paths = DevTls {
        ca_cert: dir.join("dev-ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    };
    if paths.ca_cert.exists() && paths.cert.exists() && paths.key.exists() {
        return Ok(paths);
    }
    crate::files::create_dir(&dir).map_err(|source| TlsError::Io {
        path: dir.clone(),
        source,
    })?;
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "certdesk platform dev CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key)?;

    let server_key = KeyPair::generate()?;
    let mut server = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])?;
    server
        .distinguished_name
        .push(DnType::CommonName, "certdesk platform (dev)");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &ca_cert, &ca_key)?;

    write(&paths.ca_cert, &ca_cert.pem())?;
    write(
        &paths.cert,
        &format!("{}{}", server_cert.pem(), ca_cert.pem()),
    )?;
    write(&paths.key, &server_key.serialize_pem())?;
    Ok(paths)
}

/// A rustls server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| TlsError::Pem(format!("{}: {e}", cert.display())))?
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Pem(format!("{}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(TlsError::Pem(format!("{}: no certificate", cert.display())));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| TlsError::Pem(format!("{}: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
