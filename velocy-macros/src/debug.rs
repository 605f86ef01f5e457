//! `VELOCY_MACROS_DEBUG=1`: print each expansion to stderr while compiling.
//!
//! Run `VELOCY_MACROS_DEBUG=1 cargo check` (with `touch src/main.rs` or `cargo clean -p <crate>` so the
//! crate is recompiled) to see what every Velocy macro generated, one item per line, indented.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Prints `tokens`, the expansion of `macro_name` on `item`, when `VELOCY_MACROS_DEBUG` is `1`.
pub(crate) fn print(macro_name: &str, item: &str, tokens: &TokenStream) {
    if std::env::var_os("VELOCY_MACROS_DEBUG").is_some_and(|value| value == "1") {
        eprintln!("---- velocy-macros: {macro_name} on `{item}` expands to:\n{}\n----", render(tokens));
    }
}

/// Renders tokens roughly like source code: a line per statement, braces indented.
pub(crate) fn render(tokens: &TokenStream) -> String {
    let mut out = String::new();
    write_tokens(&mut out, tokens.clone(), 0);
    out.lines().map(str::trim_end).filter(|line| !line.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// Appends `tokens` to `out` at indentation `depth`.
fn write_tokens(out: &mut String, tokens: TokenStream, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"    ".repeat(depth));
    };
    for token in tokens {
        match token {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                out.push_str(" {");
                newline(out, depth + 1);
                write_tokens(out, group.stream(), depth + 1);
                newline(out, depth);
                out.push('}');
                newline(out, depth);
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    _ => ("", ""),
                };
                out.push_str(open);
                write_tokens(out, group.stream(), depth);
                out.push_str(close);
            }
            TokenTree::Punct(punct) => {
                let operator = matches!(punct.as_char(), '=' | '-');
                if operator
                    && !out.ends_with([' ', '\n', '=', '!', '<', '>', '+', '-', '*', '/', '&', '|', '('])
                {
                    out.push(' ');
                }
                out.push(punct.as_char());
                if punct.as_char() == ';' {
                    newline(out, depth);
                } else if punct.spacing() == proc_macro2::Spacing::Alone && punct.as_char() != '#' {
                    out.push(' ');
                }
            }
            other => {
                if !out.is_empty() && !out.ends_with([' ', '\n', '(', '[', ':', '&', '<', '!', '\'']) {
                    out.push(' ');
                }
                out.push_str(&other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn renders_one_statement_per_line() {
        let text = super::render(&quote!(
            fn f() {
                let a = 1;
                g(a);
            }
        ));
        assert_eq!(text, "fn f() {\n    let a = 1;\n    g(a);\n}");
    }
}
