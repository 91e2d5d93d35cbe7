//! `certdesk-platform`: run the central platform from a terminal.
//!
//! This binary only reads flags, sets up logging and calls the library; it must never contain
//! a rule of its own.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use certdesk_platform::checks::{CheckProvider, WatchList};
use certdesk_platform::ids::SystemIds;
use certdesk_platform::{keys, start, ServerConfig, TlsSource};
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
    Serve(ServeArgs),
    /// Operator accounts for the operator pages (`/operator/`).
    #[command(subcommand)]
    Operator(OperatorCommand),
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Create an operator, or set a new password for one (which also lifts a lockout and
    /// ends their sessions). The password is read from stdin unless --password-env names a
    /// variable holding it; it is never a flag, so it stays out of shell history and `ps`.
    Add(OperatorAddArgs),
}

#[derive(Args)]
struct OperatorAddArgs {
    /// The platform's data directory.
    #[arg(long, env = "CERTDESK_PLATFORM_DATA")]
    data_dir: PathBuf,
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
    if let Err((zh, en)) = auth::check_new_password(&password) {
        bail!("{zh} / {en}");
    }
    let hash = auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    certdesk_platform::files::create_dir(&args.data_dir)?;
    let store = certdesk_platform::store::sqlite::SqliteStore::open(&args.data_dir)?;
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
    /// Directory for the database (and dev TLS files, and the generated operator token).
    #[arg(long, env = "CERTDESK_PLATFORM_DATA")]
    data_dir: PathBuf,
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
    /// File holding the operator's bearer token; default: DATA_DIR/operator-token, created
    /// with a random token on first run.
    #[arg(long)]
    operator_token_file: Option<PathBuf>,
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
    /// Log as JSON lines (for log collectors).
    #[arg(long)]
    log_json: bool,
}

fn operator_token(args: &ServeArgs) -> Result<String> {
    if let Some(path) = &args.operator_token_file {
        let token =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let token = token.trim().to_owned();
        if token.len() < 16 {
            bail!(
                "the operator token in {} is shorter than 16 characters",
                path.display()
            );
        }
        return Ok(token);
    }
    let path = args.data_dir.join("operator-token");
    if path.exists() {
        return Ok(std::fs::read_to_string(&path)?.trim().to_owned());
    }
    certdesk_platform::files::create_dir(&args.data_dir)?;
    let token = keys::device_secret();
    write_private(&path, &token)?;
    eprintln!("operator token written to {}", path.display());
    Ok(token)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> Result<()> {
    Ok(std::fs::write(path, contents)?)
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Serve(args) => args,
        Command::Operator(OperatorCommand::Add(args)) => return operator_add(&args),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
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
        data_dir: args.data_dir.clone(),
        listen: args.listen,
        tls,
        operator_token: operator_token(&args)?,
        providers,
        public_url: args.public_url.clone(),
        validity_days: args.validity_days,
        clock: Arc::new(chrono::Utc::now),
        ids: Arc::new(SystemIds),
        limits: certdesk_platform::limits::Limits::default(),
    };
    let server = start(config).await.context("starting the platform")?;
    if let Some(ca) = &server.dev_ca {
        println!("dev CA certificate (trust this on desks): {}", ca.display());
    }
    println!("listening on https://{}", server.addr);
    tokio::select! {
        r = server.wait() => r.context("server stopped")?,
        _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
    }
    Ok(())
}
