//! The YAML tree: spans, styles, comments, recovery after a broken document, and limits.

use fargate_lint::yaml::{Limits, NodeKind, ScalarStyle, parse};

#[test]
fn keys_and_values_keep_span_raw_text_and_style() {
    let text = "name: \"web\" # the name\nport: 0755\nlabel: 'yes'\nnote: |\n  multi\n  line\nunicode: é\nafter: x\n";
    let file = parse(text, Limits::default());
    assert!(file.errors.is_empty());
    let root = file.documents[0].root().expect("root");
    let (key, value) = root.entry("name").expect("name");
    assert_eq!((key.span().start.line, key.span().start.column), (1, 1));
    assert_eq!(value.scalar(), Some(("web", ScalarStyle::DoubleQuoted)));
    assert_eq!(value.raw_text(text), "\"web\"");
    assert_eq!((value.span().end.line, value.span().end.column), (1, 12));
    let port = root.get("port").expect("port");
    assert_eq!(port.scalar(), Some(("0755", ScalarStyle::Plain)));
    assert_eq!(
        root.get("label").and_then(|l| l.scalar()),
        Some(("yes", ScalarStyle::SingleQuoted))
    );
    assert_eq!(
        root.get("note").and_then(|l| l.scalar()),
        Some(("multi\nline\n", ScalarStyle::Literal))
    );
    // Columns count characters: `é` is two bytes but one column.
    let after = root.get("after").expect("after");
    assert_eq!(after.span().start.column, 8);
    assert_eq!(file.comments[0].text, " the name");
    assert_eq!(file.comments[0].span.start.column, 13);
}

#[test]
fn a_broken_document_is_reported_and_the_next_ones_still_parse() {
    let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n---\nd: 4\n";
    let file = parse(text, Limits::default());
    assert_eq!(file.errors.len(), 1);
    // The parser points at the bracket that is never closed.
    assert_eq!(
        (
            file.errors[0].span.start.line,
            file.errors[0].span.start.column
        ),
        (3, 4)
    );
    let keys: Vec<String> = file
        .documents
        .iter()
        .filter_map(|d| d.root())
        .filter_map(|r| {
            r.entries()
                .next()
                .and_then(|(k, _)| k.as_str())
                .map(String::from)
        })
        .collect();
    assert_eq!(keys, ["a", "c", "d"]);
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
    let limits = Limits::default();
    for text in [
        format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("a:\n  {}x", "- ".repeat(100_000)),
        format!("a: {}{}", "{b: ".repeat(50_000), "}".repeat(50_000)),
    ] {
        let file = parse(&text, limits);
        assert_eq!(file.errors.len(), 1, "{}", &text[..20]);
        assert!(
            file.errors[0].message.contains("limit"),
            "{}",
            file.errors[0].message
        );
    }
    // Just under the limit is fine.
    let ok = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
    assert!(parse(&ok, limits).errors.is_empty());
}

#[test]
fn aliases_are_references_and_bombs_are_refused() {
    let small = "a: &x [1, 2]\nb: *x\n";
    let file = parse(small, Limits::default());
    let root = file.documents[0].root().expect("root");
    let b = root.get("b").expect("b");
    assert!(b.is_alias());
    assert_eq!(b.items().count(), 2);
    assert_eq!(file.documents[0].node_count(), 7);

    let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); 10].join(", ")
        ));
    }
    let file = parse(&bomb, Limits::default());
    assert!(file.documents.is_empty());
    assert!(file.errors[0].message.contains("aliasing"));
    // A self-reference cannot be expanded at all.
    let cyclic = parse("a: &a [*a]\n", Limits::default());
    assert!(
        cyclic.errors[0].message.contains("aliasing"),
        "{:?}",
        cyclic.errors
    );
}

#[test]
fn json_with_tabs_and_empty_input() {
    let text = "{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"a\": [1, 2]}\n}\n";
    let file = parse(text, Limits::default());
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let root = file.documents[0].root().expect("root");
    assert_eq!(root.get("kind").and_then(|k| k.as_str()), Some("Pod"));
    assert!(matches!(
        root.path(&["spec", "a"]).map(|n| n.kind()),
        Some(NodeKind::Seq(_))
    ));
    assert!(parse("", Limits::default()).documents.is_empty());
    assert!(
        parse("# only a comment\n", Limits::default())
            .documents
            .is_empty()
    );
}

#[test]
fn null_values() {
    let file = parse("a:\nb: ~\nc: null\nd: ''\n", Limits::default());
    let root = file.documents[0].root().expect("root");
    for k in ["a", "b", "c"] {
        assert!(
            root.get(k)
                .is_some_and(|v| v.is_null() && v.as_str().is_none()),
            "{k}"
        );
    }
    assert_eq!(root.get("d").and_then(|v| v.as_str()), Some(""));
}

/// Parses `text` piece by piece (`yaml::pieces` with `min_len`), as a large file is read:
/// `None` when a piece has an error (the caller then parses the file whole).
fn parse_in_pieces(text: &str, min_len: usize) -> Option<(String, usize, String, usize)> {
    let pieces = fargate_lint::yaml::pieces(text, min_len);
    assert_eq!(
        pieces.iter().map(|(_, p)| *p).collect::<String>(),
        text,
        "the pieces are the text"
    );
    let (mut documents, mut empty, mut comments) = (Vec::new(), 0, Vec::new());
    for (origin, piece) in &pieces {
        assert_eq!(
            text.get(origin.byte..origin.byte + piece.len()),
            Some(*piece)
        );
        let before = text[..origin.byte].matches('\n').count();
        assert_eq!(origin.lines_before as usize, before);
        let parsed = fargate_lint::yaml::parse_each_at(
            piece,
            *origin,
            Limits::default(),
            Some(&|_| true),
            &mut |d| documents.push(d.clone()),
        );
        if !parsed.errors.is_empty() {
            return None;
        }
        empty += parsed.empty_documents;
        comments.extend(parsed.comments);
    }
    Some((
        format!("{documents:?}"),
        empty,
        format!("{comments:?}"),
        pieces.len(),
    ))
}

/// What a whole-file parse gives, in the shape of [`parse_in_pieces`].
fn parse_whole(text: &str) -> (String, usize, String) {
    let file = parse(text, Limits::default());
    (
        format!("{:?}", file.documents),
        file.empty_documents,
        format!("{:?}", file.comments),
    )
}

/// Every UTF-8 file under `testdata/`.
fn testdata_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("testdata")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push(text);
            }
        }
    }
    texts
}

/// A parse that wants no comment (the parser then emits none) reads the same documents,
/// empty documents and errors as one that keeps them all.
#[test]
fn a_parse_without_comments_reads_what_one_with_them_reads() {
    let tricky = [
        "a: # c\n  1\nb: &x # c\n  2\nc: !t # c\n  3\n",
        "# only\n# comments\n",
        "a: b#c\nd: 'e # f'\ng: |\n  # not a comment\n  h\n# i\n",
        "a: [1, # c\n  2]\nb: {c: 1, # d\n  e: 2}\n",
        "- # c\n  a\n- b # c\n#c\n- c\n",
        "a:\n  # c\n  b: 1\n   # c\n  c: 2\n",
        "a: 1\n#bad: [\nb: [ # c\n",
        "? # c\n  a\n: # d\n  b\n",
    ];
    let mut texts: Vec<String> = tricky.iter().map(|t| t.to_string()).collect();
    texts.extend(testdata_texts());
    let read = |text: &str, keep: Option<&dyn Fn(&str) -> bool>| {
        let mut documents = Vec::new();
        let parsed = fargate_lint::yaml::parse_each(text, Limits::default(), keep, &mut |d| {
            documents.push(d.clone())
        });
        assert!(keep.is_some() || parsed.comments.is_empty());
        format!(
            "{documents:?} {} {:?} {}",
            parsed.empty_documents, parsed.errors, parsed.more_errors
        )
    };
    let mut with_comments = 0;
    for text in &texts {
        assert_eq!(read(text, None), read(text, Some(&|_| true)), "{text:?}");
        with_comments += usize::from(!parse(text, Limits::default()).comments.is_empty());
    }
    assert!(with_comments > 50, "{with_comments} texts have comments");
}

#[test]
fn a_file_parsed_in_pieces_gives_what_it_gives_whole() {
    let tricky = [
        "a: 1\n--- |\nfree text\nat column 0\n---\nb: 2\n",
        "# only a comment\n# and another\n---\na: 1\n---\n---\nb: 2\n...\n---\nc: 3\n",
        "a: 1\n---\tb: 2\n--- # c\nd: é\n----\n---\ne: \"x\n  y\"\n",
        "a: 1\r\n---\r\nb: 2\r\n---\r\nc: [1,\r\n  2]\r\n",
        "%YAML 1.2\n---\na: 1\n---\nb: 2\n",
        "a: 1\r---\rb: 2\r",
        "k: ééééé\n---\nl: ü\n---\nm: 1\n",
        "a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n",
    ];
    let mut texts: Vec<String> = tricky.iter().map(|t| t.to_string()).collect();
    texts.extend(testdata_texts());
    let (mut split, mut compared) = (0, 0);
    for text in &texts {
        for min_len in [1, 40] {
            let Some((documents, empty, comments, n)) = parse_in_pieces(text, min_len) else {
                continue;
            };
            assert_eq!(
                (documents, empty, comments),
                parse_whole(text),
                "pieces of at least {min_len} bytes of {text:?}"
            );
            compared += 1;
            split += usize::from(n > 1);
        }
    }
    // The comparison means something only if files were really split.
    assert!(split > 100, "{split} of {compared} readings were split");
    // Directives and lone carriage returns keep a file whole.
    assert_eq!(fargate_lint::yaml::pieces(tricky[4], 1).len(), 1);
    assert_eq!(fargate_lint::yaml::pieces(tricky[5], 1).len(), 1);
    assert_eq!(fargate_lint::yaml::pieces(tricky[0], 1).len(), 3);
}

/// Every mapping size around the small-map cut-off of `Document::duplicate_keys`, keys drawn
/// from a few names (so that many repeat, some several times), each result compared with a
/// pairwise scan: every key whose name an earlier key of its mapping has, with that first key.
#[test]
fn duplicate_keys_are_what_a_pairwise_scan_finds_in_maps_of_every_size() {
    let names = ["a", "b", "c", "'a'", "<<", "d", "e", "f", "g", "h", "i"];
    let mut seed = 7u64;
    let mut found = 0;
    for size in 0..40 {
        for _ in 0..6 {
            let mut text = String::from("outer:\n");
            for _ in 0..size {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let name = names[(seed >> 33) as usize % names.len()];
                let value = if name == "<<" { "{}" } else { "1" };
                text.push_str(&format!("  {name}: {value}\n"));
            }
            let file = parse(&text, Limits::default());
            let doc = &file.documents[0];
            let Some(outer) = doc.root().and_then(|r| r.get("outer")) else {
                assert_eq!(size, 0, "{text}");
                continue;
            };
            let keys: Vec<_> = outer
                .entries()
                .map(|(k, _)| k)
                .filter(|k| !matches!(k.scalar(), Some(("<<", ScalarStyle::Plain))))
                .collect();
            let mut expected = Vec::new();
            for (i, k) in keys.iter().enumerate() {
                if let Some(first) = keys[..i]
                    .iter()
                    .find(|f| f.scalar().map(|s| s.0) == k.scalar().map(|s| s.0))
                {
                    expected.push((first.span(), k.span()));
                }
            }
            let got: Vec<_> = doc
                .duplicate_keys()
                .iter()
                .map(|(first, dup)| (first.span(), dup.span()))
                .collect();
            assert_eq!(got, expected, "{text}");
            found += got.len();
        }
    }
    assert!(found > 100, "the maps repeat keys: {found}");
}
