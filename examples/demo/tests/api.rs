//! The demo's API: every route, its errors, and one pass over a real socket.

#![allow(clippy::unwrap_used, missing_docs)]

use demo::store::UserStore;
use demo::uploads::UploadDir;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use velocy::test::{TestClient, TestServer};

fn client() -> TestClient {
    TestClient::new(demo::app(UserStore::default(), UploadDir::temporary().unwrap()))
}

async fn create(client: &TestClient, name: &str, email: &str) -> Value {
    client
        .post("/api/users")
        .json(&json!({ "name": name, "email": email }))
        .send()
        .await
        .assert_status(201)
        .json()
}

#[tokio::test]
async fn health() {
    client().get("/health").send().await.assert_status(200).assert_json(&json!({ "status": "ok" }));
}

#[tokio::test]
async fn create_then_read_back() {
    let client = client();
    let response = client
        .post("/api/users")
        .json(&json!({ "name": "Ada", "email": "ada@example.com" }))
        .send()
        .await
        .assert_status(201)
        .assert_header("location", "/api/users/1");
    assert_eq!(response.json::<Value>(), json!({ "id": 1, "name": "Ada", "email": "ada@example.com" }));
    client.get("/api/users/1").send().await.assert_status(200).assert_json(&json!({
        "id": 1, "name": "Ada", "email": "ada@example.com"
    }));
}

#[tokio::test]
async fn create_rejects_bad_input() {
    let client = client();
    client
        .post("/api/users")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .assert_status(400);
    client.post("/api/users").json(&json!({ "name": "Ada" })).send().await.assert_status(422);
    let invalid =
        client.post("/api/users").json(&json!({ "name": "Ada", "email": "not-an-email" })).send().await;
    let problem: Value = invalid.assert_status(422).json();
    assert!(problem["detail"].as_str().unwrap().contains("email"), "{problem}");
    client.post("/api/users").json(&json!({ "name": "", "email": "a@b.co" })).send().await.assert_status(422);
    client.post("/api/users").body("name=Ada").send().await.assert_status(415);
}

#[tokio::test]
async fn list_pages_through_users() {
    let client = client();
    for index in 1..=5 {
        create(&client, &format!("user{index}"), &format!("u{index}@example.com")).await;
    }
    let page: Value = client.get("/api/users?page=2&per_page=2").send().await.assert_status(200).json();
    assert_eq!(page["total"], 5);
    let ids: Vec<u64> =
        page["users"].as_array().unwrap().iter().map(|user| user["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [3, 4]);
    client.get("/api/users?per_page=0").send().await.assert_status(400);
    client.get("/api/users?page=x").send().await.assert_status(400);
}

#[tokio::test]
async fn update_patch_and_delete() {
    let client = client();
    create(&client, "Ada", "ada@example.com").await;
    client
        .put("/api/users/1")
        .json(&json!({ "name": "Ada Lovelace", "email": "ada@lovelace.org" }))
        .send()
        .await
        .assert_status(200)
        .assert_json(&json!({ "id": 1, "name": "Ada Lovelace", "email": "ada@lovelace.org" }));
    client
        .patch("/api/users/1")
        .json(&json!({ "name": "Countess" }))
        .send()
        .await
        .assert_status(200)
        .assert_json(&json!({ "id": 1, "name": "Countess", "email": "ada@lovelace.org" }));
    client.patch("/api/users/1").json(&json!({ "email": "x" })).send().await.assert_status(422);
    client.delete("/api/users/1").send().await.assert_status(204);
    client.get("/api/users/1").send().await.assert_status(404);
    client.delete("/api/users/1").send().await.assert_status(404);
    client
        .put("/api/users/9")
        .json(&json!({ "name": "N", "email": "n@x.io" }))
        .send()
        .await
        .assert_status(404);
}

#[tokio::test]
async fn ids_must_be_numeric() {
    let problem: Value = client().get("/api/users/abc").send().await.assert_status(400).json();
    assert!(problem["detail"].as_str().unwrap().contains("`id`"), "{problem}");
}

#[tokio::test]
async fn serves_over_a_real_socket() {
    let server =
        TestServer::start(demo::app(UserStore::default(), UploadDir::temporary().unwrap())).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.address()).await.unwrap();
    let body = r#"{"name":"Grace","email":"grace@example.com"}"#;
    let request = format!(
        "POST /api/users HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 201 Created"), "{response}");
    assert!(response.contains("location: /api/users/1"), "{response}");
    assert!(response.ends_with(r#"{"id":1,"name":"Grace","email":"grace@example.com"}"#), "{response}");
}

#[tokio::test]
async fn users_are_listed_as_csv_when_asked() {
    let client = client();
    create(&client, "Ada, Countess", "ada@example.com").await;
    let response = client.get("/api/users").header("accept", "text/csv").send().await.assert_status(200);
    assert_eq!(response.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(response.text(), "id,name,email\n1,\"Ada, Countess\",ada@example.com\n");
    // `Vary` names `Accept` (content negotiation) next to the `Origin` the CORS middleware adds.
    let vary: Vec<&str> =
        response.headers().get_all("vary").iter().map(|value| value.to_str().unwrap()).collect();
    assert!(vary.contains(&"accept") && vary.contains(&"origin"), "{vary:?}");
    client.get("/api/users").header("accept", "image/png").send().await.assert_status(406);
}

#[tokio::test]
async fn writes_are_audited_by_route_middleware() {
    let client = client();
    create(&client, "Ada", "ada@example.com").await;
    client.delete("/api/users/1").send().await.assert_status(204);
    client.delete("/api/users/1").send().await.assert_status(404);
    client.get("/api/users/1").send().await.assert_status(404);
    let audit: Value = client.get("/api/audit").send().await.assert_status(200).json();
    assert_eq!(
        audit,
        json!([
            { "method": "POST", "path": "/api/users", "status": 201 },
            { "method": "DELETE", "path": "/api/users/1", "status": 204 },
            { "method": "DELETE", "path": "/api/users/1", "status": 404 },
        ])
    );
}

#[tokio::test]
async fn global_and_group_middleware_set_their_headers() {
    let client = client();
    let api = client.get("/api/users").send().await.assert_header("x-api-version", "1");
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(api.header("x-request-id").map(str::len), Some(32));
    let health = client.get("/health").header("x-request-id", "trace-42").send().await;
    assert!(health.header("x-api-version").is_none(), "group middleware stays on its group");
    assert_eq!(health.header("x-request-id"), Some("trace-42"));
}

#[tokio::test]
async fn browsers_get_an_html_404_and_api_clients_a_problem() {
    let client = client();
    let page = client.get("/nowhere").header("accept", "text/html").send().await.assert_status(404);
    assert!(page.text().contains("<h1>Nothing at /nowhere</h1>"), "{}", page.text());
    let problem = client.get("/nowhere").send().await.assert_status(404);
    assert_eq!(problem.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn users_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("velocy-demo-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    {
        let client =
            TestClient::new(demo::app(UserStore::open(&dir).unwrap(), UploadDir::temporary().unwrap()));
        create(&client, "Ada", "ada@example.com").await;
        create(&client, "Grace", "grace@example.com").await;
        create(&client, "Linus", "linus@example.com").await;
        client.delete("/api/users/2").send().await.assert_status(204);
        client.patch("/api/users/3").json(&json!({ "name": "Linus T." })).send().await.assert_status(200);
    }
    // A new app over the same directory, as after a restart.
    let client = TestClient::new(demo::app(UserStore::open(&dir).unwrap(), UploadDir::temporary().unwrap()));
    let page: Value = client.get("/api/users").send().await.assert_status(200).json();
    assert_eq!(page["total"], 2);
    assert_eq!(
        page["users"],
        json!([
            { "id": 1, "name": "Ada", "email": "ada@example.com" },
            { "id": 3, "name": "Linus T.", "email": "linus@example.com" }
        ])
    );
    client.get("/api/users/2").send().await.assert_status(404);
    // Ids are not reused: the next user gets 4.
    assert_eq!(create(&client, "Barbara", "barbara@example.com").await["id"], 4);
    drop(client);
    let _ = std::fs::remove_dir_all(&dir);
}
