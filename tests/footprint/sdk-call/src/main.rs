//! One search through the SDK: `IMPRINT_API_KEY` and `IMPRINT_BASE_URL` say where.

use imprint::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), imprint::Error> {
    let client = imprint::Client::from_env()?;
    let found = client
        .search_customers_post()
        .body_map(|body| body.limit(10u32))
        .call()
        .await?;
    for customer in &found.data {
        println!("{} {:?} {:?}", customer.id, customer.first_name, customer.last_name);
    }
    Ok(())
}
