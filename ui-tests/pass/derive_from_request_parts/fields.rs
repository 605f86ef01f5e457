// Every field source: `#[query]` (by name, by key, optional), `#[header]` (by name, derived from the
// field name, optional), `#[param]` (by name, renamed) and a plain extractor field.
use velocy::test::TestClient;
use velocy::{get, routes, App, FromRequestParts, Method};

#[derive(FromRequestParts)]
struct Listing {
    #[query]
    page: u32,
    #[query("per_page")]
    limit: Option<u32>,
    #[header("x-api-key")]
    key: String,
    #[header]
    x_trace: Option<String>,
    #[param]
    org: String,
    #[param("team")]
    team_name: String,
    method: Method,
}

#[get("/orgs/:org/teams/:team")]
async fn list(listing: Listing, org: String, team: String) -> String {
    assert_eq!((listing.org.as_str(), listing.team_name.as_str()), (org.as_str(), team.as_str()));
    format!(
        "{} {} page={} limit={:?} key={} trace={:?} {}/{}",
        listing.method, listing.org, listing.page, listing.limit, listing.key, listing.x_trace, org, team
    )
}

#[velocy::main]
async fn main() {
    let client = TestClient::new(App::new().routes(routes![list]));
    client
        .get("/orgs/acme/teams/web?page=2")
        .header("x-api-key", "k")
        .await
        .assert_text("GET acme page=2 limit=None key=k trace=None acme/web");
    client
        .get("/orgs/acme/teams/web?page=2&per_page=10")
        .header("x-api-key", "k")
        .header("x-trace", "t")
        .await
        .assert_text("GET acme page=2 limit=Some(10) key=k trace=Some(\"t\") acme/web");
    // Missing required values and malformed ones answer 400.
    client.get("/orgs/acme/teams/web").header("x-api-key", "k").await.assert_status(400);
    client.get("/orgs/acme/teams/web?page=2").await.assert_status(400);
    client.get("/orgs/acme/teams/web?page=x").header("x-api-key", "k").await.assert_status(400);
}
