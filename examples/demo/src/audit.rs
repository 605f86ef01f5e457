//! The audit log: a route middleware records every change to users, and `GET /api/audit` lists them.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use velocy::prelude::*;

/// One recorded change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// The method of the change (`POST`, `PUT`, `PATCH`, `DELETE`).
    pub method: String,
    /// The path it was made on.
    pub path: String,
    /// The status it was answered with.
    pub status: u16,
}

/// The changes made since start, oldest first, capped at [`AuditLog::CAPACITY`] entries.
#[derive(Debug, Clone, Default)]
pub struct AuditLog {
    entries: Arc<Mutex<Vec<AuditEntry>>>,
}

impl AuditLog {
    /// How many entries are kept; older ones are dropped.
    pub const CAPACITY: usize = 1_000;

    fn record(&self, entry: AuditEntry) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == Self::CAPACITY {
            entries.remove(0);
        }
        entries.push(entry);
    }

    /// A copy of the entries.
    pub fn entries(&self) -> Vec<AuditEntry> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// Route middleware on every write: lets the handler answer, then records method, path and status.
#[middleware]
pub async fn audit(State(log): State<AuditLog>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    log.record(AuditEntry { method, path, status: response.status().as_u16() });
    response
}

/// Group middleware on the whole API: tells clients which version answered.
#[middleware]
pub async fn api_version(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-api-version", velocy::HeaderValue::from_static("1"));
    response
}

/// `GET /api/audit`: the recorded changes.
#[get("/audit")]
pub async fn list_audit(State(log): State<AuditLog>) -> Json<Vec<AuditEntry>> {
    Json(log.entries())
}
