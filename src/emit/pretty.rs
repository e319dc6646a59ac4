//! The items of a large pretty-printed JSON array (check's findings, SARIF's results),
//! serialized side by side: each item is pretty-printed alone on the `-j` pool, indented to
//! its depth in the document, and written in order as a raw fragment, a batch at a time, so
//! that the bytes are those of one sequential `to_writer_pretty` and memory holds one batch.

use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;
use serde_json::value::RawValue;
use std::io::{self, Write};

/// Items rendered per batch: large enough to keep both threads busy, small enough that a
/// batch's text (about 1 KB per item) stays a few megabytes.
const BATCH: usize = 4096;

/// A JSON array whose items are made by `make` from `items`; its items sit at `depth` in the
/// document (the root's members are at depth 1), where the pretty printer indents by two
/// spaces per level.
pub struct PrettyArray<'a, T, F> {
    pub items: &'a [T],
    pub depth: usize,
    pub make: F,
}

impl<'a, T, F, S> Serialize for PrettyArray<'a, T, F>
where
    T: Sync,
    F: Fn(usize, &'a T) -> S + Sync,
    S: Serialize,
{
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for (b, batch) in self.items.chunks(BATCH).enumerate() {
            let rendered: Vec<Result<Box<RawValue>, String>> = batch
                .par_iter()
                .enumerate()
                .map(|(i, item)| render(&(self.make)(b * BATCH + i, item), self.depth))
                .collect();
            for item in rendered {
                seq.serialize_element(&item.map_err(Z::Error::custom)?)?;
            }
        }
        seq.end()
    }
}

/// `value` pretty-printed as the item of an array at `depth`, printed by [`Indented`] so
/// that its lines come out indented as they sit in the document.
fn render(value: &impl Serialize, depth: usize) -> Result<Box<RawValue>, String> {
    let mut out = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Indented::at(depth));
    value
        .serialize(&mut serializer)
        .map_err(|e| e.to_string())?;
    let out = String::from_utf8(out).map_err(|e| e.to_string())?;
    RawValue::from_string(out).map_err(|e| e.to_string())
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
    struct Doc<'a> {
        head: &'static str,
        inner: Inner<'a>,
    }

    #[derive(Serialize)]
    struct Inner<'a> {
        items: PrettyArray<'a, Item, Make<'a>>,
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
        let make: Make = |_, item| item;
        let doc = Doc {
            head: "h",
            inner: Inner {
                items: PrettyArray {
                    items: &items,
                    depth: 3,
                    make,
                },
            },
        };
        #[derive(Serialize)]
        struct Plain<'a> {
            head: &'static str,
            inner: PlainInner<'a>,
        }
        #[derive(Serialize)]
        struct PlainInner<'a> {
            items: &'a [Item],
        }
        let plain = Plain {
            head: "h",
            inner: PlainInner { items: &items },
        };
        let ours = serde_json::to_string_pretty(&doc).expect("ours");
        let theirs = serde_json::to_string_pretty(&plain).expect("theirs");
        assert_eq!(ours, theirs);
        let empty = PrettyArray {
            items: &items[..0],
            depth: 1,
            make,
        };
        assert_eq!(serde_json::to_string_pretty(&empty).expect("empty"), "[]");
    }
}
