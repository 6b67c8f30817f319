//! The signals that stop a standalone fake (feature `serve`).

use std::future::Future;

/// A future that completes at the first Ctrl-C (SIGINT) or, on Unix, SIGTERM:
/// what a terminal, a process supervisor or a test harness sends to stop a
/// server. On Unix the handlers are installed when this returns, so a signal
/// sent as soon as the fake printed its ready line is not lost. Fails if they
/// cannot be installed; needs a Tokio runtime with I/O enabled.
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let fake = imprint_mock::FakeImprint::start().await?;
/// let stop = imprint_mock::shutdown_signal()?;
/// println!("{}", fake.ready().json_line());
/// fake.serve_until(stop).await;
/// # Ok(()) }
/// ```
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};

        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            let interrupted = std::pin::pin!(interrupt.recv());
            let terminated = std::pin::pin!(terminate.recv());
            futures_util::future::select(interrupted, terminated).await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            // Without the handler, Ctrl-C ends the process anyway.
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
