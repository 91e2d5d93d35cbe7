//! `certdesk-platform`: run the central platform from a terminal.
//!
//! This binary only reads flags, sets up logging and calls the library; it must never contain
//! a rule of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use certdesk_platform::checks::{CheckProvider, WatchList};
use certdesk_platform::ids::SystemIds;
use certdesk_platform::{start, ServerConfig, TlsSource};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "certdesk-platform",
    version,
    about = "The central platform of the home-service certificate programme"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API over HTTPS.
    Serve(Box<ServeArgs>),
    /// Operator accounts for the operator pages (`/operator/`).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Move a platform from its SQLite file to an empty PostgreSQL database: every row, in one
    /// transaction (all or nothing). Stop the platform first; then serve with --database.
    MigrateStore(MigrateStoreArgs),
    /// Desk releases (signed updates of the desk app) in the releases folder `serve --releases`
    /// serves.
    #[command(subcommand)]
    Release(ReleaseCommand),
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Publish one version with its packages (the .deb and the AppImage, say): checked (semver,
    /// not published yet, each package there with a Tauri minisign signature made for this
    /// version), staged in the folder and renamed into place at once. A version is published
    /// once; publish a new version to change anything.
    Publish(ReleasePublishArgs),
    /// Every version in the folder, newest first, with its packages and whether each is offered.
    List(ReleaseListArgs),
}

#[derive(Args)]
struct ReleaseListArgs {
    /// The releases folder.
    #[arg(long, env = "CERTDESK_PLATFORM_RELEASES")]
    releases: PathBuf,
}

#[derive(Args)]
struct ReleasePublishArgs {
    /// The releases folder (made when missing).
    #[arg(long, env = "CERTDESK_PLATFORM_RELEASES")]
    releases: PathBuf,
    /// The version (semver, e.g. 0.1.1): the one the signature was made for.
    #[arg(long)]
    version: String,
    /// A UTF-8 text file saying what changed (Chinese; the agency's manager reads it).
    #[arg(long)]
    notes_file: PathBuf,
    /// The package (e.g. certdesk_0.1.1_amd64.deb); give it once for each package of the version
    /// (certdesk_0.1.1_amd64.deb and certdesk_0.1.1_amd64.AppImage), each with its --signature.
    #[arg(long, required = true)]
    package: Vec<PathBuf>,
    /// Its signature as `tauri signer sign --app-version VERSION` writes it (PACKAGE.sig), in the
    /// order of the packages.
    #[arg(long, required = true)]
    signature: Vec<PathBuf>,
    /// linux, windows or darwin; default: the system the bundle installs on (for every package).
    #[arg(long)]
    target: Option<String>,
    /// x86_64, aarch64, i686 or armv7.
    #[arg(long, default_value = "x86_64")]
    arch: String,
    /// deb, rpm, appimage, nsis, msi or app; default: what each package's file name says (given,
    /// it holds for every package).
    #[arg(long)]
    bundle: Option<String>,
}

/// One value of a closed set from a flag, or the list of those allowed.
fn closed<T: certdesk_domain::Code>(flag: &str, given: &str) -> Result<T> {
    certdesk_platform::releases::flag_value(flag, given).map_err(anyhow::Error::msg)
}

/// `release publish` / `release list`.
fn release(command: &ReleaseCommand) -> Result<()> {
    use certdesk_platform::releases::{self, PackageFile, PublishRefusal, Publication, Releases};
    match command {
        ReleaseCommand::Publish(args) => {
            let (packages, signatures) = (args.package.len(), args.signature.len());
            if packages != signatures {
                return Err(PublishRefusal::SignatureCount { packages, signatures }.into());
            }
            let target = args.target.as_deref().map(|t| closed("target", t)).transpose()?;
            let bundle = args.bundle.as_deref().map(|b| closed("bundle", b)).transpose()?;
            let publication = Publication {
                version: args.version.clone(),
                notes_file: args.notes_file.clone(),
                packages: args
                    .package
                    .iter()
                    .zip(&args.signature)
                    .map(|(package, signature)| PackageFile { package: package.clone(), signature: signature.clone(), target, bundle })
                    .collect(),
                arch: closed("arch", &args.arch)?,
            };
            let manifest = releases::publish(&args.releases, &publication, chrono::Utc::now())?;
            for p in &manifest.packages {
                println!("published {} ({}/{}/{}: {})", manifest.version, p.target, p.arch, p.bundle, p.file);
            }
        }
        ReleaseCommand::List(args) => {
            let listed = Releases::new(&args.releases).list().with_context(|| format!("reading {}", args.releases.display()))?;
            if listed.is_empty() {
                println!("no releases in {}", args.releases.display());
            }
            for r in listed {
                println!("{}\t{}", r.version, r.manifest.pub_date);
                for (p, servable) in r.manifest.packages.iter().zip(r.servable) {
                    let state = if servable { "offered" } else { "NOT offered: the file or its .sig is missing" };
                    println!("\t{}/{}/{}\t{}\t{state}", p.target, p.arch, p.bundle, p.file);
                }
            }
        }
    }
    Ok(())
}

#[derive(Args)]
struct MigrateStoreArgs {
    /// The data directory of the SQLite platform.
    #[arg(long)]
    from: PathBuf,
    /// The PostgreSQL database to move into (empty; its schema is made).
    #[arg(long, env = "CERTDESK_PLATFORM_DATABASE")]
    to: String,
    /// The signing keys' key file, when not FROM/signing-kek (serve with the same one).
    #[arg(long, env = "CERTDESK_PLATFORM_KEY_FILE")]
    key_file: Option<PathBuf>,
}

/// `migrate-store`: the rows moved, table by table.
fn migrate_store(args: &MigrateStoreArgs) -> Result<()> {
    let key_file = args.key_file.clone().unwrap_or_else(|| args.from.join(certdesk_platform::keys::KeyVault::FILE));
    let moved = certdesk_platform::store::move_to_postgres::sqlite_to_postgres(&args.from, &key_file, &args.to)?;
    for (table, rows) in &moved {
        println!("{table}\t{rows}");
    }
    println!("moved {} rows in {} tables; serve with --database and --data-dir {}", moved.iter().map(|(_, n)| n).sum::<u64>(), moved.len(), args.from.display());
    Ok(())
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Create an operator, or set a new password for one (which also lifts a lockout and
    /// ends their sessions). The password is read from stdin unless --password-env names a
    /// variable holding it; it is never a flag, so it stays out of shell history and `ps`.
    Add(OperatorAddArgs),
    /// An operator's own API keys: the bearer token of the operator API (`/api/v1/operator/…`).
    #[command(subcommand)]
    Key(KeyCommand),
    /// The second factor at sign-in (TOTP, any authenticator app): `on` prints the secret and
    /// its `otpauth://` link once; `off` removes it.
    Totp(TotpArgs),
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Make a key and print it once (only its SHA-256 is kept).
    Create(KeyCreateArgs),
    /// List an operator's keys (never the keys themselves).
    List(KeyUserArgs),
    /// Revoke one of an operator's keys at once.
    Revoke(KeyRevokeArgs),
}

/// Where the platform's records are: the same flags as `serve`'s.
#[derive(Args)]
struct StoreArgs {
    /// The platform's data directory (the SQLite database, unless --database names one).
    #[arg(long, env = "CERTDESK_PLATFORM_DATA")]
    data_dir: PathBuf,
    /// The signing keys' key file (32 bytes, made owner-only at first start when missing);
    /// default DATA_DIR/signing-kek. Keep it on another volume than the data folder and its
    /// backups: a copy of the database without it signs nothing. Instances sharing one
    /// PostgreSQL database must all be given the same file.
    #[arg(long, env = "CERTDESK_PLATFORM_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// A PostgreSQL database (postgres://user@host/db, or libpq's key=value form) instead of
    /// the SQLite file in the data directory; several instances may share it. Prefer the
    /// environment variable when the URL holds a password.
    #[arg(long, env = "CERTDESK_PLATFORM_DATABASE")]
    database: Option<String>,
    /// Connections to PostgreSQL this process keeps at most.
    #[arg(long, default_value_t = certdesk_platform::store::postgres::DEFAULT_POOL_SIZE, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pool_size: u32,
}

impl StoreArgs {
    fn location(&self) -> certdesk_platform::store::Location {
        certdesk_platform::store::Location {
            data_dir: self.data_dir.clone(),
            key_file: self.key_file.clone(),
            database: self.database.clone(),
            pool_size: self.pool_size,
        }
    }
}

#[derive(Args)]
struct KeyUserArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The operator's sign-in name.
    #[arg(long)]
    user: String,
}

#[derive(Args)]
struct KeyCreateArgs {
    #[command(flatten)]
    who: KeyUserArgs,
    /// An area the key may use (repeat for several): reviews, agencies, devices, revocations,
    /// stats, audit, keys. Default: every area the operator's role may use.
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Days the key lives (1 to 365).
    #[arg(long, default_value_t = 90)]
    days: u32,
}

#[derive(Args)]
struct KeyRevokeArgs {
    #[command(flatten)]
    who: KeyUserArgs,
    /// The key's id (from `operator key list`).
    #[arg(long)]
    id: uuid::Uuid,
}

#[derive(Args)]
struct TotpArgs {
    #[command(flatten)]
    who: KeyUserArgs,
    /// `on` (a new secret) or `off`.
    #[arg(value_parser = ["on", "off"])]
    state: String,
}

fn open_store(who: &KeyUserArgs) -> Result<Box<dyn certdesk_platform::store::Store>> {
    let location = who.store.location();
    if !location.exists() {
        bail!("{} holds no platform database", who.store.data_dir.display());
    }
    Ok(location.open(None)?)
}

/// `operator key …`.
fn operator_key(command: &KeyCommand) -> Result<()> {
    use certdesk_platform::flows::operators::{self as ops, KeyRefusal};
    use certdesk_platform::operator_pages::access::Area;
    use certdesk_domain::Code;
    let now = chrono::Utc::now();
    match command {
        KeyCommand::Create(args) => {
            let store = open_store(&args.who)?;
            let mut scopes = Vec::new();
            for code in &args.scopes {
                let Some(area) = Area::from_code(code) else {
                    bail!("unknown scope {code:?}: one of {}", Area::ALL.map(|a| a.code()).join(", "));
                };
                scopes.push(area);
            }
            match ops::create_api_key(&store, &SystemIds, &args.who.user, &scopes, args.days, now)? {
                Ok(key) => {
                    eprintln!(
                        "key {} for {} (scopes: {}), valid until {}; it is shown only now:",
                        key.id,
                        args.who.user,
                        key.scopes.iter().map(|a| a.code()).collect::<Vec<_>>().join(" "),
                        key.expires_at.to_rfc3339()
                    );
                    println!("{}", key.key);
                }
                Err(KeyRefusal::UnknownOperator) => bail!("no operator {:?}", args.who.user),
                Err(KeyRefusal::ScopeNotAllowed(area)) => {
                    bail!("the role of {} may not use {} ({})", args.who.user, area.code(), area.labels().1)
                }
                Err(KeyRefusal::Days) => bail!("--days must be 1 to {}", ops::MAX_API_KEY_DAYS),
            }
        }
        KeyCommand::List(args) => {
            let store = open_store(args)?;
            for k in store.api_keys_of(&args.user)? {
                let state = match (k.revoked_at, k.expires_at <= now) {
                    (Some(at), _) => format!("revoked {}", at.to_rfc3339()),
                    (None, true) => "expired".to_owned(),
                    (None, false) => "live".to_owned(),
                };
                println!(
                    "{}\t{state}\tscopes: {}\tuntil {}\tlast used {}",
                    k.id,
                    k.scopes,
                    k.expires_at.to_rfc3339(),
                    k.last_used_at.map_or("never".to_owned(), |t| t.to_rfc3339())
                );
            }
        }
        KeyCommand::Revoke(args) => {
            let store = open_store(&args.who)?;
            if !ops::revoke_api_key(&store, &args.who.user, args.id, now)? {
                bail!("{} has no live key {}", args.who.user, args.id);
            }
            println!("key {} revoked", args.id);
        }
    }
    Ok(())
}

/// `operator totp`.
fn operator_totp(args: &TotpArgs) -> Result<()> {
    let store = open_store(&args.who)?;
    let Some(secret) = certdesk_platform::flows::operators::set_second_factor(&store, &args.who.user, args.state == "on")? else {
        bail!("no operator {:?}", args.who.user);
    };
    match secret {
        Some(secret) => {
            eprintln!("two-step sign-in is on for {}; add this to an authenticator app (shown only now):", args.who.user);
            println!("{}", certdesk_platform::totp::otpauth_uri(&args.who.user, &secret));
            eprintln!("secret to type by hand: {}", certdesk_platform::totp::base32(&secret));
        }
        None => println!("two-step sign-in is off for {}", args.who.user),
    }
    Ok(())
}

#[derive(Args)]
struct OperatorAddArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Sign-in name.
    #[arg(long)]
    user: String,
    /// Read the password from this environment variable instead of stdin.
    #[arg(long)]
    password_env: Option<String>,
    /// The account's role: office (项目办: reviews), commission (商务委: read-only) or admin
    /// (管理员: agencies, devices). A new account without one is office; an existing one keeps
    /// its role unless this is given.
    #[arg(long, value_parser = ["office", "commission", "admin"])]
    role: Option<String>,
}

/// `operator add`: hashes the password with argon2 and stores the account.
fn operator_add(args: &OperatorAddArgs) -> Result<()> {
    use certdesk_platform::operator_pages::auth;
    let user = args.user.trim();
    if user.is_empty() || user.chars().count() > 60 || user.chars().any(char::is_control) {
        bail!("the operator name must be 1 to 60 printable characters");
    }
    let password = match &args.password_env {
        Some(var) => std::env::var(var).with_context(|| format!("reading ${var}"))?,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from stdin")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if let Err(why) = auth::check_new_password(&password) {
        bail!("{} / {}", why.zh, why.en);
    }
    let hash = auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    certdesk_platform::files::create_dir(&args.store.data_dir)?;
    let store = args.store.location().open(None)?;
    let role = args.role.as_deref().and_then(<certdesk_platform::store::operators::OperatorRole as certdesk_domain::Code>::from_code);
    if certdesk_platform::flows::set_operator(&store, &SystemIds, user, &hash, role, chrono::Utc::now())? {
        println!("operator {user} created");
    } else {
        println!("operator {user}: password changed, sessions ended");
    }
    Ok(())
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// TLS certificate chain (PEM).
    #[arg(long, requires = "key", conflicts_with = "dev_tls")]
    cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Make a local CA and a certificate for 127.0.0.1/localhost in the data directory.
    #[arg(long)]
    dev_tls: bool,
    /// The signature of the keys the platform makes from now on (its first key, and each
    /// rotation): ed25519, or sm2 (GB/T 32918 with SM3) where a deployment requires it. Keys
    /// already made keep theirs; desks verify both kinds.
    #[arg(long, default_value = "ed25519", value_parser = ["ed25519", "sm2"])]
    key_algorithm: String,
    /// A PKCS#11 library (a hardware security module; SoftHSM2's is
    /// /usr/lib/softhsm/libsofthsm2.so): new signing keys are made and kept in its token, and
    /// the database holds only their public halves.
    #[arg(long, requires_all = ["pkcs11_token", "pkcs11_pin_env"])]
    pkcs11_module: Option<PathBuf>,
    /// The token's label.
    #[arg(long)]
    pkcs11_token: Option<String>,
    /// The environment variable holding the token's user PIN (never a flag).
    #[arg(long)]
    pkcs11_pin_env: Option<String>,
    /// Serve the operator pages and API on this address only (an internal network), and not on
    /// --listen.
    #[arg(long)]
    operator_listen: Option<SocketAddr>,
    /// File of ID numbers (one per line) whose police comparison fails (demos, tests).
    #[arg(long)]
    watch_list: Option<PathBuf>,
    /// With --watch-list: pass everyone not on the list at once instead of queueing them for
    /// an operator.
    #[arg(long, requires = "watch_list")]
    watch_list_pass_unlisted: bool,
    /// Public base URL printed in credential QR codes, e.g. https://cert.example.cn
    #[arg(long)]
    public_url: Option<String>,
    /// Days a new certificate is valid (at most three years, 1096 days: desks refuse longer).
    #[arg(long, default_value_t = certdesk_domain::certificate_code::MAX_CERTIFICATE_VALIDITY_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(certdesk_domain::certificate_code::MAX_CERTIFICATE_VALIDITY_DAYS)))]
    validity_days: u32,
    /// A reverse proxy (address or network, repeat for several) whose X-Forwarded-For names
    /// the client; from anywhere else the header is ignored.
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<certdesk_platform::proxy::ProxyNet>,
    /// Requests without credentials one client network may make per minute (the public page's
    /// lookups, the lists); desks and operators with credentials are not counted. On PostgreSQL
    /// every instance counts into the same total.
    #[arg(long, default_value_t = certdesk_platform::limits::Limits::default().per_network_per_minute)]
    requests_per_network_per_minute: u32,
    /// Serve /metrics (Prometheus text format, plain HTTP) on this address: keep it on the
    /// monitoring network.
    #[arg(long)]
    metrics_listen: Option<SocketAddr>,
    /// Log as JSON lines (for log collectors).
    #[arg(long)]
    log_json: bool,
    /// The desk releases folder (`release publish` writes it; read on every update check, so
    /// several instances may share it). Without it the release routes answer 404.
    #[arg(long, env = "CERTDESK_PLATFORM_RELEASES")]
    releases: Option<PathBuf>,
}

/// The operator commands run outside any async runtime: the store's calls block (PostgreSQL's
/// client runs a runtime of its own).
fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Serve(args) => tokio::runtime::Runtime::new()?.block_on(serve(*args)),
        Command::Operator(OperatorCommand::Add(args)) => operator_add(&args),
        Command::Operator(OperatorCommand::Key(command)) => operator_key(&command),
        Command::Operator(OperatorCommand::Totp(args)) => operator_totp(&args),
        Command::MigrateStore(args) => migrate_store(&args),
        Command::Release(command) => release(&command),
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info,postgres=warn"));
    if args.log_json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

    let tls = match (&args.cert, &args.key, args.dev_tls) {
        (Some(cert), Some(key), false) => TlsSource::Files {
            cert: cert.clone(),
            key: key.clone(),
        },
        (None, None, true) => TlsSource::Dev,
        _ => bail!("give either --cert FILE --key FILE or --dev-tls"),
    };
    let mut providers: Vec<Box<dyn CheckProvider>> = Vec::new();
    if let Some(path) = &args.watch_list {
        let list = WatchList::load(path, args.watch_list_pass_unlisted)
            .with_context(|| format!("reading watch list {}", path.display()))?;
        providers.push(Box::new(list));
    }
    let config = ServerConfig {
        data_dir: args.store.data_dir.clone(),
        database: args.store.database.clone(),
        pool_size: args.store.pool_size,
        listen: args.listen,
        tls,
        operator_listen: args.operator_listen,
        key_file: args.store.key_file.clone(),
        pkcs11: match (&args.pkcs11_module, &args.pkcs11_token, &args.pkcs11_pin_env) {
            (Some(module), Some(token), Some(var)) => Some(certdesk_platform::server::Pkcs11Config {
                module: module.clone(),
                token: token.clone(),
                pin: std::env::var(var).with_context(|| format!("reading ${var}"))?,
            }),
            _ => None,
        },
        providers,
        public_url: args.public_url.clone(),
        validity_days: args.validity_days,
        clock: Arc::new(chrono::Utc::now),
        ids: if args.key_algorithm == "sm2" {
            Arc::new(certdesk_platform::ids::Sm2Keys(SystemIds))
        } else {
            Arc::new(SystemIds)
        },
        limits: certdesk_platform::limits::Limits {
            per_network_per_minute: args.requests_per_network_per_minute,
            ..Default::default()
        },
        trusted_proxies: certdesk_platform::proxy::TrustedProxies(args.trusted_proxies.clone().into()),
        metrics_listen: args.metrics_listen,
        releases: args.releases.clone(),
    };
    let server = start(config).await.context("starting the platform")?;
    if let Some(ca) = &server.dev_ca {
        println!("dev CA certificate (trust this on desks): {}", ca.display());
    }
    println!("listening on https://{}", server.addr);
    if let Some(addr) = server.operator_addr {
        println!("operator pages and API on https://{addr}");
    }
    // Ctrl-C or SIGTERM (systemd's stop): requests in flight finish first.
    let stop = async {
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("a SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    server.run_until(stop).await.context("server stopped")?;
    Ok(())
}
