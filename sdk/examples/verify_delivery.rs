//! Finds out which reading of Imprint's webhook docs one captured delivery
//! matches, and prints the `Webhook` configuration to use.
//!
//! ```text
//! export IMPRINT_WEBHOOK_SECRET=<your signing token>
//! cargo run -p imprint-sdk --example verify_delivery -- \
//!     --header 't=1723493048949,s=…' --body-file delivery.json
//! ```
//!
//! `--header` is the value of the `X-IMPRINT-HMAC-SIGNATURE` header (a leading
//! `X-IMPRINT-HMAC-SIGNATURE:` is dropped); `--body-file` holds the request body
//! byte for byte. The secret comes from the environment, so it stays out of the
//! shell history and the process list. Neither the secret nor the body is
//! printed. Exit status: 0 when a reading matches, 1 when none does, 2 when
//! the input is unusable.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use imprint::webhook::{Diagnosis, KeyReading, MessageReading, Reading, SIGNATURE_HEADER, Webhook};

/// The environment variable holding the signing token.
pub const SECRET_VARIABLE: &str = "IMPRINT_WEBHOOK_SECRET";

/// What went wrong before anything could be checked.
pub type Unusable = String;

/// The command line: `--header <value> --body-file <path>` (or `--name=value`).
pub struct Args {
    /// The signature header's value.
    pub header: String,
    /// The file holding the body.
    pub body_file: PathBuf,
}

impl Args {
    /// Reads the arguments (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, Unusable> {
        let (mut header, mut body_file) = (None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_string(), Some(value.to_string()))
                }
                _ => (arg, None),
            };
            let slot = match name.as_str() {
                "--header" => &mut header,
                "--body-file" => &mut body_file,
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            };
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("`{name}` needs a value\n{USAGE}"))?;
            *slot = Some(value);
        }
        let header = header.ok_or_else(|| format!("`--header` is missing\n{USAGE}"))?;
        let body_file = body_file.ok_or_else(|| format!("`--body-file` is missing\n{USAGE}"))?;
        Ok(Args {
            header: strip_header_name(&header).to_string(),
            body_file: PathBuf::from(body_file),
        })
    }
}

const USAGE: &str = "usage: IMPRINT_WEBHOOK_SECRET=<signing token> verify_delivery --header '<X-IMPRINT-HMAC-SIGNATURE value>' --body-file <file with the raw body>";

/// A header pasted with its name keeps only its value.
fn strip_header_name(header: &str) -> &str {
    let trimmed = header.trim();
    match trimmed.split_once(':') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case(SIGNATURE_HEADER) => value.trim(),
        _ => trimmed,
    }
}

/// The secret from `value` (the environment variable's), or how to set it.
pub fn secret_from(value: Option<std::ffi::OsString>) -> Result<String, Unusable> {
    let how = format!(
        "set it to the signing token you were given at event enrollment, e.g.\n    export {SECRET_VARIABLE}='<your signing token>'\n(read from the environment so it stays out of shell history and the process list)"
    );
    match value.map(|v| v.into_string()) {
        None => Err(format!("{SECRET_VARIABLE} is not set: {how}")),
        Some(Err(_)) => Err(format!("{SECRET_VARIABLE} is not valid UTF-8: {how}")),
        Some(Ok(secret)) if secret.trim().is_empty() => {
            Err(format!("{SECRET_VARIABLE} is empty: {how}"))
        }
        Some(Ok(secret)) => Ok(secret),
    }
}

/// Checks the delivery under every reading and prints the report, and the
/// configuration when a reading matches. `Ok(true)`: a reading matches.
pub fn run(args: &Args, secret: String, out: &mut impl Write) -> Result<bool, Unusable> {
    let body = std::fs::read(&args.body_file)
        .map_err(|e| format!("cannot read {}: {e}", args.body_file.display()))?;
    let webhook = Webhook::new(secret);
    let diagnose = |body: &[u8]| -> Result<Diagnosis, Unusable> {
        webhook
            .diagnose(body, &args.header)
            .map_err(|e| e.to_string())
    };
    let diagnosis = diagnose(&body)?;
    writeln!(
        out,
        "A body of {} bytes, checked with the secret from {SECRET_VARIABLE}.\n{diagnosis}\n",
        body.len()
    )
    .map_err(io)?;
    if let Some(reading) = diagnosis.recommended() {
        write!(out, "{}", configuration(reading)).map_err(io)?;
        return Ok(true);
    }
    writeln!(
        out,
        "No reading verifies this delivery with this secret. Check that the secret is the signing token of the enrollment that sent it (sandbox and production differ), that the body file holds the request body byte for byte, and that the header is complete."
    )
    .map_err(io)?;
    // Editors and copy-paste add a final line break that the request did not have.
    if let Some(trimmed) = body.strip_suffix(b"\n") {
        let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
        if let Some(reading) = diagnose(trimmed)?.recommended() {
            writeln!(
                out,
                "Without the file's final line break, it verifies under: {reading}. Your editor or capture tool probably added the line break; the request body did not have it."
            )
            .map_err(io)?;
        }
    }
    Ok(false)
}

fn io(error: std::io::Error) -> Unusable {
    format!("cannot write the report: {error}")
}

/// The matching reading, and the code that configures a verifier for it.
/// The Rust expression that builds a `Webhook` with `reading`, given the
/// expression for the secret; default readings are left out, so the default
/// combination is just `Webhook::new(<secret>)`. The readings' `Debug` is
/// their variant's name.
fn rust_code(reading: Reading, secret: &str) -> String {
    let mut code = format!("Webhook::new({secret})");
    if reading.key != KeyReading::default() {
        code.push_str(&format!(
            "\n    .key_reading(KeyReading::{:?})",
            reading.key
        ));
    }
    if reading.message != MessageReading::default() {
        code.push_str(&format!(
            "\n    .message_reading(MessageReading::{:?})",
            reading.message
        ));
    }
    code
}

fn configuration(reading: Reading) -> String {
    let mut imports = vec![];
    if reading.key != KeyReading::default() {
        imports.push("KeyReading");
    }
    if reading.message != MessageReading::default() {
        imports.push("MessageReading");
    }
    imports.push("Webhook");
    let code = rust_code(reading, &format!("std::env::var(\"{SECRET_VARIABLE}\")?"));
    format!(
        "Matches: {reading}.\nConfigure your verifier with:\n\n    use imprint::webhook::{{{}}};\n\n    let webhook = {};\n",
        imports.join(", "),
        code.replace('\n', "\n    ")
    )
}

fn main() -> ExitCode {
    let outcome = Args::parse(std::env::args().skip(1)).and_then(|args| {
        let secret = secret_from(std::env::var_os(SECRET_VARIABLE))?;
        run(&args, secret, &mut std::io::stdout())
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
