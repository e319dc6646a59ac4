//! The items of a large pretty-printed JSON array (check's findings, SARIF's results),
//! serialized side by side: each item is pretty-printed alone on the `-j` pool at its depth
//! in the document, and written in order, a batch at a time, so that the bytes are those of
//! one sequential `to_writer_pretty` and memory holds one batch.
//!
//! The document around the array is serialized by serde_json into a [`Sink`]; the array
//! writes its items into the same sink between its brackets. serde_json's serializer writes
//! through to its writer at every call (it keeps no buffer of its own), so the bytes land in
//! order without a copy, and without serde_json reading every item back as a raw value
//! would (a tenth of the instructions of a large JSON report).

use std::cell::RefCell;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;

/// Items rendered per batch: large enough to keep both threads busy, small enough that a
/// batch's text (about 1 KB per item) stays a few megabytes.
const BATCH: usize = 4096;

/// The writer a document with a [`PrettyArray`] is serialized into (as `&Sink`), shared
/// with the array. The first write error is kept, so that the caller gets the writer's own
/// error (a closed pipe stays a closed pipe) rather than serde's wrapping of it.
pub struct Sink<'w> {
    writer: RefCell<&'w mut dyn Write>,
    error: RefCell<Option<io::Error>>,
}

impl<'w> Sink<'w> {
    pub fn new(writer: &'w mut dyn Write) -> Sink<'w> {
        Sink {
            writer: RefCell::new(writer),
            error: RefCell::new(None),
        }
    }

    /// Serializes `document` pretty-printed into the sink; the writer's own error if it
    /// failed.
    pub fn write_pretty(&self, document: &impl Serialize) -> io::Result<()> {
        let mut serializer = serde_json::Serializer::pretty(self);
        let result = document.serialize(&mut serializer);
        match (result, self.error.borrow_mut().take()) {
            (_, Some(error)) => Err(error),
            (Err(error), None) => Err(error.into()),
            (Ok(()), None) => Ok(()),
        }
    }

    fn keep<T>(&self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|error| {
            let message = error.to_string();
            self.error.borrow_mut().get_or_insert(error);
            io::Error::other(message)
        })
    }
}

impl Write for &Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.writer.borrow_mut().write(buf);
        self.keep(result)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let result = self.writer.borrow_mut().write_all(buf);
        self.keep(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.writer.borrow_mut().flush();
        self.keep(result)
    }
}

/// A JSON array whose items are made by `make` from `items`; its items sit at `depth` in the
/// document (the root's members are at depth 1), where the pretty printer indents by two
/// spaces per level. Only for a document that [`Sink::write_pretty`] writes into `sink`.
pub struct PrettyArray<'a, 's, T, F> {
    pub sink: &'s Sink<'s>,
    pub items: &'a [T],
    pub depth: usize,
    pub make: F,
}

impl<'a, T, F, S> Serialize for PrettyArray<'a, '_, T, F>
where
    T: Sync,
    F: Fn(usize, &'a T) -> S + Sync,
    S: Serialize,
{
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        // `[` (or `[]` for none) from the serializer, the items and the line break before
        // `]` from here: the serializer saw no element, so it writes `]` alone.
        let seq = serializer.serialize_seq(Some(self.items.len()))?;
        let (mut sink, make, depth) = (self.sink, &self.make, self.depth);
        for (b, batch) in self.items.chunks(BATCH).enumerate() {
            let rendered: Vec<Result<Vec<u8>, String>> = batch
                .par_iter()
                .enumerate()
                .map(|(i, item)| render(&make(b * BATCH + i, item), depth))
                .collect();
            for (i, item) in rendered.into_iter().enumerate() {
                let item = item.map_err(Z::Error::custom)?;
                let first = b == 0 && i == 0;
                Indented::at(depth)
                    .line_break(&mut sink, !first)
                    .and_then(|()| sink.write_all(&item))
                    .map_err(Z::Error::custom)?;
            }
        }
        if !self.items.is_empty() {
            Indented::at(depth.saturating_sub(1))
                .line_break(&mut sink, false)
                .map_err(Z::Error::custom)?;
        }
        seq.end()
    }
}

/// `value` pretty-printed as the item of an array at `depth`, printed by [`Indented`] so
/// that its lines come out indented as they sit in the document.
fn render(value: &impl Serialize, depth: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Indented::at(depth));
    value
        .serialize(&mut serializer)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// serde_json's pretty printer (two spaces per level) for a value that sits `depth` levels
/// deep: its line breaks are followed by the document's indentation, not the value's own,
/// so nothing has to be indented again after printing. The layout of each call is that of
/// `serde_json::ser::PrettyFormatter`, which cannot start at a depth.
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn at(depth: usize) -> Indented {
        Indented {
            depth,
            has_value: false,
        }
    }

    fn line_break<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.line_break(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line_break(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line_break(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: String,
        list: Vec<u32>,
        nested: Option<Box<Item>>,
    }

    type Make<'a> = fn(usize, &'a Item) -> &'a Item;

    #[derive(Serialize)]
    struct Doc<'a, 's> {
        head: &'static str,
        inner: Inner<'a, 's>,
        tail: [u32; 2],
    }

    /// The array between other members, to show the printer's state after it.
    #[derive(Serialize)]
    struct Inner<'a, 's> {
        before: u32,
        items: PrettyArray<'a, 's, Item, Make<'a>>,
        after: Vec<u32>,
    }

    #[derive(Serialize)]
    struct Plain<'a> {
        head: &'static str,
        inner: PlainInner<'a>,
        tail: [u32; 2],
    }

    #[derive(Serialize)]
    struct PlainInner<'a> {
        before: u32,
        items: &'a [Item],
        after: Vec<u32>,
    }

    fn ours(items: &[Item]) -> String {
        let mut out = Vec::new();
        let sink = Sink::new(&mut out);
        let make: Make = |_, item| item;
        let doc = Doc {
            head: "h",
            inner: Inner {
                before: 1,
                items: PrettyArray {
                    sink: &sink,
                    items,
                    depth: 3,
                    make,
                },
                after: vec![2, 3],
            },
            tail: [4, 5],
        };
        sink.write_pretty(&doc).expect("ours");
        String::from_utf8(out).expect("UTF-8")
    }

    fn theirs(items: &[Item]) -> String {
        let plain = Plain {
            head: "h",
            inner: PlainInner {
                before: 1,
                items,
                after: vec![2, 3],
            },
            tail: [4, 5],
        };
        serde_json::to_string_pretty(&plain).expect("theirs")
    }

    #[test]
    fn the_array_prints_as_one_sequential_pretty_print() {
        let items: Vec<Item> = (0..BATCH as u32 * 2 + 7)
            .map(|i| Item {
                name: format!("n\n\"{i}\"\u{1b}"),
                list: (0..i % 3).collect(),
                nested: (i % 2 == 0).then(|| {
                    Box::new(Item {
                        name: String::new(),
                        list: vec![],
                        nested: None,
                    })
                }),
            })
            .collect();
        for n in [items.len(), 1, 0] {
            assert_eq!(ours(&items[..n]), theirs(&items[..n]), "{n} items");
        }
    }

    #[test]
    fn a_write_error_is_the_writers_own() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut closed = Closed;
        let sink = Sink::new(&mut closed);
        let err = sink.write_pretty(&[1, 2]).expect_err("closed");
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
