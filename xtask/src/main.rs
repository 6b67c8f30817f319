//! `cargo xtask codegen [--check]`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use xtask::{GENERATED, drift, generate, normalize::Summary, spec, workspace_root};

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen           regenerate sdk/src/generated.rs from openapi.yaml
  codegen --check   regenerate in memory and fail if sdk/src/generated.rs differs";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen(check) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\nnothing was written.");
            ExitCode::FAILURE
        }
    }
}

fn codegen(check: bool) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root = workspace_root();
    let spec = spec::load(&root.join("openapi.yaml")).map_err(|e| e.to_string())?;
    let generated = generate::generate(&spec).map_err(|e| format!("openapi.yaml: {e}"))?;
    let target = root.join(GENERATED);
    let lines = generated.code.lines().count();

    if check {
        let on_disk = std::fs::read_to_string(&target).ok();
        return Ok(
            match drift::diagnose(
                on_disk.as_deref(),
                &generated.code,
                drift::Stamp {
                    spec_sha256: &spec.sha256,
                    progenitor: generate::PROGENITOR_VERSION,
                    xtask: generate::XTASK_FINGERPRINT,
                },
            ) {
                None => {
                    println!(
                        "{GENERATED} is up to date with openapi.yaml ({lines} lines, {:.2?}).",
                        started.elapsed()
                    );
                    ExitCode::SUCCESS
                }
                Some(drift) => {
                    eprintln!("drift: {drift}.");
                    if let Some(on_disk) = on_disk {
                        eprintln!(
                            "first differences:\n{}",
                            drift::first_differences(&on_disk, &generated.code, 30)
                        );
                    }
                    eprintln!("fix: run `cargo xtask codegen` and commit {GENERATED}.");
                    ExitCode::FAILURE
                }
            },
        );
    }

    std::fs::write(&target, &generated.code)
        .map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
    let report = format!(
        "generated {GENERATED} from openapi.yaml (sha256 {}…) with progenitor {}\n  \
         operations generated: {}\n  types generated: {}\n  lines: {lines}\n\
         normalized in memory (openapi.yaml itself is never edited):\n{}done in {:.2?}\n",
        &spec.sha256[..12],
        generate::PROGENITOR_VERSION,
        generated.operations,
        generated.types,
        Summary(&generated.rewrites),
        started.elapsed()
    );
    // The file is written; a closed stdout (`| head`) only loses the report.
    let _ = std::io::stdout().lock().write_all(report.as_bytes());
    Ok(ExitCode::SUCCESS)
}
