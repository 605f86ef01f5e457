//! `VELOCY_MACROS_DEBUG=1`: print each expansion to stderr while compiling.
//!
//! Run `VELOCY_MACROS_DEBUG=1 cargo check` (after `touch src/main.rs`, so the crate is recompiled) to see what
//! every Velocy macro generated, laid out roughly like source code: a statement per line, blocks indented.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Prints `tokens`, the expansion of `macro_name` on `item`, when `VELOCY_MACROS_DEBUG` is `1`.
pub(crate) fn print(macro_name: &str, item: &str, tokens: &TokenStream) {
    if std::env::var_os("VELOCY_MACROS_DEBUG").is_some_and(|value| value == "1") {
        let on = if item.is_empty() { String::new() } else { format!(" on `{item}`") };
        eprintln!("---- velocy-macros: {macro_name}{on} expands to:\n{}\n----", render(tokens));
    }
}

/// One token of the flattened stream.
#[derive(Clone, PartialEq)]
enum Piece {
    /// An identifier or keyword.
    Word(String),
    /// A literal.
    Literal(String),
    /// A punctuation character and whether it joins the next one (`:` of `::`).
    Punct(char, Spacing),
    /// An opening delimiter.
    Open(Delimiter),
    /// A closing delimiter.
    Close(Delimiter),
}

/// Flattens `tokens` into pieces, groups becoming `Open`, contents, `Close`.
fn flatten(tokens: TokenStream, pieces: &mut Vec<Piece>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                pieces.push(Piece::Open(group.delimiter()));
                flatten(group.stream(), pieces);
                pieces.push(Piece::Close(group.delimiter()));
            }
            TokenTree::Ident(ident) => pieces.push(Piece::Word(ident.to_string())),
            TokenTree::Literal(literal) => pieces.push(Piece::Literal(literal.to_string())),
            TokenTree::Punct(punct) => pieces.push(Piece::Punct(punct.as_char(), punct.spacing())),
        }
    }
}

/// Keywords after which `(`, `<` and `::` are spaced: `if (`, `as ::path`, `dyn ::Trait`.
const KEYWORDS: [&str; 12] =
    ["as", "dyn", "impl", "for", "in", "if", "match", "return", "mut", "move", "let", "where"];

/// Whether a space goes between `previous` and `current` on one line.
fn space_between(before_previous: Option<&Piece>, previous: &Piece, current: &Piece) -> bool {
    use Piece::{Close, Literal, Open, Punct, Word};
    let path_separator_end = matches!(previous, Punct(':', Spacing::Alone))
        && matches!(before_previous, Some(Punct(':', Spacing::Joint)));
    // A word that continues a path or names a callee, rather than a keyword or a lifetime.
    let plain_word = matches!(previous, Word(word) if !KEYWORDS.contains(&word.as_str()))
        && !matches!(before_previous, Some(Punct('\'', _)));
    match (previous, current) {
        (Punct(_, Spacing::Joint), _) => false,
        _ if path_separator_end => false,
        (Open(Delimiter::Parenthesis | Delimiter::Bracket), _) => false,
        (_, Close(Delimiter::Parenthesis | Delimiter::Bracket)) => false,
        (_, Punct(',' | ';' | '.' | '?', _)) => false,
        (Punct('.' | '#' | '&' | '<', _), _) => false,
        (
            Word(_),
            Punct(':', Spacing::Joint) | Punct('<', _) | Open(Delimiter::Parenthesis | Delimiter::Bracket),
        ) => !plain_word,
        (Punct('>', _), Punct(':', Spacing::Joint)) => {
            matches!(before_previous, Some(Punct('-', Spacing::Joint)))
        }
        (_, Punct(':', Spacing::Alone)) => false,
        (Word(_), Punct('!', _)) => false,
        (Punct('!' | '>', _) | Close(_), Open(Delimiter::Parenthesis | Delimiter::Bracket)) => false,
        (_, Punct('>', _)) => !matches!(previous, Word(_) | Close(_) | Literal(_) | Punct('>', _)),
        _ => true,
    }
}

/// Renders tokens roughly like source code: a line per statement, braces indented.
pub(crate) fn render(tokens: &TokenStream) -> String {
    let mut pieces = Vec::new();
    flatten(tokens.clone(), &mut pieces);
    let mut out = String::new();
    let mut depth = 0usize;
    let mut line_start = true;
    for (index, piece) in pieces.iter().enumerate() {
        let previous = index.checked_sub(1).and_then(|i| pieces.get(i));
        let before_previous = index.checked_sub(2).and_then(|i| pieces.get(i));
        // A closing brace starts its own line, unless it closes an empty block.
        if matches!(piece, Piece::Close(Delimiter::Brace))
            && !line_start
            && !matches!(previous, Some(Piece::Open(Delimiter::Brace)))
        {
            out.push('\n');
            line_start = true;
        }
        if line_start {
            let indent =
                if matches!(piece, Piece::Close(Delimiter::Brace)) { depth.saturating_sub(1) } else { depth };
            out.push_str(&"    ".repeat(indent));
        } else if let Some(previous) = previous {
            if space_between(before_previous, previous, piece) {
                out.push(' ');
            }
        }
        line_start = false;
        match piece {
            Piece::Word(text) | Piece::Literal(text) => out.push_str(text),
            Piece::Punct(character, _) => out.push(*character),
            Piece::Open(Delimiter::Brace) => {
                out.push('{');
                depth += 1;
            }
            Piece::Close(Delimiter::Brace) => {
                depth = depth.saturating_sub(1);
                out.push('}');
            }
            Piece::Open(delimiter) => out.push(if *delimiter == Delimiter::Bracket { '[' } else { '(' }),
            Piece::Close(delimiter) => out.push(if *delimiter == Delimiter::Bracket { ']' } else { ')' }),
        }
        let next = pieces.get(index + 1);
        let breaks = match piece {
            Piece::Punct(';', _) => true,
            Piece::Open(Delimiter::Brace) => !matches!(next, Some(Piece::Close(Delimiter::Brace))),
            Piece::Close(Delimiter::Brace) => match next {
                Some(Piece::Punct(',' | ';' | '.' | '?', _) | Piece::Close(_)) => false,
                Some(Piece::Word(word)) => word != "else",
                _ => true,
            },
            Piece::Punct(',', _) => {
                matches!(next, Some(Piece::Word(_) | Piece::Punct('#' | ':', _)))
                    && enclosing_is_brace(&pieces[..index])
            }
            _ => false,
        };
        if breaks && next.is_some() {
            out.push('\n');
            line_start = true;
        }
    }
    out.lines().map(str::trim_end).filter(|line| !line.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// Whether the innermost group open at the end of `pieces` is a brace group (struct literal fields, match
/// arms), outside any generic arguments: commas there end a line.
fn enclosing_is_brace(pieces: &[Piece]) -> bool {
    let mut depth = 0usize;
    // `>` minus `<` seen so far, arrows aside: below zero means inside `<..>`.
    let mut angles = 0isize;
    for (index, piece) in pieces.iter().enumerate().rev() {
        let arrow = index.checked_sub(1).and_then(|i| pieces.get(i));
        match piece {
            Piece::Close(_) => depth += 1,
            Piece::Open(delimiter) if depth == 0 => return *delimiter == Delimiter::Brace && angles >= 0,
            Piece::Open(_) => depth -= 1,
            Piece::Punct('>', _)
                if depth == 0 && !matches!(arrow, Some(Piece::Punct('-' | '=', Spacing::Joint))) =>
            {
                angles += 1;
            }
            Piece::Punct('<', _) if depth == 0 => angles -= 1,
            _ => {}
        }
    }
    false
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

    #[test]
    fn renders_paths_generics_and_references_compactly() {
        let text = super::render(&quote!(let x: &'static ::velocy::Spec = &<T as ::velocy::Extract<_>>::X;));
        assert_eq!(text, "let x: &'static ::velocy::Spec = &<T as ::velocy::Extract<_>>::X;");
        let text = super::render(&quote!(f(a.b, c)?.await; v![1, 2]; x -> y => z));
        assert_eq!(text, "f(a.b, c)?.await;\nv![1, 2];\nx -> y => z");
        let text = super::render(&quote!(S { f: fn() -> ::a::B<'static, C>, g: 1 }));
        assert_eq!(text, "S {\n    f: fn() -> ::a::B<'static, C>,\n    g: 1\n}");
    }

    #[test]
    fn fields_and_arms_get_their_own_lines() {
        let text = super::render(&quote!(S {
            a: 1,
            b: match x {
                Ok(v) => v,
                Err(e) => return e,
            }
        }));
        assert_eq!(
            text,
            "S {\n    a: 1,\n    b: match x {\n        Ok(v) => v,\n        Err(e) => return e,\n    }\n}"
        );
    }
}
