//! Search Imprint customers and stream the results across pages.
//!
//! ```text
//! cargo run --example search_customers
//! ```
//!
//! Without `IMPRINT_API_KEY` it starts the SDK's embedded fake server (300
//! synthetic customers on 127.0.0.1; no credentials, no network). With
//! `IMPRINT_API_KEY` set it calls the real API instead: the sandbox, or whatever
//! `IMPRINT_ENVIRONMENT` / `IMPRINT_BASE_URL` say.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use futures::TryStreamExt;
use imprint::prelude::*;
use imprint::types::{Customer, DateOfBirth};
use imprint::{Client, Ssn};
use imprint_mock::FakeImprint;

/// Rows of the table the example prints.
const ROWS: usize = 12;

/// Customers per page.
const PAGE_SIZE: u32 = 50;

/// An exact-match search to run after the listing: an SSN and a date of birth.
pub struct Probe {
    /// The SSN to search by.
    pub ssn: Ssn,
    /// The date of birth to search by.
    pub date_of_birth: DateOfBirth,
}

/// What the example found.
pub struct Summary {
    /// Pages received.
    pub pages: usize,
    /// Customers received.
    pub customers: usize,
}

/// Lists customers page by page (at most `max` of them), prints a progress line
/// per page and a table, then runs `probe`.
pub async fn run(
    client: &Client,
    max: u64,
    probe: Option<Probe>,
    out: &mut impl Write,
) -> Result<Summary, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut customers: Vec<Customer> = Vec::new();
    let mut pages = client
        .search_customers_post()
        .body_map(|b| b)
        .paginate()
        .page_size(PAGE_SIZE)
        .max_items(max)
        .pages();
    let mut page_number = 0;
    while let Some(page) = pages.try_next().await? {
        page_number += 1;
        customers.extend(page.data);
        let total = page.total.map(|t| format!(" of {t}")).unwrap_or_default();
        writeln!(
            out,
            "  page {page_number}: {}{total} customers",
            customers.len()
        )?;
    }
    writeln!(
        out,
        "Found {} customers in {page_number} pages ({} ms).\n",
        customers.len(),
        started.elapsed().as_millis()
    )?;
    table(&customers, out)?;

    if let Some(Probe { ssn, date_of_birth }) = probe {
        let shown = format!(
            "{}-{:02}-{:02}",
            date_of_birth.year.unwrap_or(0),
            date_of_birth.month.map_or(0, |m| m.get()),
            date_of_birth.day.map_or(0, |d| d.get())
        );
        writeln!(
            out,
            "\nSearching by SSN ending {} and date of birth {shown}:",
            &ssn.expose_secret()[5..]
        )?;
        let found = client
            .search_customers_post()
            .body_map(|b| b.ssn(ssn).date_of_birth(date_of_birth))
            .call()
            .await?;
        for customer in &found.data {
            writeln!(
                out,
                "  match: {} ({})",
                name(customer),
                customer
                    .partner_customer_id
                    .as_ref()
                    .map_or("-", |p| p.as_str())
            )?;
        }
        writeln!(out, "  {} customer(s) matched", found.data.len())?;
    }
    Ok(Summary {
        pages: page_number,
        customers: customers.len(),
    })
}

fn name(customer: &Customer) -> String {
    format!(
        "{} {}",
        customer.first_name.as_deref().unwrap_or(""),
        customer.last_name.as_deref().unwrap_or("")
    )
    .trim()
    .to_string()
}

fn table(customers: &[Customer], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<14} {:<18} {:<14} {:<10}  {:<11} CARD",
        "ID", "NAME", "PARTNER ID", "BORN", "SSN"
    )?;
    for customer in customers.iter().take(ROWS) {
        let id = &customer.id;
        let short_id = if id.len() > 13 {
            format!("{}…{}", &id[..8], &id[id.len() - 4..])
        } else {
            id.clone()
        };
        let born = customer
            .date_of_birth
            .as_ref()
            .map_or_else(String::new, |d| {
                format!(
                    "{}-{:02}-{:02}",
                    d.year.unwrap_or(0),
                    d.month.map_or(0, |m| m.get()),
                    d.day.map_or(0, |d| d.get())
                )
            });
        let status = customer
            .statuses
            .values()
            .next()
            .map(ToString::to_string)
            .unwrap_or_default();
        writeln!(
            out,
            "{short_id:<14} {:<18} {:<14} {born:<10}  ***-**-{:<4} {status}",
            name(customer),
            customer
                .partner_customer_id
                .as_ref()
                .map_or("-", |p| p.as_str()),
            customer.ssn4.as_deref().unwrap_or("????"),
        )?;
    }
    if customers.len() > ROWS {
        writeln!(out, "… and {} more", customers.len() - ROWS)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut out = std::io::stdout();
    let result = match std::env::var_os("IMPRINT_API_KEY") {
        Some(_) => real_api(&mut out).await,
        None => fake_server(&mut out).await,
    };
    match result {
        Ok(summary) if summary.customers > 0 || std::env::var_os("IMPRINT_API_KEY").is_some() => {
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("error: the search returned no customers");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(imprint::Error::Config(_)) = error.downcast_ref::<imprint::Error>() {
                eprintln!(
                    "hint: unset IMPRINT_API_KEY to run against the embedded fake server instead"
                );
            }
            ExitCode::FAILURE
        }
    }
}

async fn fake_server(out: &mut impl Write) -> Result<Summary, Box<dyn std::error::Error>> {
    let fake = FakeImprint::builder().customers(300).start().await?;
    writeln!(
        out,
        "IMPRINT_API_KEY is not set: searching the embedded fake server at {} (300 synthetic customers).",
        fake.base_url()
    )?;
    let client = fake.client()?;
    let sample = fake
        .customer(7)
        .ok_or("the fake data set has a customer 7")?;
    let date_of_birth = sample
        .customer
        .date_of_birth
        .clone()
        .ok_or("synthetic customers have a date of birth")?;
    let summary = run(
        &client,
        300,
        Some(Probe {
            ssn: sample.ssn,
            date_of_birth,
        }),
        out,
    )
    .await?;
    writeln!(
        out,
        "\n{} requests reached the fake server.",
        fake.requests()
    )?;
    Ok(summary)
}

async fn real_api(out: &mut impl Write) -> Result<Summary, Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    writeln!(
        out,
        "Searching customers at {} (first 100).",
        client.base_url()
    )?;
    run(&client, 100, None, out).await
}
