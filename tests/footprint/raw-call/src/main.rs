//! The search of ../sdk-call by hand: `IMPRINT_API_KEY` and `IMPRINT_BASE_URL`
//! say where.

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Search {
    limit: u32,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<Customer>,
}

#[derive(Deserialize)]
struct Customer {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = std::env::var("IMPRINT_API_KEY")?;
    let base = std::env::var("IMPRINT_BASE_URL")?;
    let found: Page = reqwest::Client::new()
        .post(format!("{base}/v2/customers"))
        .basic_auth(key, Some(""))
        .json(&Search { limit: 10 })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for customer in &found.data {
        println!("{} {:?} {:?}", customer.id, customer.first_name, customer.last_name);
    }
    Ok(())
}
