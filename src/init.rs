//! `fargate-lint init`: writes a commented starter `.fargate-lint.toml` that lists every key
//! with its default, so that a project starts from a file that already parses and changes
//! nothing until a value is edited.
//!
//! Keys with a plain default are written as values (the defaults themselves, taken from the
//! code so the file cannot drift from them); tables that have no default (`[rules]`,
//! `[[ignore]]`, `[[clusters]]`) are written as examples commented out with a bare `#`
//! (prose comments use `# `), so that deleting the `#` gives a valid table.

use std::path::Path;

use crate::config::FILE_NAME;
use crate::rules::limits::Limits;
use crate::sizing::Pricing;

/// The starter file's text.
pub fn starter() -> String {
    let limits = Limits::default();
    let pricing = Pricing::default();
    format!(
        r##"# fargate-lint configuration. Every value below is the default: edit what differs.
# Command-line options win over this file. Reference: README.md, "Configuration".

# The lowest severity that makes the exit code 1: "error", "warning", "note" or "never".
fail-on = "warning"
# Namespace of manifests that set none (and whose kustomization sets none).
default-namespace = "default"
# Paths to skip, gitignore-style globs (added to --exclude).
exclude = []
# Image globs accepted by FL201 besides ECR: on `host/path` ("ghcr.io/my-org/*"), or on
# the host alone when the glob has no `/` ("ghcr.io").
allowed-registries = []

# Severity overrides by code or name: "off", "error", "warning" or "note".
[rules]
#FL213 = "off"
#non-ecr-image = "error"

# EKS service quotas the profile rules check against (raise them if your account's are).
[limits]
selectors-per-profile = {selectors}
labels-per-selector = {labels}
profiles-per-cluster = {profiles}

# Fargate prices in dollars (us-east-1, Linux/x86), for costs in `predict` and FL213.
[pricing]
vcpu-hour = {vcpu}
gb-hour = {gb}
ephemeral-gb-hour = {ephemeral}

# Suppress findings in some files or about some objects (`paths` or `objects` needed).
#[[ignore]]
#rules = ["FL201"]
#paths = ["k8s/vendor/**"]
#objects = ["monitoring/*"]
#reason = "third-party manifests"

# Which manifests go to which cluster (default: all to every cluster). Paths and globs
# are relative to this file's folder; a table without `manifests` takes every manifest.
# `ec2-capacity` overrides the cluster file: nodes that come from outside the scanned files.
#[[clusters]]
#config = "clusters/prod.yaml"
#manifests = ["k8s/prod/**", "k8s/base/**"]
#ec2-capacity = true
"##,
        selectors = limits.selectors_per_profile,
        labels = limits.labels_per_selector,
        profiles = limits.profiles_per_cluster,
        vcpu = pricing.vcpu_hour,
        gb = pricing.gb_hour,
        ephemeral = pricing.ephemeral_gb_hour,
    )
}

/// Writes the starter file in `dir`; an existing file is kept unless `force`.
pub fn write(dir: &Path, force: bool) -> Result<std::path::PathBuf, String> {
    let path = dir.join(FILE_NAME);
    if !force && path.exists() {
        return Err(format!(
            "{} already exists; remove it or pass --force to overwrite it",
            path.display()
        ));
    }
    std::fs::write(&path, starter())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}
