//! The model: clusters, Fargate profiles and workloads, reduced from any input format.
//! Rules and the placement engine read only these types; they never know whether a
//! profile came from eksctl, the EKS API, CloudFormation or Terraform.

use crate::source::{FileId, Loc};
use crate::yaml::ScalarStyle;

/// A string value from the input, with where it was written and how it was quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub loc: Loc,
    pub style: ScalarStyle,
}

/// Where a Fargate profile was defined; decides, for example, whether a role is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// eksctl `ClusterConfig` (`eksctl.io/v1alpha5`).
    Eksctl,
    /// `aws eks create-fargate-profile --cli-input-json` input.
    EksApi,
}

/// One label pair of a profile selector or of a pod: key and value with their locations.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub key: Text,
    pub value: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// `None` when the selector has no `namespace` (FL102).
    pub namespace: Option<Text>,
    pub labels: Vec<Label>,
    /// The whole selector entry.
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FargateProfile {
    pub name: Text,
    pub source: ProfileSource,
    /// The pod execution role ARN of the profile itself.
    pub role: Option<Text>,
    pub selectors: Vec<Selector>,
    /// The `selectors` key, when present.
    pub selectors_key: Option<Loc>,
    pub subnets: Vec<Text>,
    /// The whole profile entry.
    pub loc: Loc,
}

/// A cluster: all definitions with the same name and region, merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub name: String,
    pub region: Option<String>,
    /// Files that define or add to this cluster, in input order.
    pub files: Vec<FileId>,
    /// Profiles in the order they were defined (placement sorts by name itself).
    pub profiles: Vec<FargateProfile>,
    /// EC2 capacity: node groups, managed node groups, Karpenter, Auto Mode, or declared.
    pub ec2_capacity: bool,
    /// eksctl `iam.fargatePodExecutionRoleARN`.
    pub default_role: Option<Text>,
    /// Subnet ids (or names) the configuration declares public / private.
    pub public_subnets: Vec<Text>,
    pub private_subnets: Vec<Text>,
    /// Where the cluster is first named.
    pub loc: Loc,
}

/// Requests or limits of one container, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub cpu: Option<Text>,
    pub memory: Option<Text>,
    pub ephemeral_storage: Option<Text>,
    /// Every other resource (`nvidia.com/gpu`, `aws.amazon.com/neuron`, ...).
    pub other: Vec<Label>,
    /// The `requests` / `limits` key itself.
    pub key: Option<Loc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Regular,
    Init,
    /// An init container with `restartPolicy: Always`: it runs for the pod's whole life.
    Sidecar,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: Option<Text>,
    pub kind: ContainerKind,
    pub image: Option<Text>,
    pub requests: Resources,
    pub limits: Resources,
    /// The whole container entry.
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
    /// Any other object with `spec.template.spec.containers` (an Argo Rollout, say).
    Other,
}

/// What placement and sizing need to know about the pods of a workload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodFacts {
    /// Labels of the pod (template).
    pub labels: Vec<Label>,
    /// Annotations of the pod (template).
    pub annotations: Vec<Label>,
    pub containers: Vec<Container>,
    /// `env[].name` and `env[].value` of every container, in container order; entries
    /// without a plain `value` (`valueFrom`) are left out. Kept on the pod rather than per
    /// container because only the written values matter (FL003).
    pub env: Vec<Label>,
    /// `spec.schedulerName` of the pod (template).
    pub scheduler_name: Option<Text>,
    /// The pod template's `metadata` key (or the Pod's), for findings about labels.
    pub metadata_loc: Option<Loc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    /// The object's `kind` as written (`Deployment`, `Rollout`, ...).
    pub kind_name: String,
    pub name: String,
    pub namespace: String,
    /// `metadata.namespace` when the object sets it.
    pub namespace_loc: Option<Loc>,
    /// Number of pods: `spec.replicas` (default 1), `parallelism` for Jobs.
    pub replicas: u32,
    pub pod: PodFacts,
    /// The object: its start is the line of the object in the file.
    pub loc: Loc,
}

/// Everything a run knows, from all inputs.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    pub workloads: Vec<Workload>,
    /// Values the model needs that are placeholders (FL002).
    pub unresolved: Vec<super::Unresolved>,
}

impl Workload {
    pub fn file(&self) -> FileId {
        self.loc.file
    }
}
