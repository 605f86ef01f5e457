//! Tests of the client-address rules.

#![allow(clippy::unwrap_used)]

use http::HeaderValue;

use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn trusted(entries: &[&str]) -> TrustedProxies {
    let mut proxies = TrustedProxies::default();
    proxies.extend(entries.iter().map(|entry| TrustedProxy::from(*entry)));
    assert!(proxies.problems().is_empty());
    proxies
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_static(value));
    }
    map
}

fn client(proxies: &[&str], peer: &str, pairs: &[(&'static str, &'static str)]) -> IpAddr {
    trusted(proxies).client_ip(ip(peer), &headers(pairs))
}

/// The client with proxies that set `Forwarded` (RFC 7239).
fn client_rfc7239(proxies: &[&str], peer: &str, pairs: &[(&'static str, &'static str)]) -> IpAddr {
    let mut proxies = trusted(proxies);
    proxies.headers = ForwardingHeaders::Forwarded;
    proxies.client_ip(ip(peer), &headers(pairs))
}

const PROXIES: &[&str] = &["10.0.0.0/8", "2001:db8:cafe::/48"];

#[test]
fn an_untrusted_peer_cannot_spoof_its_address() {
    let spoofed = [("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=1.1.1.1"), ("x-real-ip", "1.1.1.1")];
    assert_eq!(client(PROXIES, "203.0.113.9", &spoofed), ip("203.0.113.9"));
    assert_eq!(client(&[], "10.0.0.1", &spoofed), ip("10.0.0.1"), "no proxy trusted by default");
}

#[test]
fn x_forwarded_for_is_walked_from_the_right_skipping_trusted_hops() {
    let chain = [("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.1.1.1, 10.2.2.2")];
    assert_eq!(client(PROXIES, "10.0.0.1", &chain), ip("198.51.100.7"));
    // A client forging an entry only pushes it further left: the proxy appends the real one.
    let forged = [("x-forwarded-for", "10.9.9.9, 203.0.113.5")];
    assert_eq!(client(PROXIES, "10.0.0.1", &forged), ip("203.0.113.5"));
    // Several lines form one list, in order.
    let lines = [("x-forwarded-for", "203.0.113.5"), ("x-forwarded-for", "10.3.3.3")];
    assert_eq!(client(PROXIES, "10.0.0.1", &lines), ip("203.0.113.5"));
    let ports = [("x-forwarded-for", "203.0.113.5:4711, [2001:db8::9]:80")];
    assert_eq!(client(PROXIES, "10.0.0.1", &ports), ip("2001:db8::9"));
}

#[test]
fn every_hop_trusted_gives_the_leftmost_and_no_header_gives_the_peer() {
    let internal = [("x-forwarded-for", "10.4.4.4, 10.5.5.5")];
    assert_eq!(client(PROXIES, "10.0.0.1", &internal), ip("10.4.4.4"));
    assert_eq!(client(PROXIES, "10.0.0.1", &[]), ip("10.0.0.1"));
}

#[test]
fn only_the_header_the_proxies_set_is_read() {
    // A proxy that appends to X-Forwarded-For passes a client's own `Forwarded` through, and the other
    // way round: the header it does not set is the client's to choose.
    let both = [("forwarded", "for=192.0.2.60;proto=http"), ("x-forwarded-for", "198.51.100.1")];
    assert_eq!(client(PROXIES, "10.0.0.1", &both), ip("198.51.100.1"));
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &both), ip("192.0.2.60"));
    assert_eq!(client(PROXIES, "10.0.0.1", &[("forwarded", "for=1.1.1.1")]), ip("10.0.0.1"));
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &[("x-forwarded-for", "1.1.1.1")]), ip("10.0.0.1"));

    let mut proxies = trusted(PROXIES);
    let https = headers(&[("forwarded", "for=192.0.2.60;proto=https"), ("x-forwarded-proto", "http")]);
    assert!(!proxies.forwarded_https(ip("10.0.0.1"), &https));
    proxies.headers = ForwardingHeaders::Forwarded;
    assert!(proxies.forwarded_https(ip("10.0.0.1"), &https));
}

#[test]
fn forwarded_reads_quoted_ipv6_with_ports() {
    let v6 = [("forwarded", r#"for="[2001:db8:cafe::17]:4711", For="[2001:db8::42]""#)];
    assert_eq!(client_rfc7239(PROXIES, "2001:db8:cafe::1", &v6), ip("2001:db8::42"));
    let quoted_v4 = [("forwarded", r#"for="192.0.2.43:47011";proto=https"#)];
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &quoted_v4), ip("192.0.2.43"));
    let lines = [("forwarded", "for=198.51.100.3"), ("forwarded", "for=10.7.7.7;host=example.com")];
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &lines), ip("198.51.100.3"));
    let escaped = [("forwarded", r#"for="\[2001:db8::5\]""#)];
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &escaped), ip("2001:db8::5"));
}

#[test]
fn an_unreadable_hop_stops_the_walk_at_the_last_trusted_address() {
    for value in [
        "for=unknown",
        "for=_hidden",
        "proto=https",
        "for=198.51.100.1;for=198.51.100.2",
        "for=[2001:db8::1]",
        "for=\"[2001:db8::1]",
        "garbage",
        "for=198.51.100.1 trailing",
    ] {
        let mut map = HeaderMap::new();
        map.insert(FORWARDED, HeaderValue::from_str(value).unwrap());
        let mut proxies = trusted(PROXIES);
        proxies.headers = ForwardingHeaders::Forwarded;
        assert_eq!(proxies.client_ip(ip("10.0.0.1"), &map), ip("10.0.0.1"), "{value}");
    }
    let after_trusted = [("forwarded", "for=198.51.100.1, for=unknown, for=10.8.8.8")];
    assert_eq!(client_rfc7239(PROXIES, "10.0.0.1", &after_trusted), ip("10.8.8.8"));
    let xff_garbage = [("x-forwarded-for", "198.51.100.1, not-an-ip")];
    assert_eq!(client(PROXIES, "10.0.0.1", &xff_garbage), ip("10.0.0.1"));
}

#[test]
fn forwarded_elements_are_split_outside_quotes_only() {
    let hops = forwarded_for(r#"for="[::1]:80,x", for=192.0.2.1 , ,for=192.0.2.2;by=x"#);
    assert_eq!(hops, vec![None, Some(ip("192.0.2.1")), Some(ip("192.0.2.2"))]);
    assert_eq!(forwarded_for(r#"for="192.0.2.1:_obf""#), vec![Some(ip("192.0.2.1"))]);
    assert_eq!(forwarded_for("for=192.0.2.1:80"), vec![None], "a port needs quotes");
    assert!(forwarded_for("").is_empty());
}

#[test]
fn mapped_ipv6_addresses_and_blocks_are_read_as_ipv4() {
    assert_eq!(
        client(PROXIES, "::ffff:10.0.0.1", &[("x-forwarded-for", "::ffff:198.51.100.2")]),
        ip("198.51.100.2")
    );
    let mapped_block = trusted(&["::ffff:10.0.0.0/104"]);
    assert!(mapped_block.contains(ip("10.1.2.3")));
    assert!(trusted(&["127.0.0.1"]).contains(ip("::ffff:127.0.0.1")));
    assert!(!trusted(&["127.0.0.1"]).contains(ip("127.0.0.2")));
}

#[test]
fn invalid_entries_are_kept_as_problems() {
    let mut proxies = TrustedProxies::default();
    proxies.extend(["10.0.0.0/33", "nope", " 10.0.0.0/8 "].map(TrustedProxy::from));
    proxies.extend([TrustedProxy::from(Ipv4Addr::LOCALHOST), TrustedProxy::from(Ipv6Addr::LOCALHOST)]);
    let problems = proxies.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("10.0.0.0/33"));
    assert!(proxies.contains(ip("10.200.0.1")));
    assert!(proxies.contains(ip("::1")));
}

#[test]
fn invalid_entries_fail_the_build() {
    let error =
        crate::App::new().trusted_proxies(["10.0.0.0/8", "10.0.0.300", "fe80::/129"]).build().unwrap_err();
    assert!(error.is_build());
    assert!(error.to_string().contains("10.0.0.300"), "{}", error.to_string());
    assert!(error.to_string().contains("fe80::/129"), "{}", error.to_string());
}

#[tokio::test]
async fn the_extractor_answers_through_the_app() {
    use http_body_util::BodyExt;

    async fn whoami(ClientIp(address): ClientIp) -> String {
        address.to_string()
    }

    let app = crate::App::new()
        .trusted_proxies([IpAddr::from(Ipv4Addr::LOCALHOST)])
        .trusted_proxies(["10.0.0.0/8"])
        .merge(crate::Router::new().get("/whoami", whoami));
    let service = app.build().unwrap();
    let ask = |peer: &str, forwarded: Option<&'static str>| {
        let mut request = http::Request::get("/whoami").header("host", "x");
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
        }
        let request = request.body(crate::Body::default()).unwrap();
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        let future = service.handle(request, Some(peer));
        async move {
            let response = future.await;
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    assert_eq!(ask("127.0.0.1:5000", Some("198.51.100.4, 10.0.0.2")).await, "198.51.100.4");
    assert_eq!(ask("192.0.2.1:5000", Some("198.51.100.4")).await, "192.0.2.1");
    assert_eq!(ask("127.0.0.1:5000", None).await, "127.0.0.1");
    let response = crate::test::TestClient::from_service(service.clone())
        .get("/whoami")
        .header("host", "x")
        .send()
        .await;
    assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR, "no socket, no address");
}
