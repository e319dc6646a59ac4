//! The model: clusters, Fargate profiles and workloads, reduced from any input format.
//! Rules and the placement engine read only these types; they never know whether a
//! profile came from eksctl, the EKS API, CloudFormation or Terraform.

use crate::source::{ClusterId, FileId, Loc, WorkloadId};

/// A string value from the input, with where it was written and whether it was quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub loc: Loc,
    /// Written as a string for sure: quoted, or a block scalar (`|`, `>`). A plain value
    /// may be read as a number or a boolean by YAML 1.1 readers (FL003).
    pub quoted: bool,
}

/// How a Fargate profile gets its pod execution role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleOrigin {
    /// A role of its own (a non-empty value, placeholders included).
    Explicit,
    /// None of its own: the cluster's default pod execution role
    /// ([`Cluster::default_role`]) serves it. Set when the model is assembled, from every
    /// definition of the cluster.
    ClusterDefault,
    /// None of its own and no cluster default: the tool that creates the profile makes a
    /// role for it (eksctl's `FargatePodExecutionRole`).
    CreatedByTool,
    /// None at all, and the format has no fallback: the API refuses the profile.
    Missing,
}

/// How the file of a profile names things: carried only to word messages in the user's
/// own key names and tools. Rules decide on the model's meaning ([`RoleOrigin`], ...), never
/// on the dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The tool that reads the file, as messages name it: `eksctl`, or a command in
    /// backticks.
    pub tool: &'static str,
    /// The key of the profile's own pod execution role.
    pub role_key: &'static str,
    /// The key of the profile's name.
    pub name_key: &'static str,
    /// The key of the cluster's default pod execution role, where the format has one, as a
    /// dotted path from the document's root.
    pub default_role_key: Option<&'static str>,
    /// The role the tool makes for a profile without one ([`RoleOrigin::CreatedByTool`]).
    pub created_role: Option<&'static str>,
    /// The tool refuses a profile without selectors (else it takes it, and it matches no
    /// pod): only the wording of FL110 differs, which is an error either way.
    pub requires_selectors: bool,
}

/// A cluster's default pod execution role ([`Cluster::default_role`]) and the key that set
/// it, in the user's own words, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultRole {
    pub arn: Text,
    /// As [`Dialect::default_role_key`] of the format that set it.
    pub key: &'static str,
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
    /// The pod execution role ARN of the profile itself.
    pub role: Option<Text>,
    /// Where its pod execution role comes from.
    pub role_origin: RoleOrigin,
    /// Key names and tool of its file, for messages.
    pub dialect: Dialect,
    pub selectors: Vec<Selector>,
    /// The `selectors` key, when present.
    pub selectors_key: Option<Loc>,
    pub subnets: Vec<Text>,
    /// The whole profile entry.
    pub loc: Loc,
    /// The role of the same template or module that the profile's role refers to
    /// (`!GetAtt Role.Arn`, `aws_iam_role.fp.arn`): the [`IamRole::key`] it names. `role` is
    /// then `None` and `role_origin` [`RoleOrigin::Explicit`].
    pub role_resource: Option<String>,
}

/// An IAM role defined in an infrastructure file (CloudFormation, Terraform), or a trust
/// policy document alone: what FL112 and FL113 check.
#[derive(Debug, Clone, PartialEq)]
pub struct IamRole {
    /// How profiles of the same template or module refer to it
    /// ([`FargateProfile::role_resource`]).
    pub key: Option<String>,
    /// Its name in IAM, when it is written: an ARN `...:role/NAME` names it.
    pub role_name: Option<String>,
    /// The resource as written (`FargateRole`, `aws_iam_role.fargate`), for messages.
    pub label: String,
    /// A role definition; `false`: a trust policy document alone (a JSON file, a
    /// `data.aws_iam_policy_document`), which has no policies to attach (FL113).
    pub definition: bool,
    /// Its trust policy, when it could be read.
    pub trust: Option<TrustPolicy>,
    /// Managed policy ARNs attached in the definition itself (`ManagedPolicyArns`,
    /// `managed_policy_arns`).
    pub managed_policies: Vec<Text>,
    /// Some managed policy could not be read: FL113 cannot say one is missing.
    pub policies_partial: bool,
    /// The resource (its name or logical id).
    pub loc: Loc,
}

/// The statements of a trust policy that allow `sts:AssumeRole`, as far as FL112 cares.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustPolicy {
    /// `Principal.Service` values.
    pub services: Vec<Text>,
    /// Values of `aws:SourceArn` conditions under `ArnLike` or `StringLike`; one known only
    /// at deploy time as written (`!Sub arn:...:fargateprofile/${ClusterName}/*`).
    pub source_arns: Vec<Text>,
    /// Some principal could not be read (a value known only at deploy time): a missing
    /// principal cannot be said.
    pub partial: bool,
    /// Some condition could not be read: a missing `aws:SourceArn` cannot be said.
    pub conditions_partial: bool,
    /// The policy document.
    pub loc: Loc,
}

/// A managed policy attached to a role by a resource of its own
/// (`aws_iam_role_policy_attachment`).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyAttachment {
    /// The role, by [`IamRole::key`] or by its IAM name; both `None`: a role that cannot be
    /// told (any role of the scan may have the policy).
    pub role_key: Option<String>,
    pub role_name: Option<String>,
    /// The policy ARN, as written where part of it is unknown (`arn:${...}:iam::aws:
    /// policy/NAME` still names its policy).
    pub policy: Text,
    /// The whole ARN is known.
    pub policy_known: bool,
}

/// A cluster: all definitions with the same name and region, merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Its index in [`Model::clusters`], set when the model is assembled.
    pub id: ClusterId,
    pub name: String,
    pub region: Option<String>,
    /// Files that define or add to this cluster, in input order.
    pub files: Vec<FileId>,
    /// Profiles in the order they were defined (placement sorts by name itself).
    pub profiles: Vec<FargateProfile>,
    /// EC2 capacity: node groups, managed node groups, Karpenter, Auto Mode, or declared.
    pub ec2_capacity: bool,
    /// Every definition of the cluster holds only its name and Fargate profiles (and their
    /// role): a file for `eksctl create fargateprofile` on a cluster made elsewhere, which
    /// says nothing of its nodes. `ec2_capacity` is then `false` by default, not by word.
    pub profiles_only: bool,
    /// The pod execution role of the profiles without one of their own (eksctl
    /// `iam.fargatePodExecutionRoleARN`).
    pub default_role: Option<DefaultRole>,
    /// Subnet ids (or names) the configuration declares public / private.
    pub public_subnets: Vec<Text>,
    pub private_subnets: Vec<Text>,
    /// eksctl `metadata.version`: the Kubernetes version, as written (`"1.30"`); what
    /// EKS sets up in a new cluster (its default StorageClass) depends on it.
    pub version: Option<Text>,
    /// Where the cluster is first named.
    pub loc: Loc,
}

impl Cluster {
    /// The Kubernetes minor version of `metadata.version` (`"1.30"` → 30); `None` when
    /// the cluster does not say, or says something else (`auto`, a placeholder).
    pub fn minor_version(&self) -> Option<u32> {
        let v = self.version.as_ref()?.value.trim();
        let (major, minor) = v.split_once('.')?;
        if major != "1" {
            return None;
        }
        // `1.30.2`: a patch level is not an EKS version, but the minor is still clear.
        let minor = minor.split('.').next()?;
        minor.parse().ok()
    }
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
    /// `securityContext` settings that Fargate refuses.
    pub security: ContainerSecurity,
    /// `ports[]`.
    pub ports: Vec<Port>,
    /// The whole container entry.
    pub loc: Loc,
}

/// The `securityContext` fields of a container that Fargate refuses. A setting is kept
/// (key and value) only when it is `true`: `false` is what Fargate wants anyway.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerSecurity {
    pub privileged: Option<Label>,
    pub allow_privilege_escalation: Option<Label>,
    /// `capabilities.add[]`, each value where it is written.
    pub capabilities_add: Vec<Text>,
}

/// One `ports[]` entry of a container.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub container_port: Option<Text>,
    /// `hostPort` key and value; boxed, as `host_ip`, because few ports have one and a
    /// label is 144 bytes (a third of a run's ports' memory went to empty ones).
    pub host_port: Option<Box<Label>>,
    /// `hostIP` key and value.
    pub host_ip: Option<Box<Label>>,
    /// The whole entry.
    pub loc: Loc,
}

/// What a pod volume is backed by, as far as Fargate cares.
#[derive(Debug, Clone, PartialEq)]
pub enum VolumeKind {
    HostPath,
    /// An inline `csi` volume (not a PVC of a CSI driver).
    Csi,
    AwsElasticBlockStore,
    PersistentVolumeClaim {
        claim_name: Option<Text>,
    },
    /// Anything else (`emptyDir`, `configMap`, `secret`, `nfs`, ...), by its key.
    Other(String),
}

/// One `volumes[]` entry of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub name: Option<Text>,
    pub kind: VolumeKind,
    /// The key that says what backs the volume (`hostPath`, `csi`, ...); the entry when none.
    pub key: Loc,
    /// The whole entry.
    pub loc: Loc,
}

/// One `matchExpressions[]` entry of a required node affinity term on a label Fargate
/// cares about (`kubernetes.io/arch`, `kubernetes.io/os`).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRequirement {
    pub key: Text,
    /// `In`, `NotIn`, ...
    pub operator: Option<Text>,
    pub values: Vec<Text>,
}

/// The node affinity requirements of one `nodeSelectorTerms[]` entry: terms are ORed,
/// requirements of a term ANDed.
pub type NodeSelectorTerm = Vec<NodeRequirement>;

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

impl PodFacts {
    /// Gives back the room its vectors grew into: a vector pushed to or collected from a
    /// filter starts at four items (at one for items over 1 KB), and most pods have one or
    /// two containers, volumes, ports; the facts are held to the end of the run.
    pub fn shrink_to_fit(&mut self) {
        let PodFacts {
            labels,
            annotations,
            containers,
            env,
            scheduler_name: _,
            metadata_loc: _,
            host_namespaces,
            node_selector,
            required_node_terms,
            volumes,
            claim_templates,
            service_account_name: _,
        } = self;
        for c in containers.iter_mut() {
            c.ports.shrink_to_fit();
            c.security.capabilities_add.shrink_to_fit();
        }
        labels.shrink_to_fit();
        annotations.shrink_to_fit();
        containers.shrink_to_fit();
        env.shrink_to_fit();
        host_namespaces.shrink_to_fit();
        node_selector.shrink_to_fit();
        required_node_terms.shrink_to_fit();
        volumes.shrink_to_fit();
        claim_templates.shrink_to_fit();
    }
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
    /// `hostNetwork`, `hostPID`, `hostIPC` set to `true`: key and value.
    pub host_namespaces: Vec<Label>,
    /// `spec.nodeSelector`.
    pub node_selector: Vec<Label>,
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`,
    /// each term with its `matchExpressions` on `kubernetes.io/arch` and `kubernetes.io/os`
    /// only (other keys do not decide whether Fargate can run the pod).
    pub required_node_terms: Vec<NodeSelectorTerm>,
    pub volumes: Vec<Volume>,
    /// `spec.volumeClaimTemplates` of a StatefulSet: PVCs made per pod, in the
    /// workload's namespace.
    pub claim_templates: Vec<PersistentVolumeClaim>,
    pub service_account_name: Option<Text>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// Its index in [`Model::workloads`], set when the model is assembled.
    pub id: WorkloadId,
    pub kind: WorkloadKind,
    /// The object's `kind` as written (`Deployment`, `Rollout`, ...).
    pub kind_name: String,
    /// The `kind` value, for findings about the kind itself (a DaemonSet).
    pub kind_loc: Option<Loc>,
    pub name: String,
    pub namespace: String,
    /// `metadata.namespace` when the object sets it.
    pub namespace_loc: Option<Loc>,
    /// Number of pods: `spec.replicas` (default 1), `parallelism` for Jobs.
    pub replicas: u32,
    /// `metadata.annotations` of the object itself (the pod template's are on `pod`).
    pub annotations: Vec<Label>,
    pub pod: PodFacts,
    /// The object: its start is the line of the object in the file.
    pub loc: Loc,
    /// The kustomize variant (its folder, as paths are written) the workload was built in;
    /// `None` for a workload of a plain file.
    pub variant: Option<String>,
}

/// The name and namespace of a namespaced object other than a workload.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectMeta {
    pub name: String,
    /// `metadata.name`, or the object when it has none.
    pub name_loc: Loc,
    /// Resolved like a workload's (object, kustomization, default); empty until assembled
    /// when the object sets none.
    pub namespace: String,
    pub namespace_loc: Option<Loc>,
    pub annotations: Vec<Label>,
    /// The object: its start is the line of the object in the file.
    pub loc: Loc,
}

/// A `Service`.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub meta: ObjectMeta,
    /// `spec.type` (`ClusterIP` when absent).
    pub service_type: Option<Text>,
    /// `spec.selector`: the pod labels it sends traffic to (empty: no pods of ours).
    pub selector: Vec<Label>,
    /// `spec.loadBalancerClass`: which controller makes its load balancer.
    pub load_balancer_class: Option<Text>,
}

/// An `Ingress`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    pub meta: ObjectMeta,
    /// `spec.ingressClassName`.
    pub class_name: Option<Text>,
    /// Names of the Services its rules and default backend send traffic to.
    pub backends: Vec<Text>,
}

/// A `PersistentVolumeClaim`, or a StatefulSet's `volumeClaimTemplates[]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistentVolumeClaim {
    pub meta: ObjectMeta,
    /// `spec.storageClassName` (else the old `volume.beta.kubernetes.io/storage-class`
    /// annotation): `None` when absent (the cluster's default class); an empty value means
    /// no class at all (static binding).
    pub storage_class: Option<Text>,
    /// `spec.volumeName`: the pre-made PersistentVolume it binds to (static binding).
    pub volume_name: Option<Text>,
}

/// A `StorageClass` (cluster-scoped).
#[derive(Debug, Clone, PartialEq)]
pub struct StorageClass {
    pub name: Text,
    pub provisioner: Option<Text>,
    /// `parameters`, for the provisioner (`provisioningMode: efs-ap`, ...).
    pub parameters: Vec<Label>,
    /// `storageclass.kubernetes.io/is-default-class: "true"`.
    pub is_default: bool,
    pub loc: Loc,
}

impl StorageClass {
    /// The value of parameter `key`, when the class sets it.
    pub fn parameter(&self, key: &str) -> Option<&Text> {
        self.parameters
            .iter()
            .find(|p| p.key.value == key)
            .map(|p| &p.value)
    }
}

/// An `IngressClass` (cluster-scoped): which controller serves the Ingresses that name it,
/// and the parameters object it hands that controller.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressClass {
    pub name: Text,
    /// `spec.controller` (`ingress.k8s.aws/alb` for the AWS Load Balancer Controller).
    pub controller: Option<Text>,
    /// `spec.parameters`: `apiGroup`, `kind` and `name` of the parameters object.
    pub parameters: Option<ObjectReference>,
    /// `ingressclass.kubernetes.io/is-default-class: "true"`: the class of Ingresses that
    /// name none.
    pub is_default: bool,
    pub loc: Loc,
}

/// A typed reference to another object (`apiGroup`, `kind`, `name`), as an IngressClass's
/// `spec.parameters`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectReference {
    pub api_group: Option<Text>,
    pub kind: Option<Text>,
    pub name: Option<Text>,
}

/// An `IngressClassParams` of the AWS Load Balancer Controller (`elbv2.k8s.aws`,
/// cluster-scoped): settings for every Ingress of the IngressClasses that point at it.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressClassParams {
    pub name: Text,
    /// `spec.targetType` (`ip` or `instance`): wins over the Ingresses' annotations.
    pub target_type: Option<Text>,
    pub loc: Loc,
}

/// Everything a run knows, from all inputs.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub storage_classes: Vec<StorageClass>,
    pub ingress_classes: Vec<IngressClass>,
    pub ingress_class_params: Vec<IngressClassParams>,
    /// Values the model needs that are placeholders (FL002).
    pub unresolved: Vec<super::Unresolved>,
    /// Where the values of `unresolved` are, for [`Model::is_unresolved`]: a set, so that a
    /// rule asking about every label of a workload stays linear. Filled by
    /// [`super::assemble`] with `unresolved`.
    pub unresolved_at: std::collections::HashSet<Loc>,
    /// Fields Kubernetes or eksctl would refuse (FL005).
    pub invalid: Vec<super::Invalid>,
    /// IAM roles and trust policy documents (CloudFormation, Terraform, JSON).
    pub roles: Vec<IamRole>,
    pub policy_attachments: Vec<PolicyAttachment>,
}

impl Cluster {
    /// A cluster definition whose name or region is a placeholder (`CLUSTER_NAME` filled in
    /// by a pipeline, `${AWS_REGION}`): a template for clusters made from it, not a cluster
    /// of its own. Where the scan also defines real clusters, workloads are placed on those
    /// only, so a template does not double every placement.
    pub fn is_template(&self) -> bool {
        let region_placeholder = self
            .region
            .as_deref()
            .is_none_or(super::text::is_region_placeholder);
        // `PROD_EU` may be a real name beside a real region (EKS allows upper case and `_`);
        // a template expression (`${CLUSTER}`) never is.
        super::is_placeholder(&self.name, None)
            || (region_placeholder && super::text::is_cluster_name_placeholder(&self.name))
            || self
                .region
                .as_deref()
                .is_some_and(super::text::is_region_placeholder)
    }
}

/// Whether a role value names a role at all: an empty one is as good as none.
pub fn has_role(role: Option<&Text>) -> bool {
    role.is_some_and(|r| !r.value.trim().is_empty())
}

impl RoleOrigin {
    /// A profile's origin as its file says it, before the model is assembled: its own role
    /// when it has one, else what its format does without (`fallback`).
    pub fn of(role: Option<&Text>, fallback: RoleOrigin) -> RoleOrigin {
        if has_role(role) {
            RoleOrigin::Explicit
        } else {
            fallback
        }
    }
}

impl Model {
    /// Whether the value at `loc` is one of [`Model::unresolved`].
    pub fn is_unresolved(&self, loc: Loc) -> bool {
        self.unresolved_at.contains(&loc)
    }
}

impl Workload {
    pub fn file(&self) -> FileId {
        self.loc.file
    }
}
