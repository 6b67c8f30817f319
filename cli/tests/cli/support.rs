//! A fake Imprint in the test process, and the `imprint` command pointed at it.

use std::process::Output;

use assert_cmd::Command;
use imprint_mock::{FakeImprint, FakeImprintBuilder};

/// A fake serving on its own runtime while the test thread runs the binary.
pub struct Fake {
    pub fake: FakeImprint,
    // Declared after `fake`, so the fake stops before its runtime does.
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    /// Starts `builder` on a runtime of its own.
    pub fn start(builder: FakeImprintBuilder) -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let fake = runtime.block_on(builder.start()).unwrap();
        Fake {
            fake,
            _runtime: runtime,
        }
    }

    /// `imprint <args> --base-url <fake>` with the fake's key in
    /// `IMPRINT_API_KEY` and nothing else in the environment.
    pub fn imprint(&self, args: &[&str]) -> Command {
        let mut command = imprint();
        command
            .env("IMPRINT_API_KEY", self.fake.api_key())
            .args(args)
            .args(["--base-url", &self.fake.base_url()]);
        command
    }
}

/// The built `imprint` with an empty environment.
pub fn imprint() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_imprint"));
    command.env_clear();
    command
}

/// stdout and stderr as text.
pub fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8(output.stdout.clone()).unwrap(),
        String::from_utf8(output.stderr.clone()).unwrap(),
    )
}

/// Fails if `secret` appears in stdout or stderr.
pub fn assert_not_printed(output: &Output, secret: &str, what: &str) {
    let (stdout, stderr) = texts(output);
    assert!(!stdout.contains(secret), "{what} on stdout: {stdout}");
    assert!(!stderr.contains(secret), "{what} on stderr: {stderr}");
}
