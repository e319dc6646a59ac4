//! Container image references, read as container runtimes read them, and which registry
//! they pull from: ECR (every host form the ECR credential helper knows), ECR Public,
//! Docker Hub, or another host.

use crate::pattern::wildcard_match;

/// Registries allowed besides ECR and ECR Public until the configuration extends the list
/// (`allowed-registries`: globs on `host/path`, or on the host alone when the glob has no
/// `/`). Empty: everything else is reported.
pub const DEFAULT_ALLOWED_REGISTRIES: &[&str] = &[];

/// The parts of an image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The registry host (with its port) as written; `None` for Docker Hub by default.
    pub host: Option<&'a str>,
    /// The repository path without host, tag or digest (`library/nginx` is `nginx` here:
    /// as written).
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits `image` like a container runtime: the first path part is a registry host only
/// when it holds `.` or `:` or is `localhost`; a digest follows `@`, a tag the last `:` of
/// the last path part.
pub fn parse(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (host, rest) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    let last_part_start = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_part_start..].rfind(':') {
        Some(i) => (
            &rest[..last_part_start + i],
            Some(&rest[last_part_start + i + 1..]),
        ),
        None => (rest, None),
    };
    ImageRef {
        host,
        repository,
        tag,
        digest,
    }
}

/// Where an image is pulled from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registry {
    /// A private ECR registry.
    Ecr,
    /// `public.ecr.aws`.
    EcrPublic,
    DockerHub,
    /// Another host, lower-cased.
    Other(String),
    /// The host is (partly) a placeholder that is not ECR-shaped: only known once rendered.
    Unknown,
}

use crate::pattern::has_template_expression as is_placeholder;

/// What [`mask_placeholders`] puts in place of a placeholder.
const MASK: &str = "$";

/// `host` with every placeholder (`${...}`, `$(...)`, `{{...}}`) replaced by [`MASK`], so
/// that dots inside `{{ .Values.account }}` do not split the host. An unclosed placeholder
/// masks the rest.
fn mask_placeholders(host: &str) -> String {
    let mut out = String::new();
    let mut rest = host;
    loop {
        let next = ["${", "$(", "{{"]
            .iter()
            .filter_map(|open| rest.find(open).map(|i| (i, *open)))
            .min();
        let Some((i, open)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..i]);
        out.push_str(MASK);
        let close = match open {
            "${" => "}",
            "$(" => ")",
            _ => "}}",
        };
        match rest[i + open.len()..].find(close) {
            Some(j) => rest = &rest[i + open.len() + j + close.len()..],
            None => return out,
        }
    }
}

/// The suffixes of ECR's private registry hosts, after `REGION.` (ECR credential helper).
const ECR_SUFFIXES: &[&str] = &[
    "amazonaws.com",
    "amazonaws.com.cn",
    "on.aws",
    "on.amazonwebservices.com.cn",
    "amazonaws.eu",
    "sc2s.sgov.gov",
    "c2s.ic.gov",
    "cloud.adc-e.uk",
    "csp.hci.ic.gov",
];

/// `ACCOUNT.dkr.ecr[-fips].REGION.SUFFIX` or the dual-stack `ACCOUNT.dkr-ecr[-fips].REGION.SUFFIX`,
/// where ACCOUNT is 12 digits and the whole host must end with a known suffix (no
/// `...amazonaws.com.evil.example.com`). A placeholder may stand for ACCOUNT or REGION.
pub fn is_ecr_host(host: &str) -> bool {
    let host = mask_placeholders(&host.to_ascii_lowercase());
    let Some((account, rest)) = host.split_once('.') else {
        return false;
    };
    let account_ok =
        (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) || account == MASK;
    if !account_ok {
        return false;
    }
    let Some(rest) = ["dkr.ecr-fips.", "dkr.ecr.", "dkr-ecr-fips.", "dkr-ecr."]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
    else {
        return false;
    };
    let Some((region, suffix)) = rest.split_once('.') else {
        return false;
    };
    let region_ok = region == MASK
        || (!region.is_empty()
            && region.as_bytes()[0].is_ascii_alphanumeric()
            && region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    region_ok && ECR_SUFFIXES.contains(&suffix)
}

/// Whether an image's repository path cannot be pulled from anywhere because it has
/// upper-case letters: the reference grammar makes repository names lower-case, so
/// `IMAGE_TAG` or `APP_IMAGE:latest` is a value a pipeline replaces, not an image.
fn has_upper_case_repository(r: &ImageRef<'_>) -> bool {
    r.repository.bytes().any(|b| b.is_ascii_uppercase())
}

/// Whether `image` is a placeholder to be filled in before it is applied: a template
/// expression (`${IMAGE}`, `{{ .Values.image }}`) or a name no registry can serve
/// ([`has_upper_case_repository`]).
pub fn is_placeholder_image(image: &str) -> bool {
    is_placeholder(image) || has_upper_case_repository(&parse(image))
}

/// The registry `image` pulls from.
pub fn registry(image: &str) -> Registry {
    let r = parse(image);
    if has_upper_case_repository(&r) {
        return Registry::Unknown;
    }
    match r.host {
        None => {
            // `${REGISTRY}/app` or a whole `{{ .Values.image }}`: the runtime would see
            // Docker Hub, but the value is not written yet.
            if is_placeholder(r.repository.split('/').next().unwrap_or("")) {
                Registry::Unknown
            } else {
                Registry::DockerHub
            }
        }
        Some(host) => {
            let lower = host.to_ascii_lowercase();
            if is_ecr_host(&lower) {
                Registry::Ecr
            } else if lower == "public.ecr.aws" {
                Registry::EcrPublic
            } else if is_placeholder(host) {
                Registry::Unknown
            } else if DOCKER_HUB_HOSTS.contains(&lower.as_str()) {
                Registry::DockerHub
            } else {
                Registry::Other(lower)
            }
        }
    }
}

/// The hosts that serve Docker Hub; `docker.io` names it in `allowed-registries`.
const DOCKER_HUB_HOSTS: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io"];

/// `image` as `host/path`, the form `allowed-registries` globs match: the host lower-cased
/// (`docker.io` for Docker Hub, whose one-part names live under `library/`), the repository
/// path without tag or digest.
pub fn host_and_path(image: &str) -> String {
    let r = parse(image);
    let host = r.host.map(str::to_ascii_lowercase);
    match host {
        Some(h) if !DOCKER_HUB_HOSTS.contains(&h.as_str()) => format!("{h}/{}", r.repository),
        _ if r.repository.contains('/') => format!("docker.io/{}", r.repository),
        _ => format!("docker.io/library/{}", r.repository),
    }
}

/// Whether `image` is fine on Fargate: from ECR, ECR Public, a placeholder, or matching one
/// of the `allowed` globs. A glob with a `/` matches `host/path` ([`host_and_path`]); one
/// without matches the host alone (`docker.io` stands for Docker Hub). Hosts compare
/// without regard to case, paths as written (they are lower-case by the grammar).
pub fn is_allowed(image: &str, allowed: &[&str]) -> bool {
    match registry(image) {
        Registry::Ecr | Registry::EcrPublic | Registry::Unknown => true,
        Registry::DockerHub | Registry::Other(_) => matches_allowed(image, allowed),
    }
}

/// Whether `image` (from Docker Hub or another registry that is not ECR) matches one of the
/// `allowed` globs, as [`is_allowed`] reads them.
pub fn matches_allowed(image: &str, allowed: &[&str]) -> bool {
    // Most runs allow nothing beyond ECR: no image is taken apart for no glob.
    if allowed.is_empty() {
        return false;
    }
    let full = host_and_path(image);
    let host = full.split_once('/').map_or(full.as_str(), |(h, _)| h);
    allowed.iter().any(|glob| {
        let glob = normalize_glob(glob);
        match glob.split_once('/') {
            Some((glob_host, glob_path)) => full.split_once('/').is_some_and(|(_, path)| {
                wildcard_match(glob_host, host) && wildcard_match(glob_path, path)
            }),
            None => wildcard_match(&glob, host),
        }
    })
}

/// An `allowed-registries` glob in the form [`host_and_path`] gives images: the host
/// lower-cased, Docker Hub's hosts as `docker.io`, and a one-part Docker Hub name under
/// `library/` (`docker.io/nginx` is `docker.io/library/nginx`, as a runtime reads it).
fn normalize_glob(glob: &str) -> String {
    let (host, path) = match glob.split_once('/') {
        Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
        None => (glob.to_ascii_lowercase(), None),
    };
    let host = if DOCKER_HUB_HOSTS.contains(&host.as_str()) {
        "docker.io".to_string()
    } else {
        host
    };
    match path {
        None => host,
        Some(p) if host == "docker.io" && !p.contains('/') && !p.contains('*') => {
            format!("docker.io/library/{p}")
        }
        Some(p) => format!("{host}/{p}"),
    }
}

/// Why an `allowed-registries` glob can never match an image reference, if it cannot: the
/// configuration reports it at its line rather than allowing nothing in silence.
pub fn registry_glob_problem(glob: &str) -> Option<String> {
    if glob.is_empty() {
        return Some("an empty glob matches no image".into());
    }
    if glob.contains("://") {
        return Some(format!(
            "`{glob}` is a URL; write the registry host (and path) without a scheme, like `ghcr.io/my-org/*`"
        ));
    }
    let (host, path) = match glob.split_once('/') {
        Some((h, p)) => (h, Some(p)),
        None => (glob, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:*?_".contains(&b));
    if !host_ok {
        return Some(format!(
            "`{host}` cannot be a registry host: hosts hold letters, digits, `.`, `-` and a `:port` (with `*` and `?` wildcards)"
        ));
    }
    let path = path?;
    if path.is_empty() || path.ends_with('/') {
        return Some(format!(
            "`{glob}` ends with `/`, and no repository path does; write `{}` for the whole registry or `{}*` for everything below",
            glob.trim_end_matches('/'),
            glob.trim_end_matches('/').to_string() + "/"
        ));
    }
    if path.contains(':') || path.contains('@') {
        return Some(format!(
            "`{glob}` has a tag or digest; globs match `host/path` without them"
        ));
    }
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(format!(
            "`{glob}` has upper-case letters in its path, and repository paths are lower-case: it matches no image"
        ));
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/*?".contains(&b))
    {
        return Some(format!(
            "`{glob}` has characters no repository path holds (paths hold lower-case letters, digits, `.`, `_`, `-` and `/`)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_a_runtime() {
        let r = parse("nginx");
        assert_eq!((r.host, r.repository, r.tag), (None, "nginx", None));
        let r = parse("library/nginx:1.25");
        assert_eq!(
            (r.host, r.repository, r.tag),
            (None, "library/nginx", Some("1.25"))
        );
        let r = parse("localhost:5000/app:v1@sha256:abc");
        assert_eq!(r.host, Some("localhost:5000"));
        assert_eq!(r.repository, "app");
        assert_eq!(r.tag, Some("v1"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = parse("localhost/app");
        assert_eq!(r.host, Some("localhost"));
        let r = parse("quay.io/prometheus/node-exporter@sha256:0123");
        assert_eq!(r.host, Some("quay.io"));
        assert_eq!(r.repository, "prometheus/node-exporter");
        assert_eq!(r.tag, None);
        // `:` of a port is not a tag.
        let r = parse("registry.example.com:5000/team/app");
        assert_eq!(r.host, Some("registry.example.com:5000"));
        assert_eq!(r.tag, None);
        // A first part without `.` or `:` is a Docker Hub namespace.
        assert_eq!(parse("bitnami/redis:7").host, None);
    }

    #[test]
    fn every_ecr_host_form_is_ecr() {
        for host in [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
            "123456789012.dkr-ecr.us-east-1.on.aws",
            "123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
            "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu",
            "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
            "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov",
            "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
            "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
            "123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM",
        ] {
            assert!(is_ecr_host(host), "{host}");
            assert_eq!(registry(&format!("{host}/app:1")), Registry::Ecr, "{host}");
        }
        assert_eq!(
            registry("public.ecr.aws/nginx/nginx:1.25"),
            Registry::EcrPublic
        );
    }

    #[test]
    fn look_alikes_are_not_ecr() {
        for host in [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com",
            "12345678901.dkr.ecr.us-east-1.amazonaws.com",
            "1234567890123.dkr.ecr.us-east-1.amazonaws.com",
            "abcdefghijkl.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.amazonaws.com",
            "123456789012.ecr.us-east-1.amazonaws.com",
            "evil.com/123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ] {
            assert!(!is_ecr_host(host), "{host}");
        }
        assert_eq!(
            registry("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com/app"),
            Registry::Other("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com".into())
        );
        assert_eq!(
            registry("public.ecr.aws.evil.com/x"),
            Registry::Other("public.ecr.aws.evil.com".into())
        );
    }

    #[test]
    fn placeholders_for_account_and_region_are_ecr_shaped() {
        assert_eq!(
            registry("${ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/app:${TAG}"),
            Registry::Ecr
        );
        assert_eq!(
            registry("{{ .Values.account }}.dkr.ecr.us-east-1.amazonaws.com/app"),
            Registry::Ecr
        );
        // A whole placeholder host is not known yet: not reported.
        assert_eq!(registry("${REGISTRY}/app:1"), Registry::Unknown);
        assert_eq!(registry("{{ .Values.image }}"), Registry::Unknown);
        assert_eq!(registry("registry.${DOMAIN}/app"), Registry::Unknown);
        // A placeholder tag on Docker Hub is still Docker Hub.
        assert_eq!(registry("nginx:${TAG}"), Registry::DockerHub);
    }

    #[test]
    fn docker_hub_and_other_hosts() {
        assert_eq!(registry("nginx"), Registry::DockerHub);
        assert_eq!(registry("docker.io/library/nginx"), Registry::DockerHub);
        assert_eq!(
            registry("gcr.io/google-samples/gb-frontend:v5"),
            Registry::Other("gcr.io".into())
        );
        assert!(!is_allowed("nginx", DEFAULT_ALLOWED_REGISTRIES));
        assert!(is_allowed("quay.io/prometheus/node-exporter", &["*.io"]));
        assert!(is_allowed("nginx:1.25", &["docker.io"]));
        assert!(is_allowed(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
            &[]
        ));
    }

    #[test]
    fn allowed_globs_with_a_path_match_host_and_path() {
        // interface.md's own example.
        let allowed = ["ghcr.io/my-org/*"];
        assert!(is_allowed("ghcr.io/my-org/app:1.0", &allowed));
        assert!(is_allowed("GHCR.IO/my-org/team/app@sha256:00", &allowed));
        assert!(!is_allowed("ghcr.io/other-org/app:1.0", &allowed));
        assert!(!is_allowed("ghcr.io/my-organisation/app", &allowed));
        // Docker Hub's one-part names live under `library/`.
        assert!(is_allowed("nginx:1.25", &["docker.io/library/*"]));
        assert!(is_allowed("bitnami/redis:7", &["docker.io/bitnami/*"]));
        assert!(!is_allowed("nginx", &["docker.io/bitnami/*"]));
        assert!(is_allowed(
            "docker.io/library/nginx",
            &["docker.io/library/nginx"]
        ));
        assert_eq!(host_and_path("index.docker.io/x/y:1"), "docker.io/x/y");
        assert_eq!(
            host_and_path("registry.example.com:5000/team/app:1"),
            "registry.example.com:5000/team/app"
        );
    }

    #[test]
    fn globs_that_can_never_match_are_problems() {
        for glob in [
            "ghcr.io/my-org/*",
            "ghcr.io",
            "*.example.com",
            "localhost:5000/*",
            "docker.io/library/nginx",
        ] {
            assert_eq!(registry_glob_problem(glob), None, "{glob}");
        }
        for glob in [
            "",
            "https://ghcr.io",
            "ghcr.io/",
            "ghcr.io/My-Org/*",
            "ghcr.io/my-org/app:1.0",
            "ghcr.io/my-org/app@sha256:00",
            "ghcr io",
            "ghcr.io/my org/*",
        ] {
            assert!(registry_glob_problem(glob).is_some(), "{glob}");
        }
    }

    #[test]
    fn upper_case_repository_paths_are_placeholders() {
        for image in [
            "IMAGE_TAG",
            "INGEST_IMAGE_TAG",
            "APP_IMAGE:latest",
            "ghcr.io/org/APP",
            "${IMAGE}",
        ] {
            assert!(is_placeholder_image(image), "{image}");
            assert_eq!(registry(image), Registry::Unknown, "{image}");
        }
        // Upper case in the host or the tag is legal.
        for image in ["nginx:Latest", "Registry.Example.com/app"] {
            assert!(!is_placeholder_image(image), "{image}");
        }
        assert_eq!(registry("nginx:Latest"), Registry::DockerHub);
    }
}
