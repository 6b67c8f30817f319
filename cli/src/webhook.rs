//! `imprint webhook verify | diagnose | sign | send`: the SDK's webhook
//! verification (`imprint::webhook`) and the fake's signed sample deliveries.
//! The signing secret is read from an environment variable, never a flag, so
//! it stays out of shell history and the process list; it is never printed.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;
use clap::{Arg, ArgMatches, Command, builder::PossibleValuesParser};
use imprint::webhook::{KeyReading, MessageReading, Reading, SIGNATURE_HEADER, Webhook};

use crate::exit;

/// The command's name.
pub const NAME: &str = "webhook";

/// The variable `--secret-env` names unless told otherwise.
const DEFAULT_SECRET_VARIABLE: &str = "IMPRINT_WEBHOOK_SECRET";

/// The `--key-reading` values, each with its reading of the docs' "signing
/// token (hashed with SHA-256)".
const KEY_READINGS: [(&str, KeyReading); 3] = [
    ("token", KeyReading::Token),
    ("sha256", KeyReading::Sha256OfToken),
    ("sha256-hex", KeyReading::Sha256HexOfToken),
];

/// The `--message-reading` values: what follows `t.` in the signed message.
const MESSAGE_READINGS: [(&str, MessageReading); 2] = [
    ("raw", MessageReading::RawBody),
    ("canonical", MessageReading::CanonicalJson),
];

/// `webhook` and its subcommands.
pub fn command() -> Command {
    Command::new(NAME)
        .about("Verify, diagnose, sign and send Imprint webhook deliveries")
        .subcommand_required(true)
        .subcommand(
            Command::new("verify")
                .about("Exit 0 when the delivery verifies; otherwise print why and exit 9")
                .args(secret())
                .args(delivery())
                .args(readings()),
        )
        .subcommand(
            Command::new("diagnose")
                .about("Which readings of Imprint's signing docs the delivery matches, and the configuration to use")
                .args(secret())
                .args(delivery()),
        )
        .subcommand(
            Command::new("sign")
                .about(format!("Print a {SIGNATURE_HEADER} value for a body, signed now"))
                .args(secret())
                .arg(body_file())
                .args(readings()),
        )
        .subcommand(
            Command::new("send")
                .about("POST a signed sample delivery of one event kind to a local receiver")
                .args(secret())
                .arg(
                    Arg::new("to")
                        .long("to")
                        .required(true)
                        .value_name("URL")
                        .help("The receiver (http(s) on a loopback host only)"),
                )
                .arg(
                    Arg::new("kind")
                        .long("kind")
                        .required(true)
                        .value_parser(PossibleValuesParser::new(imprint_mock::EVENT_KINDS))
                        .ignore_case(true)
                        .help("The event kind (the payload's `object`)"),
                ),
        )
}

fn secret() -> [Arg; 1] {
    [Arg::new("secret-env")
        .long("secret-env")
        .value_name("VAR")
        .default_value(DEFAULT_SECRET_VARIABLE)
        .help("The environment variable holding the signing token")]
}

fn body_file() -> Arg {
    Arg::new("body-file")
        .long("body-file")
        .value_name("FILE")
        .value_parser(clap::value_parser!(PathBuf))
        .help("The body, byte for byte (default: stdin)")
}

fn delivery() -> [Arg; 2] {
    [
        Arg::new("signature")
            .long("signature")
            .required(true)
            .value_name("HEADER")
            .help(format!("The {SIGNATURE_HEADER} header's value (`t=…,s=…`; a leading header name is dropped)")),
        body_file(),
    ]
}

fn readings() -> [Arg; 2] {
    [
        Arg::new("key-reading")
            .long("key-reading")
            .value_parser(PossibleValuesParser::new(
                KEY_READINGS.map(|(name, _)| name),
            ))
            .default_value("token")
            .help("The HMAC key: the token, its SHA-256, or its SHA-256 in hex"),
        Arg::new("message-reading")
            .long("message-reading")
            .value_parser(PossibleValuesParser::new(
                MESSAGE_READINGS.map(|(name, _)| name),
            ))
            .default_value("raw")
            .help("The signed message after `t.`: the raw body or its canonical JSON"),
    ]
}

/// Runs the chosen subcommand.
pub async fn run(matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand");
    };
    let webhook = Webhook::new(signing_token(sub)?);
    match name {
        "verify" => {
            let webhook = with_reading(webhook, sub);
            match webhook.verify(&body(sub)?, Some(&header(sub))) {
                Ok(()) => {
                    println!("verified ({})", webhook.reading());
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => {
                    eprintln!("does not verify: {error}");
                    Ok(ExitCode::from(exit::NOT_VERIFIED))
                }
            }
        }
        "diagnose" => {
            let diagnosis = webhook.diagnose(&body(sub)?, &header(sub))?;
            println!("{diagnosis}");
            match diagnosis.recommended() {
                Some(reading) => {
                    println!("\n{}", configuration(reading));
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    println!(
                        "\nNo reading verifies this delivery with this token: check that it is the signing token of the enrollment that sent it (sandbox and production differ), that the body is byte for byte the request's, and that the header is complete."
                    );
                    Ok(ExitCode::from(exit::NOT_VERIFIED))
                }
            }
        }
        "sign" => {
            let webhook = with_reading(webhook, sub);
            println!("{}", webhook.sign(&body(sub)?, SystemTime::now()));
            Ok(ExitCode::SUCCESS)
        }
        "send" => send(sub).await,
        other => unreachable!("`webhook {other}` is not declared"),
    }
}

/// Signs a sample of `--kind` with the token and POSTs it to `--to`.
async fn send(matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let kind = matches.get_one::<String>("kind").expect("required");
    let to = matches.get_one::<String>("to").expect("required");
    let sample = imprint_mock::sample_event(kind).expect("clap allows only the kinds with samples");
    let delivery = imprint_mock::deliver(to, &signing_token(matches)?, sample).await;
    let outcome = delivery
        .outcome
        .expect("a delivery to a URL has an outcome");
    let line = match &outcome {
        Ok(status) => serde_json::json!({ "kind": delivery.object, "status": status }),
        Err(why) => serde_json::json!({ "kind": delivery.object, "error": why }),
    };
    println!("{line}");
    Ok(match outcome {
        Ok(status) if (200..300).contains(&status) => ExitCode::SUCCESS,
        _ => ExitCode::from(exit::FAILURE),
    })
}

/// The token from the variable `--secret-env` names; an error names the
/// variable, never a value.
fn signing_token(matches: &ArgMatches) -> anyhow::Result<String> {
    let variable = matches
        .get_one::<String>("secret-env")
        .expect("has a default");
    match std::env::var(variable) {
        Ok(token) if !token.trim().is_empty() => Ok(token),
        Ok(_) => Err(configuration_error(variable, "is empty")),
        Err(std::env::VarError::NotPresent) => Err(configuration_error(variable, "is not set")),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(configuration_error(variable, "is not valid UTF-8"))
        }
    }
}

/// A missing token is a configuration error, like a missing API key.
fn configuration_error(variable: &str, reason: &'static str) -> anyhow::Error {
    exit::Configuration {
        variable: variable.to_string(),
        reason,
    }
    .into()
}

/// The body from `--body-file`, or stdin.
fn body(matches: &ArgMatches) -> anyhow::Result<Vec<u8>> {
    match matches.get_one::<PathBuf>("body-file") {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        }
        None => {
            let mut body = Vec::new();
            std::io::stdin().lock().read_to_end(&mut body)?;
            Ok(body)
        }
    }
}

/// `--signature`, without a leading `X-IMPRINT-HMAC-SIGNATURE:` pasted with it.
fn header(matches: &ArgMatches) -> String {
    let value = matches
        .get_one::<String>("signature")
        .expect("required")
        .trim();
    match value.split_once(':') {
        Some((name, rest)) if name.trim().eq_ignore_ascii_case(SIGNATURE_HEADER) => {
            rest.trim().to_string()
        }
        _ => value.to_string(),
    }
}

/// `webhook` with the readings `--key-reading` and `--message-reading` name.
fn with_reading(webhook: Webhook, matches: &ArgMatches) -> Webhook {
    let named = |arg: &str| {
        matches
            .get_one::<String>(arg)
            .expect("has a default")
            .as_str()
    };
    let key = KEY_READINGS
        .iter()
        .find(|(name, _)| *name == named("key-reading"));
    let message = MESSAGE_READINGS
        .iter()
        .find(|(name, _)| *name == named("message-reading"));
    webhook
        .key_reading(key.expect("clap allows only these").1)
        .message_reading(message.expect("clap allows only these").1)
}

/// How to configure `reading`: as this command's flags, and in Rust.
fn configuration(reading: Reading) -> String {
    let key = KEY_READINGS.iter().find(|(_, key)| *key == reading.key);
    let message = MESSAGE_READINGS
        .iter()
        .find(|(_, message)| *message == reading.message);
    let (Some((key_flag, _)), Some((message_flag, _))) = (key, message) else {
        return format!("Configure: {reading}");
    };
    format!(
        "Configure: {reading}\n  imprint webhook verify --key-reading {key_flag} --message-reading {message_flag} …\n  Webhook::new(token).key_reading(KeyReading::{:?}).message_reading(MessageReading::{:?})",
        reading.key, reading.message
    )
}
