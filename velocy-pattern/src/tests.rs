//! Unit tests for the route grammar, kept in their own file so that the parser stays one readable file.

use super::*;

/// Parses a route that must be valid.
fn ok(source: &str) -> Pattern<'_> {
    match parse(source) {
        Ok(pattern) => pattern,
        Err(errors) => panic!("`{source}` should parse, got {errors:?}"),
    }
}

/// Parses a route that must have exactly one error, and returns it.
fn single_error(source: &str) -> PatternError {
    let errors = parse(source).unwrap_err();
    assert_eq!(errors.len(), 1, "`{source}`: {errors:?}");
    errors.into_iter().next().unwrap()
}

/// Asserts the one error of `source`: its span, its message and that it has a help text.
fn assert_error(source: &str, span: Range<usize>, message: &str) -> PatternError {
    let error = single_error(source);
    assert_eq!(error.span, span, "`{source}`: {error:?}");
    assert_eq!(error.message, message, "`{source}`");
    assert!(error.help.is_some(), "`{source}` has no help");
    error
}

#[test]
fn root_has_no_segments() {
    let pattern = ok("/");
    assert!(pattern.segments.is_empty());
    assert_eq!(pattern.shape(), "/");
    assert_eq!(pattern.params().count(), 0);
}

#[test]
fn static_segments_and_spans() {
    let pattern = ok("/api/v1.2/users");
    let kinds: Vec<_> = pattern.segments.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [SegmentKind::Static("api"), SegmentKind::Static("v1.2"), SegmentKind::Static("users"),]
    );
    let spans: Vec<_> = pattern.segments.iter().map(|s| s.span.clone()).collect();
    assert_eq!(spans, [1..4, 5..9, 10..15]);
}

#[test]
fn every_pchar_is_allowed_in_static_segments() {
    ok("/AZaz09-._~/!$&'()+,;=@/a@c%20%2F%C3%A9/x");
}

#[test]
fn params_constraints_and_catch_all() {
    let pattern = ok(r"/users/:id(\d+)/:_name2/files/*path");
    assert_eq!(pattern.params().collect::<Vec<_>>(), ["id", "_name2", "path"]);
    assert_eq!(
        pattern.segments[1],
        Segment {
            kind: SegmentKind::Param {
                name: "id",
                name_span: 8..10,
                constraint: Some(Constraint { regex: r"\d+", span: 11..14 }),
            },
            span: 7..15,
        }
    );
    assert_eq!(pattern.segments[4].kind, SegmentKind::CatchAll { name: "path", name_span: 31..35 });
}

#[test]
fn constraints_read_to_the_matching_parenthesis() {
    let cases = [
        (r"/:a((x|y)+)", "(x|y)+"),
        (r"/:a(\))", r"\)"),
        (r"/:a([)(])", "[)(]"),
        (r"/:a([]a])", "[]a]"),
        (r"/:a([^]a])", "[^]a]"),
        (r"/:a([[:alpha:]]+)", "[[:alpha:]]+"),
        (r"/:a(x\/y)", r"x\/y"),
        (r"/:a(\p{L}+)", r"\p{L}+"),
    ];
    for (source, regex) in cases {
        let pattern = ok(source);
        let SegmentKind::Param { constraint: Some(constraint), .. } = &pattern.segments[0].kind else {
            panic!("`{source}` has no constraint");
        };
        assert_eq!(constraint.regex, regex, "`{source}`");
        assert_eq!(&source[constraint.span.clone()], regex);
    }
}

#[test]
fn shape_erases_names_and_keeps_constraints() {
    let cases = [
        ("/", "/"),
        ("/users", "/users"),
        ("/users/:id", "/users/:"),
        ("/users/:name/files/*path", "/users/:/files/*"),
        (r"/a/:id(\d+)", r"/a/:(\d+)"),
        ("/a@b/%20", "/a@b/%20"),
    ];
    for (source, shape) in cases {
        assert_eq!(ok(source).shape(), shape, "`{source}`");
    }
    assert_eq!(ok("/u/:id").shape(), ok("/u/:name").shape());
    assert_ne!(ok(r"/u/:id(\d+)").shape(), ok("/u/:id").shape());
}

#[test]
fn empty_route() {
    assert_error("", 0..0, "empty route");
}

#[test]
fn missing_leading_slash() {
    let error = assert_error("users/:id", 0..1, "route must start with `/`");
    assert_eq!(error.help.as_deref(), Some("add a leading `/`: `/users/:id`"));
    assert_error("x", 0..1, "route must start with `/`");
}

#[test]
fn trailing_slash() {
    assert_error("/users/", 6..7, "trailing `/`");
}

#[test]
fn empty_segment() {
    assert_error("/a//b", 3..4, "empty segment");
    assert_error("/a////b", 3..6, "empty segment");
    assert_error("//x", 1..2, "empty segment");
    assert_error("//", 0..2, "trailing `/`");
    assert_error("/a//", 2..4, "trailing `/`");
}

#[test]
fn missing_names() {
    assert_error("/:", 1..2, "missing parameter name");
    assert_error(r"/a/:(\d+)", 3..4, "missing parameter name");
    assert_error("/a/*", 3..4, "missing catch-all name");
}

#[test]
fn invalid_names() {
    assert_error("/:-id/x", 1..5, "invalid parameter name `-id`");
    assert_error("/*.x", 1..4, "invalid catch-all name `.x`");
    assert_error("/:1a", 2..4, "parameter name cannot start with a digit");
    assert_error("/*9", 2..3, "catch-all name cannot start with a digit");
}

#[test]
fn text_after_a_parameter() {
    assert_error("/:name.json", 6..11, "unexpected `.json` after parameter name");
    assert_error("/:user-id/x", 6..9, "unexpected `-id` after parameter name");
    assert_error(r"/:id(\d+)x", 9..10, "unexpected `x` after constraint");
    assert_error("/*path.tar", 6..10, "unexpected `.tar` after catch-all name");
}

#[test]
fn duplicate_names() {
    let error = assert_error("/:id/x/:id", 8..10, "duplicate parameter `id`");
    assert!(error.help.unwrap().contains("rename"));
    assert_error("/:a/*a", 5..6, "duplicate parameter `a`");
    let errors = parse("/:a/:a/:a").unwrap_err();
    assert_eq!(errors.len(), 2);
}

#[test]
fn unclosed_constraint() {
    assert_error(r"/:id(\d+", 4..8, "unclosed constraint");
    assert_error(r"/:id(a\)", 4..8, "unclosed constraint");
    assert_error("/:id([)]", 4..8, "unclosed constraint");
}

#[test]
fn slash_inside_constraint() {
    assert_error("/:id(a/b)", 6..7, "a constraint cannot contain `/`");
    let errors = parse(r"/:id(\d+/users").unwrap_err();
    let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["a constraint cannot contain `/`", "unclosed constraint"]);
}

#[test]
fn empty_constraint() {
    assert_error("/:id()", 4..6, "empty constraint");
}

#[test]
fn catch_all_with_constraint() {
    assert_error("/*path(.+)", 6..10, "a catch-all cannot have a constraint");
}

#[test]
fn catch_all_must_be_last() {
    assert_error("/*path/x", 1..6, "a catch-all must be the last segment");
    assert_error("/files/*path/", 12..13, "trailing `/`");
}

#[test]
fn sigils_inside_static_segments() {
    let error = assert_error("/users:id", 6..7, "parameters take a whole segment");
    assert!(error.help.unwrap().contains(":id"));
    let error = assert_error("/files*", 6..7, "parameters take a whole segment");
    assert!(error.help.unwrap().contains("*path"));
    assert_error("/a:b:c", 2..3, "parameters take a whole segment");
}

#[test]
fn bad_percent_encoding() {
    let message = "`%` must be followed by two hex digits";
    assert_error("/a%2", 2..3, message);
    assert_error("/a%zz", 2..3, message);
    assert_error("/a%/b", 2..3, message);
}

#[test]
fn characters_outside_pchar() {
    let error = assert_error("/a b", 2..3, "a route cannot contain a space");
    assert_eq!(error.help.as_deref(), Some("percent-encode it as `%20`"));
    let error = assert_error("/café", 4..6, "non-ASCII character `é`");
    assert_eq!(error.help.as_deref(), Some("percent-encode it as `%C3%A9`"));
    let error = assert_error("/a<b", 2..3, "invalid character `<`");
    assert_eq!(error.help.as_deref(), Some("percent-encode it as `%3C`"));
    assert_error("/a\tb", 2..3, r"invalid character `\t`");
    assert_error("/a^b", 2..3, "invalid character `^`");
    assert_eq!(parse("/a[0]").unwrap_err().len(), 2);
}

#[test]
fn query_and_fragment() {
    assert_error("/search?q=:x/y", 7..14, "a route cannot contain a query string");
    assert_error("/page#top", 5..9, "a route cannot contain a fragment");
}

#[test]
fn braces_suggest_colon_syntax() {
    let error = assert_error("/users/{id}", 7..11, "`{id}` is not a parameter");
    assert_eq!(error.help.as_deref(), Some("write parameters as `:id`"));
}

#[test]
fn collects_every_error() {
    let errors = parse("users//:1/c d/*x/:x/").unwrap_err();
    let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "route must start with `/`",
            "empty segment",
            "parameter name cannot start with a digit",
            "a route cannot contain a space",
            "trailing `/`",
            "a catch-all must be the last segment",
            "duplicate parameter `x`",
        ]
    );
}

#[test]
fn display_is_the_message() {
    assert_eq!(single_error("/a b").to_string(), "a route cannot contain a space");
}

#[test]
fn never_panics_and_spans_stay_in_bounds() {
    const ALPHABET: [&str; 14] = ["/", ":", "*", "(", ")", "\\", "[", "]", "^", "a", "1", "%", "é", "?"];
    let mut sources = vec![String::new()];
    for _ in 0..4 {
        let longer: Vec<String> = sources
            .iter()
            .filter(|source| source.chars().count() == sources.last().map_or(0, |s| s.chars().count()))
            .flat_map(|source| ALPHABET.iter().map(move |piece| format!("{source}{piece}")))
            .collect();
        sources.extend(longer);
    }
    for source in &sources {
        match parse(source) {
            Ok(pattern) => {
                for segment in &pattern.segments {
                    assert!(source.get(segment.span.clone()).is_some(), "`{source}`");
                }
                let _ = pattern.shape();
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for error in errors {
                    assert!(source.get(error.span.clone()).is_some(), "`{source}`: {error:?}");
                    assert!(!error.message.is_empty());
                }
            }
        }
    }
}

#[test]
fn static_text_must_be_in_normalized_form() {
    let errors = parse("/%7Euser/a%2fb/../x").unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|error| error.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`%7E` encodes an unreserved character",
            "percent-encoding must use uppercase hex digits",
            "a `..` segment can never match",
        ]
    );
    assert_eq!(errors[0].help.as_deref(), Some("write `~` instead"));
    assert_eq!(errors[1].help.as_deref(), Some("write `%2F`"));
    assert!(parse("/./x").is_err());
    assert!(parse("/a%2Fb/caf%C3%A9").is_ok());
}

/// Issue 21: the request normalizer refuses a path whose escapes do not decode to UTF-8, so a static segment
/// spelled that way could never match; it is an error at the escapes, with the spellings that can match.
#[test]
fn escapes_that_are_not_utf8_can_never_match_21() {
    let error = assert_error("/Naath%AF", 6..9, "`%AF` does not decode to UTF-8: the route can never match");
    assert_eq!(
        error.help.as_deref(),
        Some(
            "request paths must decode to UTF-8; if `%AF` means `¯` (U+00AF), write `%C2%AF`; to match the \
             text `%AF`, write `%25AF`"
        )
    );
    // A truncated sequence is one error over all its escapes, with no Latin-1 guess.
    let error =
        assert_error("/a/%E2%82/b", 3..9, "`%E2%82` does not decode to UTF-8: the route can never match");
    assert!(error.help.unwrap().ends_with("to match the text `%E2%82`, write `%25E2%2582`"));
    // Each invalid sequence of a segment is reported, and a lowercase one only once.
    let errors = parse("/%C3%28x%ff/:id").unwrap_err();
    let spans: Vec<_> = errors.iter().map(|error| error.span.clone()).collect();
    assert_eq!(spans, [1..4, 8..11], "{errors:?}");
    assert!(errors.iter().all(|error| error.message.contains("does not decode to UTF-8")), "{errors:?}");
    // An encoded NUL is refused by the normalizer too.
    assert_error("/a%00b", 2..5, "`%00` encodes NUL: the route can never match");
    // Whole characters, ASCII escapes and literal `%` text still parse, also after other escapes.
    for source in
        ["/caf%C3%A9", "/%E2%9C%93/x", "/Naath%25AF", "/Naath%C2%AF", "/a%2F%C3%A9%20b", "/%F0%9F%A6%80"]
    {
        ok(source);
    }
}

/// Every static route the grammar accepts is already in the normalizer's form: decoding it yields UTF-8
/// without NUL, no unreserved escapes and uppercase hex (checked here without the runtime).
#[test]
fn accepted_static_escapes_decode_to_utf8() {
    const PIECES: [&str; 10] = ["a", "%C3", "%A9", "%AF", "%00", "%2F", "%41", "%e9", "%E2%82%AC", "%"];
    let mut sources = vec![String::from("/")];
    for _ in 0..3 {
        let longer: Vec<String> = sources
            .iter()
            .flat_map(|source| PIECES.iter().map(move |piece| format!("{source}{piece}")))
            .collect();
        sources.extend(longer);
    }
    for source in &sources {
        let Ok(pattern) = parse(source) else { continue };
        for segment in &pattern.segments {
            let SegmentKind::Static(text) = segment.kind else { continue };
            let mut decoded = Vec::new();
            let mut index = 0;
            while index < text.len() {
                if text.as_bytes()[index] == b'%' {
                    let hex = &text[index + 1..index + 3];
                    assert_eq!(hex, hex.to_ascii_uppercase(), "`{source}`");
                    let value = u8::from_str_radix(hex, 16).unwrap();
                    assert!(value != 0 && !value.is_ascii_alphanumeric(), "`{source}`");
                    decoded.push(value);
                    index += 3;
                } else {
                    decoded.push(text.as_bytes()[index]);
                    index += 1;
                }
            }
            assert!(std::str::from_utf8(&decoded).is_ok(), "`{source}` was accepted");
        }
    }
}
