//! The model built from YAML: what each input format contributes, namespaces from
//! kustomizations, patches left out, clusters merged, spans kept.

use fargate_lint::model::{FileEntry, Model, WorkloadKind, assemble, extract};
use fargate_lint::source::FileId;
use fargate_lint::yaml::{Limits, parse};

/// Builds the model of `(path, text)` files as a run would.
fn model(files: &[(&str, &str)]) -> Model {
    let entries = files
        .iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let parsed = parse(text, Limits::default());
            assert!(parsed.errors.is_empty(), "{path}: {:?}", parsed.errors);
            FileEntry {
                path: path.to_string(),
                facts: extract(FileId(i as u32), &parsed),
            }
        })
        .collect();
    assemble(entries, "default").0
}

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
iam:
  fargatePodExecutionRoleARN: arn:aws:iam::123456789012:role/fargate
vpc:
  subnets:
    public:
      eu-west-1a: { id: subnet-pub }
    private:
      eu-west-1a: { id: subnet-priv }
fargateProfiles:
  - name: apps
    podExecutionRoleARN: arn:aws:iam::123456789012:role/apps
    subnets: [subnet-priv]
    selectors:
      - namespace: apps
        labels:
          tier: web
";

#[test]
fn eksctl_cluster_with_profile_role_subnets_and_spans() {
    let m = model(&[("c.yaml", CLUSTER)]);
    let c = &m.clusters[0];
    assert_eq!(
        (c.name.as_str(), c.region.as_deref()),
        ("prod", Some("eu-west-1"))
    );
    assert!(!c.ec2_capacity);
    assert_eq!(
        c.default_role.as_ref().map(|r| r.arn.value.as_str()),
        Some("arn:aws:iam::123456789012:role/fargate")
    );
    let public: Vec<&str> = c.public_subnets.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(public, ["eu-west-1a", "subnet-pub"]);
    let p = &c.profiles[0];
    assert_eq!(p.name.value, "apps");
    assert_eq!(
        (p.name.loc.span.start.line, p.name.loc.span.start.column),
        (15, 11)
    );
    assert_eq!(p.subnets[0].value, "subnet-priv");
    let key = p.selectors_key.expect("selectors key");
    assert_eq!((key.span.start.line, key.span.start.column), (18, 5));
    let sel = &p.selectors[0];
    assert_eq!(
        sel.namespace.as_ref().map(|n| n.value.as_str()),
        Some("apps")
    );
    assert_eq!(sel.labels[0].key.value, "tier");
    assert_eq!(
        (
            sel.labels[0].value.loc.span.start.line,
            sel.labels[0].value.loc.span.start.column
        ),
        (21, 17)
    );
}

#[test]
fn ec2_capacity_from_each_source() {
    for extra in [
        "nodeGroups:\n  - name: ng\n",
        "managedNodeGroups:\n  - name: ng\n",
        "karpenter:\n  version: '1.0'\n",
        "autoModeConfig:\n  enabled: true\n",
    ] {
        let text = format!("{CLUSTER}{extra}");
        assert!(
            model(&[("c.yaml", &text)]).clusters[0].ec2_capacity,
            "{extra}"
        );
    }
    let text = format!("{CLUSTER}autoModeConfig:\n  enabled: false\nnodeGroups: []\n");
    assert!(!model(&[("c.yaml", &text)]).clusters[0].ec2_capacity);
}

#[test]
fn files_with_the_same_cluster_merge_and_eks_api_json_joins_by_name() {
    let second = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: eu-west-1}
managedNodeGroups: [{name: ng}]
fargateProfiles: [{name: batch, selectors: [{namespace: batch}]}]
";
    let api = r#"{"fargateProfileName": "jobs", "clusterName": "prod",
  "podExecutionRoleArn": "arn:aws:iam::123456789012:role/x",
  "selectors": [{"namespace": "jobs", "labels": {"a": "b"}}], "subnets": ["subnet-1"]}"#;
    let other_region = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: us-east-1}
";
    let m = model(&[
        ("a.yaml", CLUSTER),
        ("b.yaml", second),
        ("p.json", api),
        ("o.yaml", other_region),
    ]);
    assert_eq!(m.clusters.len(), 2);
    let names: Vec<&str> = m.clusters[0]
        .profiles
        .iter()
        .map(|p| p.name.value.as_str())
        .collect();
    assert_eq!(names, ["apps", "batch", "jobs"]);
    assert!(m.clusters[0].ec2_capacity);
    assert_eq!(m.clusters[0].files.len(), 3);
    assert_eq!(m.clusters[1].region.as_deref(), Some("us-east-1"));
}

#[test]
fn workloads_of_every_kind_read_their_pod_template() {
    let text = "apiVersion: batch/v1
kind: CronJob
metadata: {name: cron, namespace: jobs}
spec:
  jobTemplate:
    spec:
      parallelism: 3
      template:
        metadata:
          labels: {team: data}
          annotations: {eks.amazonaws.com/compute-type: ec2}
        spec:
          initContainers:
            - name: init
              image: busybox
            - name: proxy
              image: envoy
              restartPolicy: Always
          containers:
            - name: main
              image: app
              resources:
                requests: {cpu: 250m, memory: 1Gi}
                limits: {nvidia.com/gpu: 1}
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: listed}
    spec:
      replicas: 4
      template:
        metadata: {labels: {app: listed}}
        spec: {containers: [{name: c, image: x}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: rollout, namespace: web}
spec:
  template:
    metadata: {labels: {app: r}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-workload}
data: {a: b}
";
    let m = model(&[("w.yaml", text)]);
    let names: Vec<(&str, WorkloadKind, &str, u32)> = m
        .workloads
        .iter()
        .map(|w| (w.name.as_str(), w.kind, w.namespace.as_str(), w.replicas))
        .collect();
    assert_eq!(
        names,
        [
            ("cron", WorkloadKind::CronJob, "jobs", 3),
            ("listed", WorkloadKind::Deployment, "default", 4),
            ("rollout", WorkloadKind::Other, "web", 1),
        ]
    );
    let cron = &m.workloads[0];
    assert_eq!(cron.pod.labels[0].key.value, "team");
    assert_eq!(cron.pod.annotations[0].value.value, "ec2");
    let kinds: Vec<_> = cron.pod.containers.iter().map(|c| c.kind).collect();
    use fargate_lint::model::ContainerKind::*;
    assert_eq!(kinds, [Init, Sidecar, Regular]);
    let main = &cron.pod.containers[2];
    assert_eq!(
        main.requests.cpu.as_ref().map(|c| c.value.as_str()),
        Some("250m")
    );
    assert_eq!(main.limits.other[0].key.value, "nvidia.com/gpu");
    assert_eq!(m.workloads[2].kind_name, "Rollout");
}

#[test]
fn namespace_from_kustomization_and_patches_left_out() {
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources: [deploy.yaml]
patchesStrategicMerge: [patch.yaml]
patches:
  - path: ../other/json-patch.yaml
";
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}}
";
    let explicit = deploy.replace("{name: web}", "{name: web2, namespace: mine}");
    let m = model(&[
        ("app/kustomization.yaml", kustomization),
        ("app/deploy.yaml", deploy),
        ("app/explicit.yaml", &explicit),
        ("app/patch.yaml", deploy),
        ("other/json-patch.yaml", deploy),
        ("elsewhere/deploy.yaml", deploy),
    ]);
    let seen: Vec<(&str, &str)> = m
        .workloads
        .iter()
        .map(|w| (w.name.as_str(), w.namespace.as_str()))
        .collect();
    assert_eq!(
        seen,
        [("web", "shop"), ("web2", "mine"), ("web", "default")]
    );
}

#[test]
fn placeholders_are_recorded_as_unresolved() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: ${REPLICAS}
  template:
    metadata: {labels: {app: '{{ .Values.app }}'}}
    spec:
      containers:
        - name: c
          image: x
          resources: {requests: {memory: $(MEM)}}
";
    let m = model(&[("w.yaml", text)]);
    let what: Vec<&str> = m.unresolved.iter().map(|u| u.value.as_str()).collect();
    assert_eq!(
        what,
        ["${NS}", "${REPLICAS}", "$(MEM)", "{{ .Values.app }}"]
    );
    assert_eq!(m.workloads[0].replicas, 1);
}

#[test]
fn merge_keys_and_aliases_are_followed_without_copies() {
    let text = "base: &base
  labels: &labels {app: web}
apiVersion: v1
kind: Pod
metadata:
  <<: *base
  name: p
spec: {containers: [{name: c, image: x}]}
";
    let m = model(&[("p.yaml", text)]);
    assert_eq!(m.workloads[0].pod.labels[0].value.value, "web");
}

#[test]
fn pod_security_ports_volumes_and_node_requirements_keep_their_spans() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      hostNetwork: true
      hostIPC: false
      serviceAccountName: web
      nodeSelector:
        kubernetes.io/arch: arm64
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: kubernetes.io/os
                    operator: In
                    values: [windows]
                  - key: topology.kubernetes.io/zone
                    operator: In
                    values: [a]
      containers:
        - name: web
          image: nginx
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            capabilities:
              add: [NET_ADMIN]
          ports:
            - containerPort: 80
              hostPort: 8080
      volumes:
        - name: logs
          hostPath: { path: /var/log }
        - name: data
          persistentVolumeClaim:
            claimName: data
        - name: tmp
          emptyDir: {}
";
    let m = model(&[("w.yaml", text)]);
    let pod = &m.workloads[0].pod;
    // Only `true` settings are kept.
    let host: Vec<&str> = pod
        .host_namespaces
        .iter()
        .map(|l| l.key.value.as_str())
        .collect();
    assert_eq!(host, ["hostNetwork"]);
    assert_eq!(pod.host_namespaces[0].key.loc.span.start.line, 8);
    assert_eq!(
        pod.service_account_name.as_ref().map(|t| t.value.as_str()),
        Some("web")
    );
    assert_eq!(pod.node_selector[0].value.value, "arm64");
    // Only the arch / os requirements are kept.
    assert_eq!(pod.required_node_terms.len(), 1);
    assert_eq!(pod.required_node_terms[0].len(), 1);
    assert_eq!(pod.required_node_terms[0][0].values[0].value, "windows");
    let c = &pod.containers[0];
    assert_eq!(
        c.security
            .privileged
            .as_ref()
            .map(|l| l.key.loc.span.start.line),
        Some(28)
    );
    assert!(c.security.allow_privilege_escalation.is_none());
    assert_eq!(c.security.capabilities_add[0].value, "NET_ADMIN");
    let port = &c.ports[0];
    assert_eq!(
        port.host_port.as_ref().map(|l| l.value.value.as_str()),
        Some("8080")
    );
    assert!(port.host_ip.is_none());
    use fargate_lint::model::VolumeKind;
    assert_eq!(pod.volumes[0].kind, VolumeKind::HostPath);
    assert_eq!(pod.volumes[0].key.span.start.line, 37);
    assert!(matches!(
        &pod.volumes[1].kind,
        VolumeKind::PersistentVolumeClaim { claim_name: Some(n) } if n.value == "data"
    ));
    assert_eq!(pod.volumes[2].kind, VolumeKind::Other("emptyDir".into()));
}

#[test]
fn services_ingresses_claims_and_classes_take_namespaces_like_workloads() {
    let objects = "apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
spec:
  type: LoadBalancer
  selector:
    app: web
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: edge
  annotations:
    kubernetes.io/ingress.class: alb
spec:
  defaultBackend:
    service:
      name: fallback
  rules:
    - http:
        paths:
          - backend:
              service:
                name: web
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: old
  annotations:
    volume.beta.kubernetes.io/storage-class: fast
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: efs
  annotations:
    storageclass.kubernetes.io/is-default-class: \"true\"
provisioner: efs.csi.aws.com
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      containers: [{name: db, image: db}]
  volumeClaimTemplates:
    - metadata:
        name: pgdata
      spec:
        storageClassName: gp3
";
    let m = model(&[
        (
            "app/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\n",
        ),
        ("app/objects.yaml", objects),
    ]);
    let s = &m.services[0];
    assert_eq!(
        (s.meta.namespace.as_str(), s.meta.name.as_str()),
        ("shop", "web")
    );
    assert_eq!(
        s.service_type.as_ref().map(|t| t.value.as_str()),
        Some("LoadBalancer")
    );
    assert_eq!(
        s.service_type.as_ref().map(|t| t.loc.span.start.line),
        Some(8)
    );
    assert_eq!(s.selector[0].value.value, "web");
    assert_eq!(s.meta.annotations.len(), 1);
    let i = &m.ingresses[0];
    // A namespace written on the object wins over the kustomization's.
    assert_eq!(i.meta.namespace, "edge");
    let backends: Vec<&str> = i.backends.iter().map(|b| b.value.as_str()).collect();
    assert_eq!(backends, ["fallback", "web"]);
    assert!(i.class_name.is_none());
    let claims: Vec<(&str, &str, Option<&str>)> = m
        .claims
        .iter()
        .map(|c| {
            (
                c.meta.namespace.as_str(),
                c.meta.name.as_str(),
                c.storage_class.as_ref().map(|t| t.value.as_str()),
            )
        })
        .collect();
    assert_eq!(
        claims,
        [("shop", "data", None), ("shop", "old", Some("fast"))]
    );
    let sc = &m.storage_classes[0];
    assert!(sc.is_default);
    assert_eq!(
        sc.provisioner.as_ref().map(|p| p.value.as_str()),
        Some("efs.csi.aws.com")
    );
    let db = m
        .workloads
        .iter()
        .find(|w| w.kind == WorkloadKind::StatefulSet)
        .expect("the StatefulSet");
    let t = &db.pod.claim_templates[0];
    assert_eq!(
        (t.meta.namespace.as_str(), t.meta.name.as_str()),
        ("shop", "pgdata")
    );
    assert_eq!(
        t.storage_class.as_ref().map(|s| s.value.as_str()),
        Some("gp3")
    );
}

#[test]
fn a_list_item_repeated_through_an_alias_is_one_workload() {
    let text = "apiVersion: v1
kind: List
items:
  - &pod
    apiVersion: v1
    kind: Pod
    metadata: {name: once}
    spec: {containers: [{name: c, image: x}]}
  - *pod
";
    let m = model(&[("l.yaml", text)]);
    assert_eq!(m.workloads.len(), 1);
}

#[test]
fn cluster_version_load_balancer_class_ingress_classes_and_class_parameters_with_spans() {
    let cluster = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-west-1
  version: \"1.31\"
";
    let objects = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb-ip
  annotations:
    ingressclass.kubernetes.io/is-default-class: \"true\"
spec:
  controller: ingress.k8s.aws/alb
  parameters:
    apiGroup: elbv2.k8s.aws
    kind: IngressClassParams
    name: ip-targets
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: IngressClassParams
metadata:
  name: ip-targets
spec:
  targetType: ip
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: efs
provisioner: efs.csi.aws.com
parameters:
  provisioningMode: efs-ap
  fileSystemId: fs-0123
";
    let m = model(&[("c.yaml", cluster), ("o.yaml", objects)]);
    let c = &m.clusters[0];
    assert_eq!(c.minor_version(), Some(31));
    assert_eq!(
        c.version
            .as_ref()
            .map(|v| (v.loc.span.start.line, v.loc.span.start.column)),
        Some((6, 12))
    );
    let class = m.services[0].load_balancer_class.as_ref().expect("class");
    assert_eq!(class.value, "service.k8s.aws/nlb");
    assert_eq!(
        (class.loc.span.start.line, class.loc.span.start.column),
        (7, 22)
    );
    let ic = &m.ingress_classes[0];
    assert_eq!(ic.name.value, "alb-ip");
    assert!(ic.is_default);
    assert_eq!(
        ic.controller.as_ref().map(|c| c.value.as_str()),
        Some("ingress.k8s.aws/alb")
    );
    let params = ic.parameters.as_ref().expect("parameters");
    let field = |t: &Option<fargate_lint::model::Text>| t.as_ref().map(|t| t.value.clone());
    assert_eq!(
        (
            field(&params.api_group),
            field(&params.kind),
            field(&params.name)
        ),
        (
            Some("elbv2.k8s.aws".into()),
            Some("IngressClassParams".into()),
            Some("ip-targets".into())
        )
    );
    let p = &m.ingress_class_params[0];
    assert_eq!(p.name.value, "ip-targets");
    let target = p.target_type.as_ref().expect("targetType");
    assert_eq!(target.value, "ip");
    assert_eq!(
        (target.loc.span.start.line, target.loc.span.start.column),
        (27, 15)
    );
    let sc = &m.storage_classes[0];
    let mode = sc.parameter("provisioningMode").expect("provisioningMode");
    assert_eq!(mode.value, "efs-ap");
    assert_eq!(
        (mode.loc.span.start.line, mode.loc.span.start.column),
        (35, 21)
    );
    assert!(sc.parameter("directoryPerms").is_none());
}

#[test]
fn minor_version_reads_only_kubernetes_1_versions() {
    let version = |v: &str| {
        let text = format!(
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  version: {v}\n"
        );
        model(&[("c.yaml", &text)]).clusters[0].minor_version()
    };
    assert_eq!(version("\"1.29\""), Some(29));
    // Unquoted, YAML reads 1.30 as a number; the text is still what was written.
    assert_eq!(version("1.30"), Some(30));
    assert_eq!(version("1.30.2"), Some(30));
    assert_eq!(version("auto"), None);
    assert_eq!(version("\"${K8S_VERSION}\""), None);
    assert_eq!(version("\"2.1\""), None);
}

#[test]
fn a_claim_keeps_the_volume_it_names() {
    let text = "apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  volumeName: efs-pv
";
    let m = model(&[("pvc.yaml", text)]);
    let v = m.claims[0].volume_name.as_ref().expect("volumeName");
    assert_eq!(v.value, "efs-pv");
    assert_eq!((v.loc.span.start.line, v.loc.span.start.column), (6, 15));
}

#[test]
fn role_origin_says_where_each_profile_gets_its_pod_execution_role() {
    use fargate_lint::model::RoleOrigin;
    // The default role is in the file that defines the cluster; a second file only adds a
    // profile, which takes it all the same.
    let adds = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: prod, region: eu-west-1}
fargateProfiles:
  - name: inherits
    selectors: [{namespace: a}]
  - name: empty-role
    podExecutionRoleARN: ''
    selectors: [{namespace: b}]
";
    let dev = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: dev, region: eu-west-1}
fargateProfiles:
  - name: made
    selectors: [{namespace: a}]
";
    let api =
        r#"{"fargateProfileName": "api", "clusterName": "dev", "selectors": [{"namespace": "x"}]}"#;
    let m = model(&[
        ("adds.yaml", adds),
        ("c.yaml", CLUSTER),
        ("dev.yaml", dev),
        ("api.json", api),
    ]);
    let origin: Vec<(&str, RoleOrigin, &str)> = m
        .clusters
        .iter()
        .flat_map(|c| &c.profiles)
        .map(|p| (p.name.value.as_str(), p.role_origin, p.dialect.role_key))
        .collect();
    assert_eq!(
        origin,
        [
            (
                "inherits",
                RoleOrigin::ClusterDefault,
                "podExecutionRoleARN"
            ),
            (
                "empty-role",
                RoleOrigin::ClusterDefault,
                "podExecutionRoleARN"
            ),
            ("apps", RoleOrigin::Explicit, "podExecutionRoleARN"),
            ("made", RoleOrigin::CreatedByTool, "podExecutionRoleARN"),
            ("api", RoleOrigin::Missing, "podExecutionRoleArn"),
        ]
    );
}
