//! The partner's service: one search, wherever `IMPRINT_BASE_URL` points.

use imprint::prelude::*;

/// How many customers a search finds.
async fn count(client: &imprint::Client) -> Result<usize, imprint::Error> {
    let found = client
        .search_customers_post()
        .body_map(|body| body.limit(10u32))
        .call()
        .await?;
    Ok(found.data.len())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), imprint::Error> {
    let client = imprint::Client::from_env()?;
    println!("{} customers", count(&client).await?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn finds_the_fakes_customers() {
        let fake = imprint_mock::FakeImprint::start().await.unwrap();
        assert_eq!(super::count(&fake.client().unwrap()).await.unwrap(), 10);
    }
}
