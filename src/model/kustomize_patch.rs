//! Patches of a kustomize build on the owned tree: strategic merge (with the Kubernetes
//! merge keys of the fields the model reads) and JSON 6902. A value a patch sets is the
//! patch's node, so it keeps the patch's file and span.

use super::kustomize_tree::{N, V};

/// The merge key of a list field, by the field's name and the kind of object it is in:
/// `None` for a list that a patch replaces whole (`args`, `tolerations`, `envFrom`), as the
/// Kubernetes API's `patchMergeKey` says.
fn merge_key(field: &str, kind: &str, in_container: bool) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "ports" if in_container => Some("containerPort"),
        "ports" if kind == "Service" => Some("port"),
        _ => None,
    }
}

/// Applies a strategic merge patch to `target` (an object of `kind`). The patch names its
/// object by the name it had before (a base's, under a prefix): as kustomize does, the
/// object keeps its current name and namespace.
pub(super) fn strategic_merge(target: &mut N, patch: &N, kind: &str) {
    let kept: Vec<(&str, Option<N>)> = ["name", "namespace"]
        .into_iter()
        .map(|k| (k, target.path(&["metadata", k]).cloned()))
        .collect();
    merge_map(target, patch, kind, false);
    for (k, before) in kept {
        let Some(meta) = target.get_mut("metadata") else {
            continue;
        };
        match before {
            Some(v) => {
                if let Some(slot) = meta.get_mut(k) {
                    *slot = v;
                }
            }
            None => {
                meta.remove(k);
            }
        }
    }
}

/// What a patch's `$patch` directive asks of a mapping.
fn directive(patch: &N) -> Option<&str> {
    patch.get("$patch").and_then(N::str)
}

/// `patch` without its directives (`$patch`, `$setElementOrder/...`, `$retainKeys`), as a
/// value to add where the target has none.
fn clean(patch: &N) -> N {
    let mut out = patch.clone();
    strip(&mut out);
    out
}

fn strip(n: &mut N) {
    match &mut n.v {
        V::Map(pairs) => {
            pairs.retain(|(k, v)| !k.str().is_some_and(|k| k.starts_with('$')) && !v.is_null());
            for (_, v) in pairs.iter_mut() {
                strip(v);
            }
        }
        V::Seq(items) => {
            items.retain(|i| directive(i) != Some("delete"));
            for i in items.iter_mut() {
                strip(i);
            }
        }
        V::Scalar(..) => {}
    }
}

fn merge_map(target: &mut N, patch: &N, kind: &str, in_container: bool) {
    if directive(patch) == Some("replace") {
        *target = clean(patch);
        return;
    }
    let V::Map(pairs) = &patch.v else {
        *target = clean(patch);
        return;
    };
    if !matches!(target.v, V::Map(_)) {
        *target = clean(patch);
        return;
    }
    for (k, pv) in pairs {
        let Some(key) = k.str() else { continue };
        if key.starts_with('$') {
            continue;
        }
        if pv.is_null() {
            target.remove(key);
            continue;
        }
        if directive(pv) == Some("delete") {
            target.remove(key);
            continue;
        }
        let container = matches!(key, "containers" | "initContainers" | "ephemeralContainers");
        match target.get_mut(key) {
            Some(tv) => match (&mut tv.v, &pv.v) {
                (V::Map(_), V::Map(_)) => merge_map(tv, pv, kind, in_container),
                (V::Seq(_), V::Seq(_)) => match merge_key(key, kind, in_container) {
                    Some(mk) => merge_list(tv, pv, mk, kind, container),
                    None => *tv = clean(pv),
                },
                _ => *tv = clean(pv),
            },
            None => target.set(k.clone(), clean(pv)),
        }
    }
}

/// Merges a list by its merge key, in the order kustomize's strategic merge gives: the
/// patch's items first, in the patch's order (each merged into the target's item with its
/// key, or new), then the target's items the patch does not name, in their order. An item
/// with `$patch: delete` removes the target's item of its key; an item `$patch: replace`
/// makes the patch's list the whole list.
fn merge_list(target: &mut N, patch: &N, mk: &str, kind: &str, items_are_containers: bool) {
    let V::Seq(patch_items) = &patch.v else {
        return;
    };
    if patch_items.iter().any(|i| directive(i) == Some("replace")) {
        let mut out = clean(patch);
        if let V::Seq(items) = &mut out.v {
            items.retain(|i| !matches!(&i.v, V::Map(p) if p.is_empty()));
        }
        *target = out;
        return;
    }
    let V::Seq(items) = &mut target.v else { return };
    let mut rest: Vec<Option<N>> = std::mem::take(items).into_iter().map(Some).collect();
    let key_of = |n: &N| n.get(mk).and_then(N::str).map(str::to_string);
    let mut out = Vec::with_capacity(rest.len() + patch_items.len());
    for pi in patch_items {
        let key = key_of(pi);
        let at = key.as_deref().and_then(|key| {
            rest.iter()
                .position(|i| i.as_ref().and_then(key_of).as_deref() == Some(key))
        });
        match (at, directive(pi)) {
            (Some(i), Some("delete")) => {
                rest[i] = None;
            }
            (None, Some("delete")) => {}
            (Some(i), _) => {
                if let Some(mut item) = rest[i].take() {
                    merge_map(&mut item, pi, kind, items_are_containers);
                    out.push(item);
                }
            }
            (None, _) => out.push(clean(pi)),
        }
    }
    out.extend(rest.into_iter().flatten());
    *items = out;
}

/// Why a JSON 6902 operation could not be applied.
pub(super) type OpError = String;

/// Applies one JSON 6902 operation (`op`, `path`, `value`, `from`) to `target`.
pub(super) fn json6902(target: &mut N, op: &N) -> Result<(), OpError> {
    let name = op.get("op").and_then(N::str).unwrap_or("");
    let path = op
        .get("path")
        .and_then(N::str)
        .ok_or_else(|| "the operation has no `path`".to_string())?;
    let path = pointer(path)?;
    match name {
        "add" => add(target, &path, value(op)?),
        "replace" => match lookup_mut(target, &path) {
            Some(slot) => {
                *slot = value(op)?;
                Ok(())
            }
            // kustomize's JSON patch library replaces a missing key of a mapping by adding
            // it.
            None => add(target, &path, value(op)?),
        },
        "remove" => remove(target, &path).map(drop),
        "move" | "copy" => {
            let from = op
                .get("from")
                .and_then(N::str)
                .ok_or_else(|| format!("`{name}` needs `from`"))?;
            let from = pointer(from)?;
            let v = if name == "move" {
                remove(target, &from)?
            } else {
                lookup(target, &from)
                    .cloned()
                    .ok_or_else(|| missing(&from))?
            };
            add(target, &path, v)
        }
        // `test` compares; a build does not fail here for it.
        "test" => Ok(()),
        other => Err(format!("unknown operation `{other}`")),
    }
}

fn value(op: &N) -> Result<N, OpError> {
    op.get("value")
        .cloned()
        .ok_or_else(|| "the operation has no `value`".to_string())
}

fn missing(path: &[String]) -> OpError {
    format!("the path /{} is not in the object", path.join("/"))
}

/// A JSON pointer's tokens (`~1` is `/`, `~0` is `~`).
fn pointer(p: &str) -> Result<Vec<String>, OpError> {
    let Some(rest) = p.strip_prefix('/') else {
        return if p.is_empty() {
            Ok(Vec::new())
        } else {
            Err(format!("`{p}` is not a JSON pointer"))
        };
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn lookup<'n>(n: &'n N, path: &[String]) -> Option<&'n N> {
    path.iter().try_fold(n, |n, t| match &n.v {
        V::Map(_) => n.get(t),
        V::Seq(items) => t.parse::<usize>().ok().and_then(|i| items.get(i)),
        V::Scalar(..) => None,
    })
}

fn lookup_mut<'n>(n: &'n mut N, path: &[String]) -> Option<&'n mut N> {
    path.iter().try_fold(n, |n, t| {
        if matches!(n.v, V::Map(_)) {
            return n.get_mut(t);
        }
        match &mut n.v {
            V::Seq(items) => t.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
    })
}

fn add(target: &mut N, path: &[String], v: N) -> Result<(), OpError> {
    let Some((last, parent)) = path.split_last() else {
        *target = v;
        return Ok(());
    };
    let parent_node = lookup_mut(target, parent).ok_or_else(|| missing(parent))?;
    match &mut parent_node.v {
        V::Map(_) => {
            let key = N::scalar(last, crate::yaml::ScalarStyle::Plain, v.loc);
            parent_node.set(key, v);
            Ok(())
        }
        V::Seq(items) => {
            let at = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| missing(path))?
            };
            items.insert(at, v);
            Ok(())
        }
        V::Scalar(..) => Err(missing(path)),
    }
}

fn remove(target: &mut N, path: &[String]) -> Result<N, OpError> {
    let (last, parent) = path.split_last().ok_or_else(|| missing(path))?;
    let parent_node = lookup_mut(target, parent).ok_or_else(|| missing(parent))?;
    match &mut parent_node.v {
        V::Map(_) => parent_node.remove(last).ok_or_else(|| missing(path)),
        V::Seq(items) => last
            .parse::<usize>()
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i))
            .ok_or_else(|| missing(path)),
        V::Scalar(..) => Err(missing(path)),
    }
}
