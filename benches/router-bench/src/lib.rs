//! The workloads of the router benchmark: the GitHub REST API v3 route table (its 130 `GET` routes, the
//! table matchit's and many other routers' benchmarks use), a concrete request path for each route with the
//! parameters it must yield, and paths that must match nothing.
//!
//! The routes are written once, in Velocy's `:param` syntax; [`braces`] gives matchit's `{param}` form.
//! [`expected_matches`] is a deliberately naive segment-by-segment matcher that the workloads are checked
//! against, so a router that silently misses or mis-binds a route fails before anything is timed.

/// The 130 `GET` routes of the GitHub API, in `:param` syntax.
pub const GITHUB_ROUTES: [&str; 130] = [
    "/authorizations",
    "/authorizations/:id",
    "/applications/:client_id/tokens/:access_token",
    "/events",
    "/repos/:owner/:repo/events",
    "/networks/:owner/:repo/events",
    "/orgs/:org/events",
    "/users/:user/received_events",
    "/users/:user/received_events/public",
    "/users/:user/events",
    "/users/:user/events/public",
    "/users/:user/events/orgs/:org",
    "/feeds",
    "/notifications",
    "/repos/:owner/:repo/notifications",
    "/notifications/threads/:id",
    "/notifications/threads/:id/subscription",
    "/repos/:owner/:repo/stargazers",
    "/users/:user/starred",
    "/user/starred",
    "/user/starred/:owner/:repo",
    "/repos/:owner/:repo/subscribers",
    "/users/:user/subscriptions",
    "/user/subscriptions",
    "/repos/:owner/:repo/subscription",
    "/user/subscriptions/:owner/:repo",
    "/users/:user/gists",
    "/gists",
    "/gists/:id",
    "/gists/:id/star",
    "/repos/:owner/:repo/git/blobs/:sha",
    "/repos/:owner/:repo/git/commits/:sha",
    "/repos/:owner/:repo/git/refs",
    "/repos/:owner/:repo/git/tags/:sha",
    "/repos/:owner/:repo/git/trees/:sha",
    "/issues",
    "/user/issues",
    "/orgs/:org/issues",
    "/repos/:owner/:repo/issues",
    "/repos/:owner/:repo/issues/:number",
    "/repos/:owner/:repo/assignees",
    "/repos/:owner/:repo/assignees/:assignee",
    "/repos/:owner/:repo/issues/:number/comments",
    "/repos/:owner/:repo/issues/:number/events",
    "/repos/:owner/:repo/labels",
    "/repos/:owner/:repo/labels/:name",
    "/repos/:owner/:repo/issues/:number/labels",
    "/repos/:owner/:repo/milestones/:number/labels",
    "/repos/:owner/:repo/milestones",
    "/repos/:owner/:repo/milestones/:number",
    "/emojis",
    "/gitignore/templates",
    "/gitignore/templates/:name",
    "/meta",
    "/rate_limit",
    "/users/:user/orgs",
    "/user/orgs",
    "/orgs/:org",
    "/orgs/:org/members",
    "/orgs/:org/members/:user",
    "/orgs/:org/public_members",
    "/orgs/:org/public_members/:user",
    "/orgs/:org/teams",
    "/teams/:id",
    "/teams/:id/members",
    "/teams/:id/members/:user",
    "/teams/:id/repos",
    "/teams/:id/repos/:owner/:repo",
    "/user/teams",
    "/repos/:owner/:repo/pulls",
    "/repos/:owner/:repo/pulls/:number",
    "/repos/:owner/:repo/pulls/:number/commits",
    "/repos/:owner/:repo/pulls/:number/files",
    "/repos/:owner/:repo/pulls/:number/merge",
    "/repos/:owner/:repo/pulls/:number/comments",
    "/user/repos",
    "/users/:user/repos",
    "/orgs/:org/repos",
    "/repositories",
    "/repos/:owner/:repo",
    "/repos/:owner/:repo/contributors",
    "/repos/:owner/:repo/languages",
    "/repos/:owner/:repo/teams",
    "/repos/:owner/:repo/tags",
    "/repos/:owner/:repo/branches",
    "/repos/:owner/:repo/branches/:branch",
    "/repos/:owner/:repo/collaborators",
    "/repos/:owner/:repo/collaborators/:user",
    "/repos/:owner/:repo/comments",
    "/repos/:owner/:repo/commits/:sha/comments",
    "/repos/:owner/:repo/commits",
    "/repos/:owner/:repo/commits/:sha",
    "/repos/:owner/:repo/readme",
    "/repos/:owner/:repo/keys",
    "/repos/:owner/:repo/keys/:id",
    "/repos/:owner/:repo/downloads",
    "/repos/:owner/:repo/downloads/:id",
    "/repos/:owner/:repo/forks",
    "/repos/:owner/:repo/hooks",
    "/repos/:owner/:repo/hooks/:id",
    "/repos/:owner/:repo/releases",
    "/repos/:owner/:repo/releases/:id",
    "/repos/:owner/:repo/releases/:id/assets",
    "/repos/:owner/:repo/stats/contributors",
    "/repos/:owner/:repo/stats/commit_activity",
    "/repos/:owner/:repo/stats/code_frequency",
    "/repos/:owner/:repo/stats/participation",
    "/repos/:owner/:repo/stats/punch_card",
    "/repos/:owner/:repo/statuses/:ref",
    "/search/repositories",
    "/search/code",
    "/search/issues",
    "/search/users",
    "/legacy/issues/search/:owner/:repository/:state/:keyword",
    "/legacy/repos/search/:keyword",
    "/legacy/user/search/:keyword",
    "/legacy/user/email/:email",
    "/users/:user",
    "/user",
    "/users",
    "/user/emails",
    "/users/:user/followers",
    "/user/followers",
    "/users/:user/following",
    "/user/following",
    "/user/following/:user",
    "/users/:user/following/:target_user",
    "/users/:user/keys",
    "/user/keys",
    "/user/keys/:id",
];

/// One request path of the lookup workload: which route it must match and the parameters it must yield.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into [`GITHUB_ROUTES`].
    pub route: usize,
    /// The request path.
    pub path: String,
    /// `(name, raw value)` in pattern order.
    pub params: Vec<(&'static str, &'static str)>,
}

/// A pattern in matchit's syntax: every `:name` segment becomes `{name}`.
pub fn braces(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A realistic value for a parameter, chosen so that no value equals a static segment of the table.
fn value_of(name: &str) -> &'static str {
    match name {
        "owner" => "rust-lang",
        "repo" => "rust",
        "user" | "assignee" => "nikomatsakis",
        "target_user" => "octocat",
        "org" => "tokio-rs",
        "id" => "1296269",
        "number" => "4242",
        "sha" => "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        "name" => "good-first-issue",
        "branch" => "master",
        "ref" => "v1.0.0",
        "client_id" => "8c3f5b2a",
        "access_token" => "e72e16c7e42f292c6912e7710c838347ae178b4a",
        "repository" => "matchit",
        "state" => "open",
        "keyword" => "router",
        "email" => "octocat@example.com",
        other => panic!("no value for parameter `{other}`; add one to value_of"),
    }
}

/// One request path per route, in table order.
pub fn hits() -> Vec<Hit> {
    GITHUB_ROUTES
        .iter()
        .enumerate()
        .map(|(route, pattern)| {
            let mut params = Vec::new();
            let path = pattern
                .split('/')
                .map(|segment| match segment.strip_prefix(':') {
                    Some(name) => {
                        let value = value_of(name);
                        params.push((name, value));
                        value
                    }
                    None => segment,
                })
                .collect::<Vec<_>>()
                .join("/");
            Hit { route, path, params }
        })
        .collect()
}

/// Paths that match no route, three per route: its path with a trailing slash, with one more segment, and
/// with its first segment misspelt. Candidates that happen to match a route are left out.
pub fn misses() -> Vec<String> {
    hits()
        .into_iter()
        .flat_map(|hit| {
            let misspelt = format!("/x{}", &hit.path[1..]);
            [format!("{}/", hit.path), format!("{}/unknown", hit.path), misspelt]
        })
        .filter(|path| expected_matches(path).is_empty())
        .collect()
}

/// A miss-heavy mix: three misses, then one hit, over and over (75% misses).
pub fn miss_heavy() -> Vec<String> {
    let hits = hits();
    let mut paths = Vec::new();
    for (index, miss) in misses().into_iter().enumerate() {
        paths.push(miss);
        if index % 3 == 2 {
            paths.push(hits[(index / 3) % hits.len()].path.clone());
        }
    }
    paths
}

/// Every route whose pattern matches `path`, segment by segment (a parameter matches one non-empty
/// segment), ignoring precedence: the ground truth the routers are checked against.
pub fn expected_matches(path: &str) -> Vec<usize> {
    GITHUB_ROUTES
        .iter()
        .enumerate()
        .filter(|(_, pattern)| {
            let mut segments = path.split('/');
            let mut parts = pattern.split('/');
            loop {
                match (parts.next(), segments.next()) {
                    (None, None) => return true,
                    (Some(part), Some(segment)) if part.starts_with(':') && !segment.is_empty() => {}
                    (Some(part), Some(segment)) if part == segment => {}
                    _ => return false,
                }
            }
        })
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_130_distinct_routes() {
        let mut sorted = GITHUB_ROUTES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 130);
    }

    #[test]
    fn every_hit_matches_exactly_its_own_route() {
        for hit in hits() {
            assert_eq!(expected_matches(&hit.path), [hit.route], "{}", hit.path);
        }
    }

    #[test]
    fn there_are_misses_for_every_route() {
        let misses = misses();
        assert!(misses.len() > 2 * GITHUB_ROUTES.len(), "only {} misses", misses.len());
        assert!(misses.iter().all(|path| expected_matches(path).is_empty()));
    }

    #[test]
    fn braces_rewrites_parameters_only() {
        assert_eq!(braces("/repos/:owner/:repo/issues"), "/repos/{owner}/{repo}/issues");
        assert_eq!(braces("/rate_limit"), "/rate_limit");
    }
}
