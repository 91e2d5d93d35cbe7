//! The operating system's printing, behind one trait: listing the printers and handing a PDF
//! to one of them. CUPS (`lpstat`, `lp`) on Linux and macOS; the Windows print spooler (through
//! PowerShell: `Win32_Printer` lists the queues, the PDF goes to the chosen queue through the
//! PDF application Windows registers for printing) on Windows. [`system`] is this machine's;
//! nothing else in the desk knows which one it is.
//!
//! A printer's name never reaches a shell's command line as text: `lp` takes it as one
//! argument after `-d`, and PowerShell reads it from an environment variable.

use std::path::Path;
use std::process::Command;

use certdesk_store::{DeskError, DeskResult};

use crate::{messages, PrinterInfo};

/// A system's printing.
pub trait PrintSystem: Sync {
    /// The system's printers, the default one marked; empty when the system cannot be asked.
    fn printers(&self) -> Vec<PrinterInfo>;
    /// Sends the PDF at `pdf` to `printer` at its true size (the calibration corrects offset and
    /// scale, not the driver); answers the job's id where the system gives one.
    fn print_pdf(&self, printer: &str, pdf: &Path, title: &str) -> DeskResult<String>;
}

/// This machine's printing: the Windows spooler on Windows, CUPS everywhere else.
pub fn system() -> &'static dyn PrintSystem {
    #[cfg(windows)]
    {
        &WindowsSpooler
    }
    #[cfg(not(windows))]
    {
        &Cups
    }
}

/// A printer name no system is given: empty, an option's dash, a control character or a `/`
/// (a Windows network printer's `\\server\queue` is a name).
pub fn check_printer_name(printer: &str) -> DeskResult<()> {
    if printer.is_empty() || printer.starts_with('-') || printer.chars().any(|c| c.is_control() || c == '/') {
        return Err(messages::printer_name_invalid(printer));
    }
    Ok(())
}

/// CUPS (Linux, macOS): `lpstat` lists, `lp` prints.
pub struct Cups;

impl PrintSystem for Cups {
    fn printers(&self) -> Vec<PrinterInfo> {
        let default = Command::new("lpstat")
            .arg("-d")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).rsplit(':').next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let Ok(out) = Command::new("lpstat").arg("-e").output() else {
            return Vec::new();
        };
        if !out.status.success() {
            return Vec::new();
        }
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|name| PrinterInfo { name: name.to_string(), is_default: name == default })
            .collect()
    }

    fn print_pdf(&self, printer: &str, pdf: &Path, title: &str) -> DeskResult<String> {
        check_printer_name(printer)?;
        let output = Command::new("lp")
            .args(["-d", printer, "-t", title, "-o", "print-scaling=none", "-o", "fit-to-page=false", "--"])
            .arg(pdf)
            .output()
            .map_err(messages::no_cups)?;
        if !output.status.success() {
            let why = String::from_utf8_lossy(&output.stderr).trim().to_string();
            return Err(messages::print_failed(printer, &why));
        }
        // "request id is Queue-12 (1 file(s))"
        let said = String::from_utf8_lossy(&output.stdout);
        Ok(said.split_whitespace().nth(3).unwrap_or("").to_string())
    }
}

/// The Windows print spooler, through PowerShell (present on every supported Windows).
pub struct WindowsSpooler;

impl WindowsSpooler {
    /// Lists the queues as JSON: one object, or an array of them, with `Name` and `Default`.
    pub const LIST: &'static str =
        "Get-CimInstance -ClassName Win32_Printer | Select-Object Name,Default | ConvertTo-Json -Compress";

    /// Prints `$env:CERTDESK_PDF` on the queue `$env:CERTDESK_PRINTER` with the application
    /// registered to print PDFs (its `PrintTo` verb), waiting for it to hand the job over.
    /// Fails, with what Windows said, when the queue does not exist or nothing can print a PDF.
    pub const PRINT: &'static str = concat!(
        "$ErrorActionPreference = 'Stop'; ",
        "$q = Get-CimInstance -ClassName Win32_Printer | Where-Object { $_.Name -eq $env:CERTDESK_PRINTER }; ",
        "if (-not $q) { throw ('no such printer: ' + $env:CERTDESK_PRINTER) }; ",
        "$p = Start-Process -FilePath $env:CERTDESK_PDF -Verb PrintTo -ArgumentList ('\"' + $env:CERTDESK_PRINTER + '\"') -WindowStyle Hidden -PassThru; ",
        "if (-not $p.WaitForExit(120000)) { throw 'the PDF application did not finish within 2 minutes' }; ",
        "'spooled'"
    );

    fn powershell(script: &str) -> Command {
        let mut c = Command::new("powershell.exe");
        c.args(["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script]);
        c
    }

    /// The queues in `Win32_Printer`'s JSON (one object when there is one printer).
    pub fn parse_printers(json: &str) -> Vec<PrinterInfo> {
        #[derive(serde::Deserialize)]
        struct Queue {
            #[serde(rename = "Name")]
            name: String,
            #[serde(rename = "Default", default)]
            default: Option<bool>,
        }
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            Many(Vec<Queue>),
            One(Queue),
        }
        let queues = match serde_json::from_str::<OneOrMany>(json.trim()) {
            Ok(OneOrMany::Many(v)) => v,
            Ok(OneOrMany::One(q)) => vec![q],
            Err(_) => Vec::new(),
        };
        queues.into_iter().map(|q| PrinterInfo { name: q.name, is_default: q.default == Some(true) }).collect()
    }

    /// The command that prints `pdf` on `printer` (both given to PowerShell as environment
    /// variables, never as script text).
    pub fn print_command(printer: &str, pdf: &Path) -> Command {
        let mut c = Self::powershell(Self::PRINT);
        c.env("CERTDESK_PRINTER", printer).env("CERTDESK_PDF", pdf);
        c
    }
}

impl PrintSystem for WindowsSpooler {
    fn printers(&self) -> Vec<PrinterInfo> {
        match Self::powershell(Self::LIST).output() {
            Ok(out) if out.status.success() => Self::parse_printers(&String::from_utf8_lossy(&out.stdout)),
            _ => Vec::new(),
        }
    }

    fn print_pdf(&self, printer: &str, pdf: &Path, _title: &str) -> DeskResult<String> {
        check_printer_name(printer)?;
        let output = Self::print_command(printer, pdf).output().map_err(messages::no_windows_spooler)?;
        if !output.status.success() {
            let why = String::from_utf8_lossy(&output.stderr).trim().to_string();
            return Err(messages::print_failed(printer, &why));
        }
        // The spooler's job id stays inside the PDF application.
        Ok(String::new())
    }
}

/// What a PDF is written to before a system prints it: a temporary file that lives as long as
/// the returned handle.
pub(crate) fn spool_file(pdf: &[u8]) -> DeskResult<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().map_err(DeskError::internal)?;
    file.write_all(pdf).map_err(DeskError::internal)?;
    file.flush().map_err(DeskError::internal)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_queues_read_from_one_object_or_an_array() {
        let many = r#"[{"Name":"Evolis Primacy","Default":true},{"Name":"Microsoft Print to PDF","Default":false}]"#;
        let got = WindowsSpooler::parse_printers(many);
        assert_eq!(got.iter().map(|p| (p.name.as_str(), p.is_default)).collect::<Vec<_>>(), [("Evolis Primacy", true), ("Microsoft Print to PDF", false)]);
        let one = WindowsSpooler::parse_printers(r#"{"Name":"证卡打印机","Default":null}"#);
        assert_eq!(one.iter().map(|p| (p.name.as_str(), p.is_default)).collect::<Vec<_>>(), [("证卡打印机", false)]);
        assert!(WindowsSpooler::parse_printers("").is_empty(), "no printers: PowerShell prints nothing");
        assert!(WindowsSpooler::parse_printers("Get-CimInstance : Access denied").is_empty());
    }

    #[test]
    fn a_printer_name_reaches_powershell_as_a_variable_never_as_script() {
        let hostile = "x'; Remove-Item C:\\ -Recurse; '";
        let cmd = WindowsSpooler::print_command(hostile, Path::new("C:\\Temp\\cards.pdf"));
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(args.iter().all(|a| !a.contains("Remove-Item")), "{args:?}");
        assert_eq!(args.last().map(String::as_str), Some(WindowsSpooler::PRINT));
        let env: Vec<_> = cmd.get_envs().map(|(k, v)| (k.to_string_lossy().into_owned(), v.map(|v| v.to_string_lossy().into_owned()))).collect();
        assert!(env.contains(&("CERTDESK_PRINTER".into(), Some(hostile.into()))), "{env:?}");
        // And a name no system is given is refused before any is asked.
        for bad in ["", "-d", "a/b", "a\nb"] {
            assert!(check_printer_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_printer_name("Evolis Primacy").is_ok());
        assert!(check_printer_name("\\\\print-server\\证卡").is_ok(), "a Windows network printer");
    }
}
