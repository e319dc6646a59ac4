//! The placement engine: which Fargate profile (if any) takes the pods of a workload, or
//! whether they go to EC2 nodes or stay Pending. It follows `fargate.md` §1 exactly and is a
//! pure function of one cluster and one workload.

use crate::model::{Cluster, FargateProfile, Label, Selector, Workload, WorkloadKind};
use crate::source::{ClusterId, WorkloadId};

/// Pod label that pins a pod to one profile by name.
pub const PROFILE_LABEL: &str = "eks.amazonaws.com/fargate-profile";
/// Pod annotation that keeps a pod off Fargate when its value is [`COMPUTE_TYPE_EC2`].
pub const COMPUTE_TYPE_ANNOTATION: &str = "eks.amazonaws.com/compute-type";
pub const COMPUTE_TYPE_EC2: &str = "ec2";
pub const DEFAULT_SCHEDULER: &str = "default-scheduler";
pub const FARGATE_SCHEDULER: &str = "fargate-scheduler";

pub use crate::pattern::wildcard_match;

/// Where the pods of a workload run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compute {
    Fargate,
    Ec2,
    Pending,
}

/// Why a workload was placed where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementReason {
    /// Exactly one profile matched.
    Matched,
    /// Several profiles matched; the first by name (plain string order) was taken.
    NameOrder,
    /// The pod label `eks.amazonaws.com/fargate-profile` named a profile that matches it.
    Pinned,
    /// The pinned profile does not exist (`exists: false`) or does not match the pod:
    /// the pod does not go to Fargate, even if other profiles match.
    PinnedMismatch { pinned: String, exists: bool },
    /// `eks.amazonaws.com/compute-type: ec2` on the pod template overrides a matching profile.
    ComputeTypeEc2,
    /// `schedulerName: fargate-scheduler` but no profile matches: Pending, whatever EC2
    /// capacity the cluster has.
    FargateSchedulerNoMatch,
    /// A scheduler other than `default-scheduler` / `fargate-scheduler` owns the pod.
    CustomScheduler(String),
    /// DaemonSets never run on Fargate.
    DaemonSet,
    /// No profile matches.
    NoMatch,
    /// Profile `profile` takes the pod, but the Fargate scheduler refuses it: it needs more
    /// than the largest Fargate size or ephemeral storage (fargate.md §5), so it stays
    /// Pending (`POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE`). See [`refuse`].
    Refused { profile: String },
}

/// The placement of the pods of one workload in one cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub compute: Compute,
    /// The profile that takes the pods; set iff `compute == Fargate`.
    pub profile: Option<String>,
    /// Index of that profile in `cluster.profiles`; set iff `compute == Fargate`.
    pub profile_index: Option<usize>,
    /// Every profile whose selectors match the pod, sorted by name (plain string order),
    /// also when something overrides them (DaemonSet, compute-type, scheduler, pinning).
    pub matching_profiles: Vec<String>,
    pub reason: PlacementReason,
}

/// Where every workload lands in every cluster it belongs to. `[[clusters]]` of the
/// configuration may give a cluster only some manifests; a workload has no placement in the
/// others. Every reader (outputs, summary, rules) goes through these methods, so none can
/// forget that a placement may be missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placements {
    /// `rows[w][c]`: workload `w` in cluster `c`, `None` when `w` is not for `c`.
    rows: Vec<Vec<Option<Placement>>>,
}

impl Placements {
    pub fn new(rows: Vec<Vec<Option<Placement>>>) -> Placements {
        Placements { rows }
    }

    /// Workload `w` in cluster `c`, if it belongs there.
    pub fn get(&self, w: WorkloadId, c: ClusterId) -> Option<&Placement> {
        self.rows.get(w.index())?.get(c.index())?.as_ref()
    }

    /// The clusters (in model order) workload `w` belongs to, with its placement.
    pub fn of(&self, w: WorkloadId) -> impl Iterator<Item = (ClusterId, &Placement)> + '_ {
        self.rows
            .get(w.index())
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(c, p)| {
                p.as_ref()
                    .map(|p| (ClusterId(u32::try_from(c).unwrap_or(u32::MAX)), p))
            })
    }

    /// Every placement (workload × cluster it belongs to).
    pub fn all(&self) -> impl Iterator<Item = &Placement> + '_ {
        self.rows.iter().flatten().flatten()
    }
}

/// A Fargate placement of a pod that Fargate cannot size becomes Pending: the profile takes
/// it, the scheduler refuses it. Any other placement is returned as it is. Kept apart from
/// [`place`] because it needs the pod's size, which [`crate::sizing`] computes.
pub fn refuse(placement: Placement, fits: bool) -> Placement {
    if fits || placement.compute != Compute::Fargate {
        return placement;
    }
    Placement {
        compute: Compute::Pending,
        reason: PlacementReason::Refused {
            profile: placement.profile.unwrap_or_default(),
        },
        profile: None,
        profile_index: None,
        matching_profiles: placement.matching_profiles,
    }
}

/// A selector matches when its namespace pattern matches and every one of its label pairs
/// matches some label of the pod (key and value of the same pod label). A selector without
/// a namespace is invalid (EKS and eksctl refuse it), so it matches nothing.
pub fn selector_matches(selector: &Selector, namespace: &str, labels: &[Label]) -> bool {
    let Some(selector_namespace) = &selector.namespace else {
        return false;
    };
    wildcard_match(&selector_namespace.value, namespace)
        && selector.labels.iter().all(|wanted| {
            labels.iter().any(|have| {
                wildcard_match(&wanted.key.value, &have.key.value)
                    && wildcard_match(&wanted.value.value, &have.value.value)
            })
        })
}

/// A profile matches when any of its selectors does (none: never).
pub fn profile_matches(profile: &FargateProfile, namespace: &str, labels: &[Label]) -> bool {
    profile
        .selectors
        .iter()
        .any(|selector| selector_matches(selector, namespace, labels))
}

/// The profile a pod pins itself to with the `eks.amazonaws.com/fargate-profile` label
/// (first such label, should the input repeat the key).
pub fn pinned_profile(labels: &[Label]) -> Option<&str> {
    labels
        .iter()
        .find(|label| label.key.value == PROFILE_LABEL)
        .map(|label| label.value.value.as_str())
}

/// Whether the pod template carries `eks.amazonaws.com/compute-type: ec2` (first such
/// annotation, should the input repeat the key).
pub fn has_compute_type_ec2(annotations: &[Label]) -> bool {
    annotations
        .iter()
        .find(|annotation| annotation.key.value == COMPUTE_TYPE_ANNOTATION)
        .is_some_and(|annotation| annotation.value.value == COMPUTE_TYPE_EC2)
}

/// Which scheduler owns the pod. An empty `schedulerName` is defaulted by the API server to
/// `default-scheduler`, so it counts as the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheduler<'a> {
    Default,
    Fargate,
    Custom(&'a str),
}

fn scheduler_of(workload: &Workload) -> Scheduler<'_> {
    match workload
        .pod
        .scheduler_name
        .as_ref()
        .map(|s| s.value.as_str())
    {
        None | Some("") | Some(DEFAULT_SCHEDULER) => Scheduler::Default,
        Some(FARGATE_SCHEDULER) => Scheduler::Fargate,
        Some(other) => Scheduler::Custom(other),
    }
}

/// The profiles EKS would actually hold in a cluster, by name: a name defined twice can only
/// be created once, so the first definition wins and later ones are ignored. Sorted by name
/// in plain (byte) string order, the order Fargate breaks ties in. Made once per cluster
/// ([`ProfileOrder::of`]) and shared by the placement of every workload.
pub struct ProfileOrder<'c> {
    cluster: &'c Cluster,
    /// (name, index in `cluster.profiles`), sorted by name, one per name.
    by_name: Vec<(&'c str, usize)>,
}

impl<'c> ProfileOrder<'c> {
    pub fn of(cluster: &'c Cluster) -> ProfileOrder<'c> {
        let mut by_name: Vec<(&str, usize)> = cluster
            .profiles
            .iter()
            .enumerate()
            .map(|(index, profile)| (profile.name.value.as_str(), index))
            .collect();
        // Stable: of two definitions of a name, the first stays first and is kept.
        by_name.sort_by(|a, b| a.0.cmp(b.0));
        by_name.dedup_by(|later, first| later.0 == first.0);
        ProfileOrder { cluster, by_name }
    }

    fn contains(&self, name: &str) -> bool {
        self.by_name
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .is_ok()
    }
}

/// Where the pods of `workload` land in `cluster`.
///
/// Precedence, first applicable wins, following the order in which EKS components see the
/// pod:
///
/// 1. **DaemonSet**: never Fargate. DaemonSet pods are bound to nodes by the DaemonSet
///    controller; Fargate's webhook leaves them alone and there is no Fargate node to bind to.
/// 2. **Custom scheduler**: a pod owned by another scheduler is that scheduler's business;
///    it does not go to Fargate (and we say so).
/// 3. **`compute-type: ec2`**: the Fargate mutating webhook skips annotated pods before
///    looking at profiles or the pinning label, so pinning cannot override it. Reason
///    `ComputeTypeEc2` when some profile matched (the annotation made the difference),
///    otherwise the reason the pod would have missed Fargate anyway.
/// 4. **Pinning label**: the webhook uses the named profile only; it must exist and match,
///    other matching profiles do not count.
/// 5. **Profile match**: one match → `Matched`; several → first by name, `NameOrder`.
/// 6. **No match** → `NoMatch`, or `FargateSchedulerNoMatch` for a `fargate-scheduler` pod.
///
/// Off Fargate, the pod goes to EC2 when the cluster has EC2 capacity, else stays Pending;
/// except that a pod with `schedulerName: fargate-scheduler` is only ever scheduled by the
/// Fargate scheduler, which takes only pods the webhook placed on a profile: it stays Pending
/// whatever EC2 capacity exists, whichever of the reasons above kept it off Fargate.
pub fn place(cluster: &Cluster, workload: &Workload) -> Placement {
    place_among(&ProfileOrder::of(cluster), workload)
}

/// [`place`] with the cluster's profile order made once for every workload.
pub fn place_among(profiles: &ProfileOrder<'_>, workload: &Workload) -> Placement {
    let cluster = profiles.cluster;
    let pod = &workload.pod;
    let namespace = workload.namespace.as_str();
    let matching: Vec<(&str, usize)> = profiles
        .by_name
        .iter()
        .copied()
        .filter(|&(_, index)| {
            cluster
                .profiles
                .get(index)
                .is_some_and(|profile| profile_matches(profile, namespace, &pod.labels))
        })
        .collect();
    let matching_profiles: Vec<String> = matching.iter().map(|&(n, _)| n.to_string()).collect();
    let scheduler = scheduler_of(workload);

    let off_fargate = |reason: PlacementReason| Placement {
        compute: if scheduler == Scheduler::Fargate || !cluster.ec2_capacity {
            Compute::Pending
        } else {
            Compute::Ec2
        },
        profile: None,
        profile_index: None,
        matching_profiles: matching_profiles.clone(),
        reason,
    };
    let on_fargate = |name: &str, index: usize, reason: PlacementReason| Placement {
        compute: Compute::Fargate,
        profile: Some(name.to_string()),
        profile_index: Some(index),
        matching_profiles: matching_profiles.clone(),
        reason,
    };
    let no_match_reason = if scheduler == Scheduler::Fargate {
        PlacementReason::FargateSchedulerNoMatch
    } else {
        PlacementReason::NoMatch
    };

    if workload.kind == WorkloadKind::DaemonSet {
        return off_fargate(PlacementReason::DaemonSet);
    }
    if let Scheduler::Custom(name) = scheduler {
        return off_fargate(PlacementReason::CustomScheduler(name.to_string()));
    }
    if has_compute_type_ec2(&pod.annotations) {
        return off_fargate(if matching.is_empty() {
            no_match_reason
        } else {
            PlacementReason::ComputeTypeEc2
        });
    }
    if let Some(pinned) = pinned_profile(&pod.labels) {
        return match matching.iter().find(|&&(name, _)| name == pinned) {
            Some(&(name, index)) => on_fargate(name, index, PlacementReason::Pinned),
            None => off_fargate(PlacementReason::PinnedMismatch {
                pinned: pinned.to_string(),
                exists: profiles.contains(pinned),
            }),
        };
    }
    match matching.as_slice() {
        [] => off_fargate(no_match_reason),
        [(name, index)] => on_fargate(name, *index, PlacementReason::Matched),
        [(name, index), ..] => on_fargate(name, *index, PlacementReason::NameOrder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dialect, PodFacts, RoleOrigin, Text};
    use crate::source::Loc;
    use proptest::prelude::*;

    fn text(value: &str) -> Text {
        Text {
            value: value.to_string(),
            loc: Loc::default(),
            quoted: false,
        }
    }

    fn label(key: &str, value: &str) -> Label {
        Label {
            key: text(key),
            value: text(value),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> Vec<Label> {
        pairs.iter().map(|&(k, v)| label(k, v)).collect()
    }

    fn selector(namespace: &str, pairs: &[(&str, &str)]) -> Selector {
        Selector {
            namespace: Some(text(namespace)),
            labels: labels(pairs),
            loc: Loc::default(),
        }
    }

    fn profile(name: &str, selectors: Vec<Selector>) -> FargateProfile {
        FargateProfile {
            name: text(name),
            role: None,
            role_origin: RoleOrigin::CreatedByTool,
            dialect: Dialect {
                tool: "eksctl",
                role_key: "podExecutionRoleARN",
                name_key: "name",
                default_role_key: None,
                created_role: None,
                requires_selectors: true,
            },
            selectors,
            selectors_key: None,
            subnets: Vec::new(),
            loc: Loc::default(),
            role_resource: None,
        }
    }

    fn cluster(profiles: Vec<FargateProfile>, ec2_capacity: bool) -> Cluster {
        Cluster {
            id: ClusterId::default(),
            profiles_only: false,
            name: "demo".to_string(),
            region: Some("us-east-1".to_string()),
            files: Vec::new(),
            profiles,
            ec2_capacity,
            default_role: None,
            public_subnets: Vec::new(),
            private_subnets: Vec::new(),
            version: None,
            loc: Loc::default(),
        }
    }

    fn workload(namespace: &str, pod_labels: &[(&str, &str)]) -> Workload {
        Workload {
            id: WorkloadId::default(),
            kind: WorkloadKind::Deployment,
            kind_name: "Deployment".to_string(),
            kind_loc: None,
            name: "web".to_string(),
            namespace: namespace.to_string(),
            namespace_loc: None,
            replicas: 1,
            annotations: Vec::new(),
            pod: PodFacts {
                labels: labels(pod_labels),
                ..PodFacts::default()
            },
            loc: Loc::default(),
            variant: None,
        }
    }

    fn with_kind(mut w: Workload, kind: WorkloadKind) -> Workload {
        w.kind = kind;
        w.kind_name = format!("{kind:?}");
        w
    }

    fn with_scheduler(mut w: Workload, scheduler: &str) -> Workload {
        w.pod.scheduler_name = Some(text(scheduler));
        w
    }

    fn with_annotation(mut w: Workload, key: &str, value: &str) -> Workload {
        w.pod.annotations.push(label(key, value));
        w
    }

    /// One profile `fp-default` selecting namespace `default`, no labels.
    fn default_cluster(ec2_capacity: bool) -> Cluster {
        cluster(
            vec![profile("fp-default", vec![selector("default", &[])])],
            ec2_capacity,
        )
    }

    // --- wildcards -------------------------------------------------------------------

    #[test]
    fn wildcard_star_suffix_prefix_and_middle() {
        assert!(wildcard_match("prod*", "prod"));
        assert!(wildcard_match("prod*", "production"));
        assert!(!wildcard_match("prod*", "preprod"));
        assert!(wildcard_match("*dev", "dev"));
        assert!(wildcard_match("*dev", "team-dev"));
        assert!(!wildcard_match("*dev", "dev-team"));
        assert!(wildcard_match("a*z", "az"));
        assert!(wildcard_match("a*z", "a-to-z"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("**", ""));
    }

    #[test]
    fn wildcard_question_mark_is_exactly_one_char() {
        assert!(wildcard_match("value?", "valuea"));
        assert!(!wildcard_match("value?", "value"));
        assert!(!wildcard_match("value?", "value-a"));
        assert!(wildcard_match("?", "x"));
        assert!(!wildcard_match("?", ""));
        assert!(!wildcard_match("?", "xy"));
    }

    #[test]
    fn wildcard_question_mark_is_one_unicode_char_not_byte() {
        assert!(wildcard_match("caf?", "café"));
        assert!(wildcard_match("?", "日"));
        assert!(!wildcard_match("??", "日"));
        assert!(wildcard_match("*本", "日本"));
    }

    #[test]
    fn wildcard_star_then_question_mark() {
        // `frontend*?`: at least one character after `frontend`.
        assert!(wildcard_match("frontend*?", "frontend1"));
        assert!(wildcard_match("frontend*?", "frontend-web"));
        assert!(!wildcard_match("frontend*?", "frontend"));
        assert!(!wildcard_match("frontend*?", "backend-1"));
    }

    #[test]
    fn wildcard_nothing_else_is_special() {
        assert!(!wildcard_match("prod.", "prodx"));
        assert!(wildcard_match("prod.", "prod."));
        assert!(!wildcard_match("[ab]", "a"));
        assert!(wildcard_match("[ab]", "[ab]"));
        assert!(!wildcard_match("^prod$", "prod"));
        assert!(!wildcard_match("prod+", "prodd"));
        assert!(!wildcard_match("a\\*", "ab"));
        assert!(wildcard_match("a\\*", "a\\b"));
    }

    #[test]
    fn wildcard_is_case_sensitive_and_exact() {
        assert!(wildcard_match("default", "default"));
        assert!(!wildcard_match("default", "Default"));
        assert!(!wildcard_match("default", "default2"));
        assert!(!wildcard_match("", "x"));
        assert!(wildcard_match("", ""));
    }

    #[test]
    fn wildcard_no_exponential_blowup() {
        let text = "a".repeat(20_000);
        let pattern = "*a".repeat(30) + "*b";
        let started = std::time::Instant::now();
        assert!(!wildcard_match(&pattern, &text));
        assert!(wildcard_match(&pattern, &(text.clone() + "b")));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    /// The obvious recursive definition, exponential but fine on tiny inputs.
    fn reference_match(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|i| reference_match(rest, &text[i..])),
            Some(('?', rest)) => !text.is_empty() && reference_match(rest, &text[1..]),
            Some((c, rest)) => text.first() == Some(c) && reference_match(rest, &text[1..]),
        }
    }

    proptest! {
        #[test]
        fn wildcard_agrees_with_reference(pattern in "[ab*?]{0,8}", text in "[ab]{0,10}") {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            prop_assert_eq!(wildcard_match(&pattern, &text), reference_match(&p, &t));
        }

        #[test]
        fn wildcard_agrees_with_reference_unicode(pattern in "[aé*?]{0,6}", text in "[aé]{0,8}") {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            prop_assert_eq!(wildcard_match(&pattern, &text), reference_match(&p, &t));
        }

        #[test]
        fn literal_pattern_matches_only_itself(a in "[a-c.]{0,6}", b in "[a-c.]{0,6}") {
            prop_assert_eq!(wildcard_match(&a, &b), a == b);
        }
    }

    // --- selectors -------------------------------------------------------------------

    #[test]
    fn selector_with_wildcard_namespace() {
        let prod = selector("prod*", &[]);
        assert!(selector_matches(&prod, "prod", &[]));
        assert!(selector_matches(&prod, "prod-eu", &[]));
        assert!(!selector_matches(&prod, "staging", &[]));
        let dev = selector("*dev", &[]);
        assert!(selector_matches(&dev, "team-dev", &[]));
        assert!(!selector_matches(&dev, "dev-team", &[]));
    }

    #[test]
    fn selector_without_labels_matches_every_pod_of_its_namespace() {
        let s = selector("default", &[]);
        assert!(selector_matches(&s, "default", &[]));
        assert!(selector_matches(&s, "default", &labels(&[("app", "web")])));
        assert!(!selector_matches(&s, "other", &labels(&[("app", "web")])));
    }

    #[test]
    fn selector_without_namespace_matches_nothing() {
        let s = Selector {
            namespace: None,
            labels: Vec::new(),
            loc: Loc::default(),
        };
        assert!(!selector_matches(&s, "default", &[]));
        assert!(!selector_matches(&s, "", &[]));
    }

    #[test]
    fn selector_needs_every_label_pair() {
        let s = selector("default", &[("app", "web"), ("tier", "front")]);
        let both = labels(&[("tier", "front"), ("app", "web"), ("extra", "x")]);
        assert!(selector_matches(&s, "default", &both));
        assert!(!selector_matches(&s, "default", &labels(&[("app", "web")])));
        assert!(!selector_matches(
            &s,
            "default",
            &labels(&[("app", "web"), ("tier", "back")])
        ));
        assert!(!selector_matches(&s, "default", &[]));
        // The namespace must match too, labels or not.
        assert!(!selector_matches(&s, "other", &both));
    }

    #[test]
    fn selector_label_value_wildcards() {
        let s = selector("default", &[("key", "value?")]);
        assert!(selector_matches(
            &s,
            "default",
            &labels(&[("key", "valuea")])
        ));
        assert!(!selector_matches(
            &s,
            "default",
            &labels(&[("key", "value")])
        ));
        assert!(!selector_matches(
            &s,
            "default",
            &labels(&[("key", "value-a")])
        ));
    }

    #[test]
    fn selector_wildcard_key_needs_one_pod_label_with_matching_key_and_value() {
        let s = selector("default", &[("key?", "value?")]);
        assert!(selector_matches(
            &s,
            "default",
            &labels(&[("keya", "valuea")])
        ));
        // Key of one label and value of another do not add up to a match.
        assert!(!selector_matches(
            &s,
            "default",
            &labels(&[("keya", "other"), ("zzz", "valuea")])
        ));
        // But another pod label may supply the pair.
        assert!(selector_matches(
            &s,
            "default",
            &labels(&[("keya", "other"), ("keyb", "valueb")])
        ));
        assert!(!selector_matches(
            &s,
            "default",
            &labels(&[("key", "valuea")])
        ));
    }

    #[test]
    fn profile_matches_when_any_selector_matches() {
        let p = profile(
            "fp",
            vec![
                selector("kube-system", &[("k8s-app", "kube-dns")]),
                selector("default", &[]),
            ],
        );
        assert!(profile_matches(&p, "default", &[]));
        assert!(profile_matches(
            &p,
            "kube-system",
            &labels(&[("k8s-app", "kube-dns")])
        ));
        assert!(!profile_matches(&p, "kube-system", &[]));
        assert!(!profile_matches(
            &profile("empty", Vec::new()),
            "default",
            &[]
        ));
    }

    // --- place -----------------------------------------------------------------------

    #[test]
    fn one_matching_profile() {
        let p = place(&default_cluster(false), &workload("default", &[]));
        assert_eq!(p.compute, Compute::Fargate);
        assert_eq!(p.profile.as_deref(), Some("fp-default"));
        assert_eq!(p.profile_index, Some(0));
        assert_eq!(p.matching_profiles, vec!["fp-default".to_string()]);
        assert_eq!(p.reason, PlacementReason::Matched);
    }

    #[test]
    fn pod_labels_and_namespace_of_the_workload_are_matched() {
        let c = cluster(
            vec![profile("fp", vec![selector("apps", &[("app", "web")])])],
            false,
        );
        assert_eq!(
            place(&c, &workload("apps", &[("app", "web")])).compute,
            Compute::Fargate
        );
        assert_eq!(
            place(&c, &workload("default", &[("app", "web")])).compute,
            Compute::Pending
        );
        assert_eq!(
            place(&c, &workload("apps", &[("app", "api")])).compute,
            Compute::Pending
        );
    }

    #[test]
    fn several_matches_take_first_name_in_plain_string_order() {
        // Defined out of order; `B` sorts before `a` and `fp-10` before `fp-2` in byte order.
        let c = cluster(
            vec![
                profile("fp-2", vec![selector("default", &[])]),
                profile("a", vec![selector("default", &[])]),
                profile("fp-10", vec![selector("default", &[])]),
                profile("B", vec![selector("*", &[])]),
                profile("unrelated", vec![selector("other", &[])]),
            ],
            true,
        );
        let p = place(&c, &workload("default", &[]));
        assert_eq!(p.compute, Compute::Fargate);
        assert_eq!(p.profile.as_deref(), Some("B"));
        assert_eq!(p.profile_index, Some(3));
        assert_eq!(p.reason, PlacementReason::NameOrder);
        assert_eq!(p.matching_profiles, vec!["B", "a", "fp-10", "fp-2"]);
    }

    #[test]
    fn duplicate_profile_names_use_the_first_definition() {
        let c = cluster(
            vec![
                profile("fp", vec![selector("other", &[])]),
                profile("fp", vec![selector("default", &[])]),
            ],
            false,
        );
        // The second `fp` is never created, so nothing matches.
        let p = place(&c, &workload("default", &[]));
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::NoMatch);
        assert!(p.matching_profiles.is_empty());

        let c = cluster(
            vec![
                profile("fp", vec![selector("default", &[])]),
                profile("fp", vec![selector("default", &[])]),
            ],
            false,
        );
        let p = place(&c, &workload("default", &[]));
        assert_eq!(p.profile_index, Some(0));
        assert_eq!(p.reason, PlacementReason::Matched);
        assert_eq!(p.matching_profiles, vec!["fp"]);
    }

    fn two_profile_cluster() -> Cluster {
        cluster(
            vec![
                profile("aaa", vec![selector("default", &[])]),
                profile("zzz", vec![selector("default", &[("app", "web")])]),
                profile("only-kube-system", vec![selector("kube-system", &[])]),
            ],
            true,
        )
    }

    #[test]
    fn pinned_profile_that_matches_wins_over_name_order() {
        let w = workload("default", &[("app", "web"), (PROFILE_LABEL, "zzz")]);
        let p = place(&two_profile_cluster(), &w);
        assert_eq!(p.compute, Compute::Fargate);
        assert_eq!(p.profile.as_deref(), Some("zzz"));
        assert_eq!(p.profile_index, Some(1));
        assert_eq!(p.reason, PlacementReason::Pinned);
        assert_eq!(p.matching_profiles, vec!["aaa", "zzz"]);
    }

    #[test]
    fn pinned_profile_that_does_not_match_keeps_pod_off_fargate() {
        let w = workload("default", &[(PROFILE_LABEL, "only-kube-system")]);
        let p = place(&two_profile_cluster(), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.profile, None);
        assert_eq!(p.profile_index, None);
        assert_eq!(
            p.reason,
            PlacementReason::PinnedMismatch {
                pinned: "only-kube-system".to_string(),
                exists: true
            }
        );
        // `aaa` matches but the pin overrides it.
        assert_eq!(p.matching_profiles, vec!["aaa"]);
    }

    #[test]
    fn pinned_profile_that_does_not_exist_keeps_pod_off_fargate() {
        let w = workload("default", &[(PROFILE_LABEL, "gone")]);
        let mut c = two_profile_cluster();
        c.ec2_capacity = false;
        let p = place(&c, &w);
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(
            p.reason,
            PlacementReason::PinnedMismatch {
                pinned: "gone".to_string(),
                exists: false
            }
        );
    }

    #[test]
    fn compute_type_ec2_overrides_a_matching_profile() {
        let w = with_annotation(workload("default", &[]), COMPUTE_TYPE_ANNOTATION, "ec2");
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.profile, None);
        assert_eq!(p.reason, PlacementReason::ComputeTypeEc2);
        assert_eq!(p.matching_profiles, vec!["fp-default"]);
        // Without EC2 capacity the pod has nowhere to go.
        let p = place(&default_cluster(false), &w);
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::ComputeTypeEc2);
    }

    #[test]
    fn compute_type_ec2_without_a_match_is_just_no_match() {
        let w = with_annotation(workload("other", &[]), COMPUTE_TYPE_ANNOTATION, "ec2");
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.reason, PlacementReason::NoMatch);
    }

    #[test]
    fn compute_type_ec2_beats_pinning() {
        let w = with_annotation(
            workload("default", &[(PROFILE_LABEL, "fp-default")]),
            COMPUTE_TYPE_ANNOTATION,
            "ec2",
        );
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.reason, PlacementReason::ComputeTypeEc2);
    }

    #[test]
    fn other_compute_type_values_change_nothing() {
        let w = with_annotation(workload("default", &[]), COMPUTE_TYPE_ANNOTATION, "fargate");
        assert_eq!(place(&default_cluster(true), &w).compute, Compute::Fargate);
        // The annotation belongs on the pod template; a label of that name does nothing.
        let w = workload("default", &[(COMPUTE_TYPE_ANNOTATION, "ec2")]);
        assert_eq!(place(&default_cluster(true), &w).compute, Compute::Fargate);
    }

    #[test]
    fn fargate_scheduler_without_match_is_pending_even_with_ec2() {
        let w = with_scheduler(workload("other", &[]), FARGATE_SCHEDULER);
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::FargateSchedulerNoMatch);
        assert!(p.matching_profiles.is_empty());
    }

    #[test]
    fn fargate_scheduler_with_match_runs_on_fargate() {
        let w = with_scheduler(workload("default", &[]), FARGATE_SCHEDULER);
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Fargate);
        assert_eq!(p.reason, PlacementReason::Matched);
    }

    #[test]
    fn fargate_scheduler_kept_off_fargate_otherwise_is_pending_too() {
        // Pinned elsewhere: the Fargate scheduler never gets a placed pod, EC2 never sees it.
        let w = with_scheduler(
            workload("default", &[(PROFILE_LABEL, "gone")]),
            FARGATE_SCHEDULER,
        );
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Pending);
        assert!(matches!(p.reason, PlacementReason::PinnedMismatch { .. }));
        let w = with_annotation(
            with_scheduler(workload("default", &[]), FARGATE_SCHEDULER),
            COMPUTE_TYPE_ANNOTATION,
            "ec2",
        );
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::ComputeTypeEc2);
    }

    #[test]
    fn custom_scheduler_is_not_fargate() {
        let w = with_scheduler(workload("default", &[]), "my-scheduler");
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.profile, None);
        assert_eq!(
            p.reason,
            PlacementReason::CustomScheduler("my-scheduler".to_string())
        );
        assert_eq!(p.matching_profiles, vec!["fp-default"]);
        assert_eq!(place(&default_cluster(false), &w).compute, Compute::Pending);
    }

    #[test]
    fn default_scheduler_named_or_empty_is_the_default() {
        for name in [DEFAULT_SCHEDULER, ""] {
            let w = with_scheduler(workload("default", &[]), name);
            let p = place(&default_cluster(false), &w);
            assert_eq!(p.compute, Compute::Fargate, "{name:?}");
            assert_eq!(p.reason, PlacementReason::Matched);
        }
    }

    #[test]
    fn no_match_goes_to_ec2_when_the_cluster_has_some() {
        let p = place(&default_cluster(true), &workload("other", &[]));
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.profile, None);
        assert_eq!(p.profile_index, None);
        assert_eq!(p.reason, PlacementReason::NoMatch);
    }

    #[test]
    fn no_match_stays_pending_without_ec2() {
        let p = place(&default_cluster(false), &workload("other", &[]));
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::NoMatch);
        let p = place(&cluster(Vec::new(), false), &workload("default", &[]));
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::NoMatch);
    }

    #[test]
    fn daemonset_never_runs_on_fargate() {
        let w = with_kind(workload("default", &[]), WorkloadKind::DaemonSet);
        let p = place(&default_cluster(true), &w);
        assert_eq!(p.compute, Compute::Ec2);
        assert_eq!(p.profile, None);
        assert_eq!(p.reason, PlacementReason::DaemonSet);
        assert_eq!(p.matching_profiles, vec!["fp-default"]);
        let p = place(&default_cluster(false), &w);
        assert_eq!(p.compute, Compute::Pending);
        assert_eq!(p.reason, PlacementReason::DaemonSet);
        // DaemonSet first, even before a pin or a custom scheduler.
        let w = with_scheduler(
            with_kind(
                workload("default", &[(PROFILE_LABEL, "fp-default")]),
                WorkloadKind::DaemonSet,
            ),
            "my-scheduler",
        );
        assert_eq!(
            place(&default_cluster(true), &w).reason,
            PlacementReason::DaemonSet
        );
    }

    #[test]
    fn other_workload_kinds_are_placed_alike() {
        for kind in [
            WorkloadKind::Pod,
            WorkloadKind::StatefulSet,
            WorkloadKind::ReplicaSet,
            WorkloadKind::ReplicationController,
            WorkloadKind::Job,
            WorkloadKind::CronJob,
            WorkloadKind::Other,
        ] {
            let w = with_kind(workload("default", &[]), kind);
            assert_eq!(
                place(&default_cluster(false), &w).compute,
                Compute::Fargate,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn refuse_turns_only_an_unsizable_fargate_placement_into_pending() {
        let fargate = Placement {
            compute: Compute::Fargate,
            profile: Some("apps".into()),
            profile_index: Some(0),
            matching_profiles: vec!["apps".into()],
            reason: PlacementReason::Matched,
        };
        assert_eq!(refuse(fargate.clone(), true), fargate);
        let refused = refuse(fargate, false);
        assert_eq!(refused.compute, Compute::Pending);
        assert_eq!((refused.profile, refused.profile_index), (None, None));
        assert_eq!(refused.matching_profiles, ["apps"]);
        assert_eq!(
            refused.reason,
            PlacementReason::Refused {
                profile: "apps".into()
            }
        );
        let ec2 = Placement {
            compute: Compute::Ec2,
            profile: None,
            profile_index: None,
            matching_profiles: vec![],
            reason: PlacementReason::NoMatch,
        };
        assert_eq!(refuse(ec2.clone(), false), ec2);
    }
}
