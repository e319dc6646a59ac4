//! The items of a large pretty-printed JSON array (check's findings, SARIF's results),
//! serialized side by side: each item is pretty-printed alone on the `-j` pool, indented to
//! its depth in the document, and written in order as a raw fragment, a batch at a time, so
//! that the bytes are those of one sequential `to_writer_pretty` and memory holds one batch.

use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

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

/// `value` pretty-printed as the item of an array at `depth`: its inner lines indented by
/// the depth's spaces (a JSON string never holds a raw line feed, so every line feed of the
/// text is a line break of the printer's).
fn render(value: &impl Serialize, depth: usize) -> Result<Box<RawValue>, String> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    let indent = 2 * depth;
    let lines = text.iter().filter(|&&b| b == b'\n').count();
    let mut out = Vec::with_capacity(text.len() + lines * indent);
    let pad = vec![b' '; indent];
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend_from_slice(&pad);
        }
        out.extend_from_slice(line);
    }
    let out = String::from_utf8(out).map_err(|e| e.to_string())?;
    RawValue::from_string(out).map_err(|e| e.to_string())
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
