//! One forward pass over a body: checks that it is one JSON value and records
//! where each token starts and ends. An array is first tried as a list of
//! scalars without whitespace, the usual shape in payloads, which becomes one
//! token; at the first byte that does not fit, the general loop reads the
//! array again from its `[`, so a byte is read at most twice.
//!
//! Hand-rolled rather than taken from serde_json, because serde_json tells
//! where a value starts and ends only through `RawValue`, one value at a time:
//! capturing every level that way scanned each value once per level it was
//! nested in (the cost this module replaced), and a validating pass of
//! serde_json followed by a scan for the spans measured 5.0× the raw reading
//! on the benchmark's body, against 4.0× for this one pass (BENCHMARKS.md,
//! "Webhook canonicalization").
//! serde_json still words every syntax error: on a refusal, the caller asks it
//! why ([`super::canonicalize`]). The grammar here is serde_json's (RFC 8259:
//! no trailing commas, no leading zeros, control characters only escaped);
//! `tests/integration/webhooks_canonical.rs` compares the two on random text.

/// One token of a body, in body order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    /// A value that is its own canonical form, to be copied as written: a
    /// string (quotes included), number, `true`, `false` or `null`, or an
    /// array of those written without whitespace.
    Scalar { start: usize, end: usize },
    /// An object's key (quotes included); `escaped` when it holds a `\`, so
    /// that its decoded form differs from what is written.
    Key {
        start: usize,
        end: usize,
        escaped: bool,
    },
    /// A `{` (`object`) or `[` at byte `offset`. Its contents are the tokens
    /// after it up to index `next`, the index of the first token after its
    /// closing bracket; an object's alternate key, value.
    Open {
        object: bool,
        offset: usize,
        next: usize,
    },
}

/// The tokens of `body` if it is one JSON value (whitespace around it
/// allowed), else where the scan stopped. Containers deeper than
/// `max_depth + 1` are checked but not recorded: the canonical walk stops at
/// the first container deeper than `max_depth`, so a body that is mostly
/// nesting does not make a long tape.
pub(super) fn tape(body: &[u8], max_depth: usize) -> Result<Vec<Token>, usize> {
    let mut scanner = Scanner {
        body,
        at: 0,
        tokens: Vec::new(),
        objects: Vec::new(),
        recorded: Vec::new(),
        max_depth,
    };
    scanner.value_list().map_err(|()| scanner.at)?;
    Ok(scanner.tokens)
}

struct Scanner<'a> {
    body: &'a [u8],
    at: usize,
    tokens: Vec<Token>,
    /// Per open container, innermost last: whether it is an object. One byte
    /// per level, however deep the body nests.
    objects: Vec<bool>,
    /// The tape indices of the open containers that are recorded.
    recorded: Vec<usize>,
    max_depth: usize,
}

type Scan = Result<(), ()>;

impl Scanner<'_> {
    /// The whole body: a value, then whatever closes or follows each value,
    /// until the top-level value ends. A loop with an explicit stack of open
    /// containers rather than recursion, so nesting cannot exhaust the stack.
    fn value_list(&mut self) -> Scan {
        'value: loop {
            self.skip_whitespace();
            match self.peek()? {
                b'[' if self.compact_array() => {}
                open @ (b'{' | b'[') => {
                    self.open(open == b'{');
                    self.skip_whitespace();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.at += 1;
                        self.close();
                    } else {
                        if open == b'{' {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                _ => {
                    let start = self.at;
                    self.scalar_value()?;
                    self.scalar(start);
                }
            }
            // After a value: a comma and the next, or closing brackets.
            loop {
                self.skip_whitespace();
                let Some(&object) = self.objects.last() else {
                    return if self.at == self.body.len() {
                        Ok(())
                    } else {
                        Err(())
                    };
                };
                match self.peek()? {
                    b',' => {
                        self.at += 1;
                        if object {
                            self.skip_whitespace();
                            self.key()?;
                        }
                        continue 'value;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return Err(()),
                }
                self.at += 1;
                self.close();
            }
        }
    }

    fn peek(&self) -> Result<u8, ()> {
        self.body.get(self.at).copied().ok_or(())
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.body.get(self.at) {
            self.at += 1;
        }
    }

    fn recording(&self) -> bool {
        self.recorded.len() == self.objects.len()
    }

    fn open(&mut self, object: bool) {
        // Record it if its parent is recorded and it is at most one level
        // past the limit (`objects.len()` is its parent's depth).
        if self.recording() && self.objects.len() <= self.max_depth {
            self.recorded.push(self.tokens.len());
            self.tokens.push(Token::Open {
                object,
                offset: self.at,
                next: 0,
            });
        }
        self.objects.push(object);
        self.at += 1;
    }

    /// Past a closing bracket, which `self.at` is just after.
    fn close(&mut self) {
        if self.recording()
            && let Some(index) = self.recorded.pop()
        {
            if self.objects.len() <= self.max_depth && self.compact_scalars(index) {
                // Payloads' arrays are mostly such lists: one token for the
                // whole array keeps the tape short and the walk to one copy.
                let offset = self.open_offset(index);
                self.tokens.truncate(index);
                self.tokens.push(Token::Scalar {
                    start: offset,
                    end: self.at,
                });
            } else {
                let after = self.tokens.len();
                if let Token::Open { next, .. } = &mut self.tokens[index] {
                    *next = after;
                }
            }
        }
        self.objects.pop();
    }

    fn open_offset(&self, index: usize) -> usize {
        match self.tokens[index] {
            Token::Open { offset, .. } => offset,
            _ => unreachable!("the recorded containers' tokens are `Open`"),
        }
    }

    /// Whether the container just closed, recorded at `index`, is an array
    /// of scalars without whitespace. The grammar has been checked, so a
    /// one-byte gap between two scalars is their comma.
    fn compact_scalars(&self, index: usize) -> bool {
        let Token::Open {
            object: false,
            offset,
            ..
        } = self.tokens[index]
        else {
            return false;
        };
        let mut expected = offset + 1;
        for (position, token) in self.tokens[index + 1..].iter().enumerate() {
            let Token::Scalar { start, end } = *token else {
                return false;
            };
            if start != expected + usize::from(position > 0) {
                return false;
            }
            expected = end;
        }
        expected + 1 == self.at
    }

    fn scalar(&mut self, start: usize) {
        if self.recording() {
            self.tokens.push(Token::Scalar {
                start,
                end: self.at,
            });
        }
    }

    /// A string, number, `true`, `false` or `null`, whose first byte is at
    /// `self.at`; `Err` if it is none of those.
    fn scalar_value(&mut self) -> Scan {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'-' | b'0'..=b'9' => self.number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => Err(()),
        }
    }

    /// The array whose `[` is at `self.at`, if it holds only scalars and no
    /// whitespace: read in one loop and recorded as the one token that
    /// [`close`](Self::close) would make of it, without a container's
    /// bookkeeping (payloads' arrays are mostly such lists). `false`, with
    /// nothing consumed, at the first byte such an array cannot have, broken
    /// JSON included; the general loop then reads it (and says where it
    /// breaks), so no byte is read more than twice.
    fn compact_array(&mut self) -> bool {
        let recording = self.recording();
        // Past the depth limit the walk must still see the array, to refuse it.
        if recording && self.objects.len() >= self.max_depth {
            return false;
        }
        let open = self.at;
        self.at += 1;
        if self.body.get(self.at) != Some(&b']') {
            loop {
                let after = self.scalar_value().map(|()| self.body.get(self.at));
                match after {
                    Ok(Some(b',')) => self.at += 1,
                    Ok(Some(b']')) => break,
                    _ => {
                        self.at = open;
                        return false;
                    }
                }
            }
        }
        self.at += 1;
        if recording {
            self.tokens.push(Token::Scalar {
                start: open,
                end: self.at,
            });
        }
        true
    }

    /// A key and the colon after it.
    fn key(&mut self) -> Scan {
        if self.peek()? != b'"' {
            return Err(());
        }
        let (start, escaped) = self.string()?;
        if self.recording() {
            self.tokens.push(Token::Key {
                start,
                end: self.at,
                escaped,
            });
        }
        self.skip_whitespace();
        if self.peek()? != b':' {
            return Err(());
        }
        self.at += 1;
        Ok(())
    }

    /// A string, from its opening quote to just past its closing one: where
    /// it starts, and whether it holds an escape.
    fn string(&mut self) -> Result<(usize, bool), ()> {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        loop {
            self.skip_plain_text();
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Ok((start, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                // A control character, which JSON allows only escaped.
                _ => return Err(()),
            }
        }
    }

    /// Past the bytes of a string that need no attention: anything but `"`,
    /// `\` and control characters. Eight bytes at a time where it can (as
    /// serde_json does), since strings are most of a payload's bytes.
    fn skip_plain_text(&mut self) {
        const ONES: u64 = u64::from_le_bytes([0x01; 8]);
        const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
        while let Some(chunk) = self.body.get(self.at..self.at + 8) {
            let chunk = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            // A byte's high bit ends up set where that byte is a quote, a
            // backslash or below 0x20 (`& !chunk`: never for the bytes of
            // multi-byte characters, 0x80 and up). A borrow can also set it
            // above a byte that is one of those, never below, so the lowest
            // bit set (the first byte, read little-endian) is the one sought.
            let quote = chunk ^ (ONES * u64::from(b'"'));
            let backslash = chunk ^ (ONES * u64::from(b'\\'));
            let special = (quote.wrapping_sub(ONES)
                | backslash.wrapping_sub(ONES)
                | chunk.wrapping_sub(ONES * 0x20))
                & !chunk
                & HIGHS;
            if special != 0 {
                self.at += special.trailing_zeros() as usize / 8;
                return;
            }
            self.at += 8;
        }
        while let Some(&byte) = self.body.get(self.at) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return;
            }
            self.at += 1;
        }
    }

    /// A backslash and what it escapes. Surrogates are not paired here (a
    /// value keeps its escapes as written; keys are decoded by serde_json).
    fn escape(&mut self) -> Scan {
        self.at += 1;
        match self.peek()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
            b'u' => {
                let digits = self.body.get(self.at + 1..self.at + 5).ok_or(())?;
                if !digits.iter().all(u8::is_ascii_hexdigit) {
                    return Err(());
                }
                self.at += 5;
            }
            _ => return Err(()),
        }
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Scan {
        if self.peek()? == b'-' {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return Err(()),
        }
        if self.body.get(self.at) == Some(&b'.') {
            self.at += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.body.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.body.get(self.at) {
                self.at += 1;
            }
            self.digits()?;
        }
        Ok(())
    }

    /// One or more digits.
    fn digits(&mut self) -> Scan {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.body.get(self.at) {
            self.at += 1;
        }
        if self.at == start { Err(()) } else { Ok(()) }
    }

    fn literal(&mut self, word: &[u8]) -> Scan {
        if !self.body[self.at..].starts_with(word) {
            return Err(());
        }
        self.at += word.len();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_each_token_once_with_its_span() {
        let body = br#" {"a\"b" : [1, "x"], "c":{}} "#;
        assert_eq!(
            tape(body, 32),
            Ok(vec![
                Token::Open {
                    object: true,
                    offset: 1,
                    next: 7
                },
                Token::Key {
                    start: 2,
                    end: 8,
                    escaped: true
                },
                Token::Open {
                    object: false,
                    offset: 11,
                    next: 5
                },
                Token::Scalar { start: 12, end: 13 },
                Token::Scalar { start: 15, end: 18 },
                Token::Key {
                    start: 21,
                    end: 24,
                    escaped: false
                },
                Token::Open {
                    object: true,
                    offset: 25,
                    next: 7
                },
            ])
        );
    }

    #[test]
    fn an_array_of_scalars_without_whitespace_is_one_token() {
        let body = br#"[[1,"a",null],[],[ 2],[3 ],[[4]]]"#;
        assert_eq!(
            tape(body, 32).unwrap()[..3],
            [
                Token::Open {
                    object: false,
                    offset: 0,
                    next: 8
                },
                Token::Scalar { start: 1, end: 13 },
                Token::Scalar { start: 14, end: 16 },
            ]
        );
        // Arrays of such arrays too, at every level.
        assert_eq!(
            tape(b"[[4],[]]", 32),
            Ok(vec![Token::Scalar { start: 0, end: 8 }])
        );
        // Past the limit the walk must still see the array, to refuse it.
        assert!(matches!(tape(b"[[]]", 1).unwrap()[1], Token::Open { .. }));
        assert!(matches!(tape(b"[[1]]", 1).unwrap()[1], Token::Open { .. }));
        assert_eq!(
            tape(b"[[1]]", 2),
            Ok(vec![Token::Scalar { start: 0, end: 5 }])
        );
        // With whitespace or a container inside, the general loop reads it.
        assert_eq!(
            tape(b"[1, [2]]", 32).unwrap()[..2],
            [
                Token::Open {
                    object: false,
                    offset: 0,
                    next: 3
                },
                Token::Scalar { start: 1, end: 2 },
            ]
        );
    }

    #[test]
    fn nesting_past_the_limit_is_checked_but_not_recorded() {
        let depth = 10_000;
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let tokens = tape(body.as_bytes(), 32).unwrap();
        // The containers down to one past the limit, where the walk stops.
        assert_eq!(tokens.len(), 33);
        let unclosed = format!("{}{}", "[".repeat(depth), "]".repeat(depth - 1));
        assert_eq!(tape(unclosed.as_bytes(), 32), Err(unclosed.len()));
    }

    #[test]
    fn stops_where_the_grammar_is_broken() {
        for (body, at) in [
            ("", 0),
            ("[1,]", 3),
            (r#"{"a":1,}"#, 7),
            ("01", 1),
            ("1.", 2),
            ("-", 1),
            ("1e", 2),
            (r#""\x""#, 2),
            (r#""\u12G4""#, 2),
            ("\"a\tb\"", 2),
            ("\"abcdefgh\u{1}\"", 9),
            ("[1] 2", 4),
            ("tru", 0),
            (r#"{"a" 1}"#, 5),
            ("[}", 1),
            // Arrays of scalars, read by their own loop first.
            ("[1,2", 4),
            (r#"["a\x"]"#, 4),
            ("[tru]", 1),
            ("[1.]", 3),
            ("[1,2 x]", 5),
            ("[1,[2,]]", 6),
        ] {
            assert_eq!(tape(body.as_bytes(), 32), Err(at), "{body:?}");
        }
    }
}
