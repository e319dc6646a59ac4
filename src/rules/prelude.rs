//! What every rule file needs: the context a rule reads and a way to start a finding.

pub use super::limits::Limits;
pub use super::{Precision, Rule};
pub use crate::diagnostic::{Finding, InputProblem, ObjectRef, Severity, Subject};
pub use crate::model::{Cluster, FargateProfile, Model, Text, Workload};
pub use crate::placement::{Compute, Placement, Placements};
pub use crate::source::{ClusterId, Loc, WorkloadId};

use crate::source::Files;

/// Everything a rule may read.
pub struct Context<'a> {
    pub files: &'a Files,
    pub model: &'a Model,
    /// Workload `w` of the model in each cluster `c` it belongs to: read it through
    /// [`Context::placements_of`] and the helpers built on it.
    pub placements: &'a Placements,
    pub input_problems: &'a [InputProblem],
    /// The quotas the profile rules check against.
    pub limits: Limits,
    /// `sizes[w]`: the Fargate size of the pods of workload `w`.
    pub sizes: &'a [crate::sizing::WorkloadSize],
    /// Fargate prices, for the rules that say what a change would save (FL213).
    pub pricing: crate::sizing::Pricing,
    /// Registry host globs FL201 accepts besides ECR (the built-in list and the
    /// configuration's `allowed-registries`).
    pub allowed_registries: &'a [&'a str],
    /// `--baseline REF`: the revision's side and what differs (FL3xx); `None` without.
    pub baseline: Option<crate::change::Baseline<'a>>,
}

/// Where a workload lands on Fargate, for the rules about Fargate pods: the first cluster
/// (in model order) that sends it to a profile, and how many other clusters do too. Rules
/// report one finding per workload and fault, not one per cluster: the fault is in the
/// manifest, and one fix serves every cluster.
#[derive(Debug, Clone, Copy)]
pub struct Landing<'a> {
    pub cluster: &'a Cluster,
    /// The profile's name (empty for a profile without one).
    pub profile: &'a str,
    /// Other clusters that send the workload to Fargate too.
    pub others: usize,
    /// What [`Context::profile_anchor`] finds where the profile takes the pods, once a
    /// finding needs it (most landings are asked for and make none): the workload and the
    /// profile's index in its cluster, when placement knows it.
    workload: WorkloadId,
    index: Option<usize>,
}

impl Landing<'_> {
    /// "lands on Fargate profile `apps` of cluster `prod`", with "(and in 2 other clusters)"
    /// when there are more; rules append what Fargate refuses.
    pub fn phrase(&self) -> Phrase<'_> {
        self.phrase_with("lands on")
    }

    /// Like [`Landing::phrase`] with another verb ("matches" for a DaemonSet, which
    /// Fargate never runs).
    pub fn phrase_with<'v>(&'v self, verb: &'v str) -> Phrase<'v> {
        Phrase {
            landing: self,
            verb,
        }
    }

    /// "Fargate profile `apps`": the words of [`Landing::phrase`] that name the profile, and
    /// link to where it takes the pods.
    pub fn profile_phrase(&self) -> String {
        self.profile_words().to_string()
    }

    fn profile_words(&self) -> ProfileWords<'_> {
        ProfileWords(self.profile)
    }
}

/// The words of [`Landing::phrase`], written where they are formatted (a message is
/// formatted once: no string of its own for each part).
pub struct Phrase<'a> {
    landing: &'a Landing<'a>,
    verb: &'a str,
}

impl std::fmt::Display for Phrase<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let l = self.landing;
        // No verb: the phrase starts with the profile ("Fargate profile `apps` of ...").
        if !self.verb.is_empty() {
            write!(f, "{} ", self.verb)?;
        }
        write!(f, "{} of ", l.profile_words())?;
        if l.cluster.name.is_empty() {
            f.write_str("a cluster without a name")?;
        } else {
            write!(f, "cluster `{}`", l.cluster.name)?;
        }
        match l.others {
            0 => Ok(()),
            1 => f.write_str(" (and in 1 other cluster)"),
            n => write!(f, " (and in {n} other clusters)"),
        }
    }
}

/// "Fargate profile `apps`", or "a Fargate profile without a name".
struct ProfileWords<'a>(&'a str);

impl std::fmt::Display for ProfileWords<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("a Fargate profile without a name")
        } else {
            write!(f, "Fargate profile `{}`", self.0)
        }
    }
}

impl Context<'_> {
    /// A finding of `rule` at `loc`, with the rule's default severity.
    pub fn finding(&self, rule: &Rule, loc: Loc, message: impl Into<String>) -> Finding {
        Finding::new(rule.code, rule.name, rule.severity, loc, message)
    }

    /// A finding about workload `w` (its object and identity filled in).
    pub fn workload_finding(
        &self,
        rule: &Rule,
        w: &Workload,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(rule, loc, message)
            .object(object_of(w))
            .subject(Subject::Workload(w.id))
    }

    /// Every Fargate profile of every cluster, with its cluster, in model order.
    pub fn profiles(&self) -> impl Iterator<Item = (&Cluster, &FargateProfile)> + '_ {
        self.model
            .clusters
            .iter()
            .flat_map(|c| c.profiles.iter().map(move |p| (c, p)))
    }

    /// A finding about `profile` of `cluster`: like [`Context::finding`], with the cluster
    /// and profile names filled in when the input gives them.
    pub fn profile_finding(
        &self,
        rule: &Rule,
        cluster: &Cluster,
        profile: &FargateProfile,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        let index = cluster
            .profiles
            .iter()
            .position(|p| std::ptr::eq(p, profile))
            .unwrap_or(0);
        in_profile(self.finding(rule, loc, message), cluster, profile).subject(Subject::Profile {
            cluster: cluster.id,
            index,
        })
    }

    /// Where profile `name` of `cluster` (the one at `index` when known) takes workload
    /// `w`: the namespace of its first selector that matches the pod, else the profile's
    /// name; `None` when the cluster has no such profile.
    pub fn profile_anchor(
        &self,
        cluster: &Cluster,
        name: &str,
        index: Option<usize>,
        w: WorkloadId,
    ) -> Option<Loc> {
        let w = self.model.workloads.get(w.index())?;
        fn selects<'p>(p: &'p FargateProfile, w: &Workload) -> Option<&'p crate::model::Selector> {
            p.selectors
                .iter()
                .find(|s| crate::placement::selector_matches(s, &w.namespace, &w.pod.labels))
        }
        let named = || cluster.profiles.iter().filter(|p| p.name.value == name);
        let profile = index
            .and_then(|i| cluster.profiles.get(i))
            .or_else(|| named().find(|p| selects(p, w).is_some()))
            .or_else(|| named().next())?;
        Some(
            selects(profile, w)
                .map(|s| s.namespace.as_ref().map_or(s.loc, |n| n.loc))
                .unwrap_or(profile.name.loc),
        )
    }

    /// `finding` with a link from each profile of `names`, written "`apps`" in its message
    /// from byte `from` on, to where that profile of `cluster` selects workload `w`.
    pub fn link_profiles(
        &self,
        mut finding: Finding,
        cluster: &Cluster,
        names: &[String],
        w: WorkloadId,
        from: usize,
    ) -> Finding {
        for name in names {
            if let Some(at) = self.profile_anchor(cluster, name, None, w) {
                finding = finding.link_from(
                    at,
                    format!("`{name}` selects the pods"),
                    &format!("`{name}`"),
                    from,
                );
            }
        }
        finding
    }

    /// Every cluster where a Fargate profile takes workload `w`, with the profile's name, in
    /// model order: the pods run there, or Fargate refuses them for their size (placement
    /// reason `Refused`, FL210). A refused pod keeps every other fault reported, so that
    /// fixing its size does not uncover a second round of errors.
    fn taken_by_profile(
        &self,
        w: WorkloadId,
    ) -> impl Iterator<Item = (&Cluster, &str, Option<usize>, bool)> + '_ {
        self.placements_of(w)
            .filter_map(|(cluster, p)| match &p.reason {
                crate::placement::PlacementReason::Refused { profile } => {
                    Some((cluster, profile.as_str(), None, true))
                }
                _ if p.compute == Compute::Fargate => Some((
                    cluster,
                    p.profile.as_deref().unwrap_or(""),
                    p.profile_index,
                    false,
                )),
                _ => None,
            })
    }

    /// Where a Fargate profile takes workload `w`, if one does in any cluster (whether
    /// Fargate then runs the pods or refuses them for their size).
    pub fn landing(&self, w: WorkloadId) -> Option<Landing<'_>> {
        let mut all = self.taken_by_profile(w);
        let (cluster, profile, index, _) = all.next()?;
        Some(Landing {
            cluster,
            profile,
            others: all.count(),
            workload: w,
            index,
        })
    }

    /// Where Fargate refuses workload `w`: a profile takes it, but the pod is over the
    /// largest Fargate size (placement reason `Refused`), in any cluster.
    pub fn refused_landing(&self, w: WorkloadId) -> Option<Landing<'_>> {
        let mut all = self
            .taken_by_profile(w)
            .filter(|(_, _, _, refused)| *refused);
        let (cluster, profile, index, _) = all.next()?;
        Some(Landing {
            cluster,
            profile,
            others: all.count(),
            workload: w,
            index,
        })
    }

    /// Where workload `w` would land on Fargate by its profiles' selectors alone, whatever
    /// overrides them (a DaemonSet matches profiles but never runs on Fargate).
    pub fn profile_match(&self, w: WorkloadId) -> Option<Landing<'_>> {
        let mut all = self
            .placements_of(w)
            .filter_map(|(c, p)| p.matching_profiles.first().map(|name| (c, name)));
        let (cluster, profile) = all.next()?;
        Some(Landing {
            cluster,
            profile,
            others: all.count(),
            workload: w,
            index: None,
        })
    }

    /// Every workload that a Fargate profile takes somewhere, with its landing, in model
    /// order.
    pub fn fargate_workloads(&self) -> impl Iterator<Item = (&Workload, Landing<'_>)> + '_ {
        self.model
            .workloads
            .iter()
            .filter_map(|w| self.landing(w.id).map(|l| (w, l)))
    }

    /// The Fargate size of the pods of workload `w`.
    pub fn size(&self, w: WorkloadId) -> Option<&crate::sizing::WorkloadSize> {
        self.sizes.get(w.index())
    }

    /// One finding per container of a Fargate pod that turns on a security setting Fargate
    /// refuses (`privileged`, `allowPrivilegeEscalation`): on the setting's key, saying
    /// what the container `does` and what Fargate `refuses`.
    pub fn refused_container_setting(
        &self,
        rule: &Rule,
        out: &mut Vec<Finding>,
        setting: fn(&crate::model::ContainerSecurity) -> Option<&crate::model::Label>,
        does: &str,
        refuses: &str,
        help: &'static str,
    ) {
        for (w, landing) in self.fargate_workloads() {
            for (i, c) in w.pod.containers.iter().enumerate() {
                let Some(found) = setting(&c.security) else {
                    continue;
                };
                out.push(
                    self.landing_finding(
                        rule,
                        w,
                        &landing,
                        found.key.loc,
                        format!(
                            "{} of {} {does}; it {}, which refuses {refuses}",
                            container_label(w, i),
                            workload_label(w),
                            landing.phrase()
                        ),
                    )
                    .help(help),
                );
            }
        }
    }

    /// A finding about workload `w` where it lands (`landing`): the cluster, profile and
    /// object filled in.
    pub fn landing_finding(
        &self,
        rule: &Rule,
        w: &Workload,
        landing: &Landing<'_>,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        self.object_landing_finding(rule, object_of(w), landing, loc, message)
            .subject(Subject::Workload(w.id))
    }

    /// Like [`Context::landing_finding`] for a finding on another object (a Service that
    /// sends traffic to the workload, say). The profile named in the message links to where
    /// it takes the pods, for a message that uses [`Landing::phrase`].
    pub fn object_landing_finding(
        &self,
        rule: &Rule,
        object: ObjectRef,
        landing: &Landing<'_>,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        let mut f = self.finding(rule, loc, message).object(object);
        if !landing.cluster.name.is_empty() {
            f = f.cluster(&landing.cluster.name);
        }
        if !landing.profile.is_empty() {
            f = f.profile(landing.profile);
        }
        let at = self.profile_anchor(
            landing.cluster,
            landing.profile,
            landing.index,
            landing.workload,
        );
        if let Some(at) = at {
            let phrase = landing.profile_phrase();
            f = f.link(at, format!("{phrase} selects the pods"), &phrase);
        }
        f
    }

    /// A value that is only known once the file is rendered or deployed (`${VAR}`, `!Ref`):
    /// FL002 reports it, and the rules that would check it leave it alone.
    pub fn is_placeholder(&self, text: &Text) -> bool {
        crate::model::is_placeholder(&text.value, None) || self.model.is_unresolved(text.loc)
    }
}

/// Workloads by namespace and pod label, for the rules that join objects (Services) to the
/// pods they select: a lookup per selector instead of a scan of every workload, so that
/// 10,000 Services over 10,000 workloads stay fast.
pub struct PodIndex<'a> {
    by_label: std::collections::HashMap<(&'a str, &'a str, &'a str), Vec<&'a Workload>>,
}

impl<'a> PodIndex<'a> {
    pub fn new(model: &'a Model) -> PodIndex<'a> {
        let mut by_label: std::collections::HashMap<_, Vec<&Workload>> =
            std::collections::HashMap::new();
        for w in &model.workloads {
            for l in &w.pod.labels {
                let list = by_label
                    .entry((
                        w.namespace.as_str(),
                        l.key.value.as_str(),
                        l.value.value.as_str(),
                    ))
                    .or_default();
                // A label written twice on one pod lists it once.
                if list.last().is_none_or(|last| last.id != w.id) {
                    list.push(w);
                }
            }
        }
        PodIndex { by_label }
    }

    /// The workloads of `namespace` whose pods carry every label of `selector` (exact
    /// keys and values, as Kubernetes selectors match), in model order; none for an empty
    /// selector.
    pub fn selected(&self, namespace: &str, selector: &[crate::model::Label]) -> Vec<&'a Workload> {
        let lists: Option<Vec<&Vec<&Workload>>> = selector
            .iter()
            .map(|l| {
                self.by_label
                    .get(&(namespace, l.key.value.as_str(), l.value.value.as_str()))
            })
            .collect();
        let Some(shortest) = lists
            .as_ref()
            .and_then(|lists| lists.iter().min_by_key(|l| l.len()))
        else {
            return Vec::new();
        };
        shortest
            .iter()
            .copied()
            .filter(|w| {
                selector.iter().all(|want| {
                    w.pod.labels.iter().any(|have| {
                        have.key.value == want.key.value && have.value.value == want.value.value
                    })
                })
            })
            .collect()
    }
}

/// `finding` with the names of the cluster and profile it is about, when the input gives
/// them.
pub fn in_profile(mut finding: Finding, cluster: &Cluster, profile: &FargateProfile) -> Finding {
    if !cluster.name.is_empty() {
        finding = finding.cluster(&cluster.name);
    }
    if !profile.name.value.is_empty() {
        finding = finding.profile(&profile.name.value);
    }
    finding
}

/// How a profile is named in messages: `` `fp-default` ``, or "a profile without a name".
pub fn profile_label(profile: &FargateProfile) -> String {
    if profile.name.value.is_empty() {
        "a profile without a name".to_string()
    } else {
        format!("profile `{}`", profile.name.value)
    }
}

/// The object reference of a workload, for findings about it: its key.
pub fn object_of(w: &Workload) -> ObjectRef {
    ObjectRef {
        kind: w.kind_name.as_str().into(),
        namespace: w.namespace.as_str().into(),
        name: w.name.as_str().into(),
    }
}

/// How a cluster is named in messages: "cluster `prod`", or "a cluster without a name".
pub fn cluster_label(cluster: &Cluster) -> String {
    if cluster.name.is_empty() {
        "a cluster without a name".to_string()
    } else {
        format!("cluster `{}`", cluster.name)
    }
}

/// `finding` with a link from the cluster's name in its message ([`cluster_label`]) to
/// where the cluster is defined, labelled `text`.
pub fn link_cluster(finding: Finding, cluster: &Cluster, text: impl Into<String>) -> Finding {
    finding.link(cluster.loc, text, &cluster_label(cluster))
}

/// The placement rules (FL215–FL218, FL220): they are about where a pod goes in one cluster,
/// which differs from cluster to cluster, so they report per cluster.
impl Context<'_> {
    /// Every cluster workload `w` belongs to, with its placement there, in model order:
    /// the one accessor every placement helper goes through.
    pub fn placements_of(
        &self,
        w: WorkloadId,
    ) -> impl Iterator<Item = (&Cluster, &Placement)> + '_ {
        self.placements.of(w).filter_map(|(c, p)| {
            self.model
                .clusters
                .get(c.index())
                .map(|cluster| (cluster, p))
        })
    }

    /// A finding about workload `w` placed in `cluster`: the cluster, the profile that takes
    /// it (if any) and the object filled in.
    pub fn placement_finding(
        &self,
        rule: &Rule,
        w: &Workload,
        cluster: &Cluster,
        placement: &Placement,
        loc: Loc,
        message: impl Into<String>,
    ) -> Finding {
        let mut f = self.workload_finding(rule, w, loc, message);
        if !cluster.name.is_empty() {
            f = f.cluster(&cluster.name);
        }
        if let Some(profile) = placement.profile.as_ref().filter(|p| !p.is_empty()) {
            f = f.profile(profile);
        }
        f
    }
}

/// Where to point at a workload as a whole for the profiles that match it: its namespace
/// value, else the pod template's metadata (its labels), else the object. Profiles match
/// on exactly these two.
pub fn match_anchor(w: &Workload) -> Loc {
    w.namespace_loc.or(w.pod.metadata_loc).unwrap_or(w.loc)
}

/// What happens to a pod kept off Fargate in `placement`: "run on EC2 nodes" or
/// "stay Pending" (the subject is the pods).
pub fn off_fargate_outcome(placement: &Placement) -> &'static str {
    match placement.compute {
        Compute::Pending => "stay Pending",
        _ => "run on EC2 nodes",
    }
}

/// Where to point at a container as a whole: its name, else its `requests` or `limits`
/// key, else the entry.
pub fn container_anchor(container: &crate::model::Container) -> Loc {
    container
        .name
        .as_ref()
        .map(|n| n.loc)
        .or(container.requests.key)
        .or(container.limits.key)
        .unwrap_or(container.loc)
}

/// The CPU or memory of a container's resources, for the rules that read both alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodResource {
    Cpu,
    Memory,
}

impl PodResource {
    pub const BOTH: [PodResource; 2] = [PodResource::Cpu, PodResource::Memory];

    /// "CPU" or "memory", for messages.
    pub fn name(self) -> &'static str {
        match self {
            PodResource::Cpu => "CPU",
            PodResource::Memory => "memory",
        }
    }

    /// The value written for this resource in `requests` or `limits`.
    pub fn of(self, resources: &crate::model::Resources) -> Option<&Text> {
        match self {
            PodResource::Cpu => resources.cpu.as_ref(),
            PodResource::Memory => resources.memory.as_ref(),
        }
    }

    /// The amount a quantity stands for: millicpu or bytes; `None` when it does not parse.
    pub fn amount(self, quantity: &str) -> Option<u64> {
        match self {
            PodResource::Cpu => crate::quantity::parse_cpu_millis(quantity),
            PodResource::Memory => crate::quantity::parse_bytes(quantity),
        }
    }

    /// What sizing takes as the container's request ([`crate::sizing::effective_request`]):
    /// the value that decided and its amount; `None` when neither request nor limit parses.
    pub fn request_of(self, container: &crate::model::Container) -> Option<(&Text, u64)> {
        crate::sizing::effective_request(
            self.of(&container.requests),
            self.of(&container.limits),
            match self {
                PodResource::Cpu => crate::quantity::parse_cpu_millis,
                PodResource::Memory => crate::quantity::parse_bytes,
            },
        )
    }

    /// Whether the container writes a request or a limit for this resource at all.
    pub fn is_written(self, container: &crate::model::Container) -> bool {
        self.of(&container.requests).is_some() || self.of(&container.limits).is_some()
    }
}

/// How a workload is named in messages: "Deployment `web`".
pub fn workload_label(w: &Workload) -> WorkloadLabel<'_> {
    WorkloadLabel(w)
}

/// See [`workload_label`]: written where it is formatted.
pub struct WorkloadLabel<'a>(&'a Workload);

impl std::fmt::Display for WorkloadLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0.kind_name, self.0.name)
    }
}

/// How a container is named in messages: "container `app`" (or its position when it has
/// no name).
pub fn container_label(w: &Workload, index: usize) -> ContainerLabel<'_> {
    ContainerLabel(w, index)
}

/// See [`container_label`]: written where it is formatted.
pub struct ContainerLabel<'a>(&'a Workload, usize);

impl std::fmt::Display for ContainerLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self
            .0
            .pod
            .containers
            .get(self.1)
            .and_then(|c| c.name.as_ref())
        {
            Some(name) => write!(f, "container `{}`", name.value),
            None => write!(f, "container {}", self.1 + 1),
        }
    }
}

/// A PersistentVolumeClaim a pod mounts: a claim of the scan that a `persistentVolumeClaim`
/// volume names, or a StatefulSet's claim template.
pub struct MountedClaim<'a> {
    pub claim: &'a crate::model::PersistentVolumeClaim,
    /// Where the pod asks for it: the `claimName` value; for a claim template its
    /// `storageClassName` value, else its name.
    pub loc: Loc,
    /// How it is named in messages: "the claim `data`", "the volume claim template
    /// `pgdata`".
    pub what: String,
    /// Where a claim of the scan is defined (its name), for a link from `what`; `None` for
    /// a claim template, which is in the workload itself.
    pub defined_at: Option<Loc>,
}

impl MountedClaim<'_> {
    /// `finding` with a link from the claim's name in its message to where the claim is
    /// defined.
    pub fn link(&self, finding: Finding) -> Finding {
        match self.defined_at {
            Some(at) => finding.link(at, "the claim", &self.what),
            None => finding,
        }
    }
}

/// What a claim's storage class is, as far as the scan tells.
#[derive(Debug, Clone, Copy)]
pub enum ClaimClass<'a> {
    /// A class the scan defines, named by the claim.
    Named(&'a crate::model::StorageClass),
    /// No `storageClassName`: the default class of the scan.
    Default(&'a crate::model::StorageClass),
    /// No `storageClassName`, and the scan marks no class default: the cluster's default,
    /// if it has one (EKS's `gp2` before 1.30, none from 1.30).
    ClusterDefault,
    /// A class the scan does not define.
    Unknown(&'a Text),
    /// `storageClassName: ""` (no class: a pre-made volume of no class), or a
    /// placeholder: nothing to tell.
    Unset,
}

impl Context<'_> {
    /// Every claim workload `w`'s pods mount, in volume order, then its claim templates.
    /// A claim is found in the workload's namespace; examples in several folders may reuse
    /// a name, so the claim in the same file wins, then one in the same folder.
    pub fn mounted_claims<'a>(&'a self, w: &'a Workload) -> Vec<MountedClaim<'a>> {
        let folder = |loc: Loc| {
            self.files
                .get(loc.file)
                .and_then(|f| f.path.rsplit_once('/'))
                .map_or("", |(dir, _)| dir)
        };
        let mut out = Vec::new();
        for v in &w.pod.volumes {
            let crate::model::VolumeKind::PersistentVolumeClaim {
                claim_name: Some(name),
            } = &v.kind
            else {
                continue;
            };
            let claim = self
                .model
                .claims
                .iter()
                .filter(|c| c.meta.namespace == w.namespace && c.meta.name == name.value)
                .min_by_key(|c| {
                    (
                        c.meta.loc.file != name.loc.file,
                        folder(c.meta.loc) != folder(name.loc),
                    )
                });
            if let Some(claim) = claim {
                out.push(MountedClaim {
                    claim,
                    loc: name.loc,
                    what: format!("the claim `{}`", name.value),
                    defined_at: Some(claim.meta.name_loc),
                });
            }
        }
        for t in &w.pod.claim_templates {
            out.push(MountedClaim {
                claim: t,
                loc: t.storage_class.as_ref().map_or(t.meta.name_loc, |s| s.loc),
                what: format!("the volume claim template `{}`", t.meta.name),
                defined_at: None,
            });
        }
        out
    }

    /// The storage class of `claim`, joined with the StorageClasses of the scan.
    pub fn claim_class<'a>(
        &'a self,
        claim: &'a crate::model::PersistentVolumeClaim,
    ) -> ClaimClass<'a> {
        let classes = &self.model.storage_classes;
        match &claim.storage_class {
            None => classes
                .iter()
                .find(|sc| sc.is_default)
                .map_or(ClaimClass::ClusterDefault, ClaimClass::Default),
            Some(name) if name.value.is_empty() || self.is_placeholder(name) => ClaimClass::Unset,
            Some(name) => classes
                .iter()
                .find(|sc| sc.name.value == name.value)
                .map_or(ClaimClass::Unknown(name), ClaimClass::Named),
        }
    }
}

/// A role that serves, or is meant to serve, as a pod execution role: one a profile uses
/// (by the resource it refers to, or by the role name of its ARN), or one whose trust
/// policy names the Fargate pods principal. What FL112 and FL113 check.
pub struct PodExecutionRole<'a> {
    pub role: &'a crate::model::IamRole,
    /// The profiles that use it, in model order.
    pub used_by: Vec<(&'a Cluster, &'a FargateProfile)>,
}

/// Every [`PodExecutionRole`] of the model, in model order: roles looked up by key and by
/// name, so that a scan of many roles and profiles stays linear.
pub fn pod_execution_roles<'a>(cx: &Context<'a>) -> Vec<PodExecutionRole<'a>> {
    use std::collections::HashMap;
    let roles = &cx.model.roles;
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in roles.iter().enumerate() {
        if let Some(k) = &r.key {
            by_key.insert(k, i);
        }
        if let Some(n) = &r.role_name {
            by_name.entry(n).or_default().push(i);
        }
    }
    let mut used_by: Vec<Vec<(&'a Cluster, &'a FargateProfile)>> = vec![Vec::new(); roles.len()];
    for c in &cx.model.clusters {
        for p in &c.profiles {
            let by_resource = p.role_resource.as_deref().and_then(|k| by_key.get(k));
            let named = p
                .role
                .as_ref()
                .and_then(|r| crate::model::role_name_of_arn(&r.value))
                .and_then(|n| by_name.get(n));
            let found: Vec<usize> = match (by_resource, named) {
                (Some(&i), _) => vec![i],
                (None, Some(all)) => all.clone(),
                (None, None) => Vec::new(),
            };
            for i in found {
                used_by[i].push((c, p));
            }
        }
    }
    roles
        .iter()
        .zip(used_by)
        .filter(|(r, used)| {
            !used.is_empty() || r.trust.as_ref().is_some_and(crate::model::trusts_fargate)
        })
        .map(|(role, used_by)| PodExecutionRole { role, used_by })
        .collect()
}

impl PodExecutionRole<'_> {
    /// "role `FargateRole`", and the first profile that uses it when one does.
    pub fn phrase(&self) -> String {
        let what = format!("role `{}`", self.role.label);
        match self.used_by.first() {
            Some((_, p)) => format!("{what} (the pod execution role of {})", profile_label(p)),
            None => what,
        }
    }

    /// What has the trust policy: "the trust policy of role `X` (...)", or the policy
    /// document itself.
    pub fn trust_phrase(&self) -> String {
        if self.role.definition {
            format!("the trust policy of {}", self.phrase())
        } else if self.role.label.is_empty() {
            "this trust policy".to_string()
        } else {
            format!("the trust policy `{}`", self.role.label)
        }
    }
}

/// Where pods run, for the FL3xx messages: "Fargate profile `apps` (0.5 vCPU 1 GB,
/// $29.67/month)", "EC2 nodes", "Pending".
pub fn place_phrase(p: &crate::change::Place) -> String {
    match p.compute {
        Compute::Fargate => {
            let profile = match p.profile.as_deref() {
                Some(name) if !name.is_empty() => format!("Fargate profile `{name}`"),
                _ => "a Fargate profile without a name".to_string(),
            };
            match (p.size, p.monthly_cost) {
                (Some(z), Some(cost)) => format!(
                    "{profile} ({} vCPU {} GB, ${cost:.2}/month)",
                    z.vcpu(),
                    z.memory_gb()
                ),
                _ => profile,
            }
        }
        Compute::Ec2 => "EC2 nodes".to_string(),
        Compute::Pending => "Pending (no node takes them)".to_string(),
    }
}

/// A workload by its key in messages: "Deployment `apps/web`".
pub fn workload_phrase(k: &crate::model::WorkloadKey) -> String {
    format!("{} `{}/{}`", k.kind, k.namespace, k.name)
}

/// The workloads that profile `name` of cluster `cluster` placed at the baseline, each with
/// where its pods go in the working tree: "Deployment `apps/web` goes to EC2 nodes".
pub fn placed_by(
    baseline: &crate::change::Baseline<'_>,
    cluster: &crate::model::ClusterKey,
    name: &str,
) -> Vec<String> {
    baseline
        .changes
        .placements
        .iter()
        .filter(|p| &p.cluster == cluster)
        .filter(|p| {
            p.before.as_ref().is_some_and(|b| {
                b.compute == Compute::Fargate && b.profile.as_deref() == Some(name)
            })
        })
        .map(|p| match &p.after {
            Some(a) => format!(
                "{} goes to {}",
                workload_phrase(&p.workload),
                place_phrase(a)
            ),
            None => format!(
                "{} is gone from the working tree",
                workload_phrase(&p.workload)
            ),
        })
        .collect()
}

/// "; the pods it placed are deleted with it: A goes to X, B goes to Y", or that it placed
/// none among the files read.
pub fn evicted_text(placed: &[String]) -> String {
    if placed.is_empty() {
        "; it placed no pod of the files read".to_string()
    } else {
        format!(
            "; the pods it placed are deleted with it: {}",
            placed.join(", ")
        )
    }
}
