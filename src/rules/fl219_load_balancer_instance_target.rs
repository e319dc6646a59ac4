//! FL219 load-balancer-instance-target: a LoadBalancer Service or an ALB Ingress sends
//! traffic to pods on Fargate with instance targets, which cannot reach them.
//!
//! Which controller makes the load balancer, and with which target type, follows the AWS
//! Load Balancer Controller's own rules (its Service and Ingress model builders). The
//! finding is an error when the manifests ask for instance targets; a warning when they
//! leave the target type to defaults, which are instance targets unless the controller is
//! installed otherwise (`--default-target-type=ip`, its Service webhook on or off).

use super::prelude::*;
use crate::model::{Ingress, IngressClassParams, Label, Service};

pub(crate) static RULE: Rule = Rule {
    code: "FL219",
    name: "load-balancer-instance-target",
    severity: Severity::Error,
    summary: "a LoadBalancer Service or ALB Ingress sends traffic to Fargate pods without IP targets",
    doc: include_str!("../../rules/FL219-load-balancer-instance-target.md"),
    check,
    ..Rule::COMMON
};

const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
/// The `loadBalancerClass` the controller takes Services of (its `--load-balancer-class`
/// default).
const NLB_CLASS: &str = "service.k8s.aws/nlb";
const ALB_PREFIX: &str = "alb.ingress.kubernetes.io/";
const ALB_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";
const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";
/// The controller's `--ingress-class` default: the class annotation value it serves, and
/// the name of the IngressClass its Helm chart makes.
const ALB_CLASS: &str = "alb";
/// The `spec.controller` of the controller's IngressClasses.
const ALB_CONTROLLER: &str = "ingress.k8s.aws/alb";
const PARAMS_GROUP: &str = "elbv2.k8s.aws";
const PARAMS_KIND: &str = "IngressClassParams";

/// What the controller's defaults give when nothing asks for a target type.
const DEFAULT_TARGETS: &str = "the controller's default target type, `instance` unless it runs with `--default-target-type=ip`";
const WEBHOOK: &str = "the AWS Load Balancer Controller's Service webhook (v2.5+, on by default)";

fn annotation<'a>(annotations: &'a [Label], key: &str) -> Option<&'a Label> {
    annotations.iter().find(|a| a.key.value == key)
}

/// Why a load balancer has no IP targets, and how sure that is.
struct Verdict {
    /// `Error` when the manifests ask for instance targets; `Warning` when the outcome
    /// depends on how the controller is installed.
    severity: Severity,
    /// The value at fault.
    loc: Loc,
    /// What the load balancer does, for the message: a clause after its name.
    why: String,
    help: String,
}

/// A target type written in a manifest: `ip` (or a placeholder, which is not judged), or
/// the clause saying what was asked for instead.
fn asked(value: &Text, cx: &Context<'_>) -> Option<String> {
    if value.value == "ip" || cx.is_placeholder(value) {
        return None;
    }
    Some(if value.value == "instance" {
        "`instance` targets".to_string()
    } else {
        format!(
            "target type `{}`, which is neither `ip` nor `instance`",
            value.value
        )
    })
}

/// The verdict on a `type: LoadBalancer` Service, or `None` when it gets IP targets or is
/// another controller's.
fn service_verdict(cx: &Context<'_>, s: &Service, service_type: &Text) -> Option<Verdict> {
    let ann = |key| annotation(&s.meta.annotations, key).map(|a| &a.value);
    let lb_type = ann(LB_TYPE);
    let target = ann(NLB_TARGET_TYPE);
    let class = s
        .load_balancer_class
        .as_ref()
        .filter(|c| !c.value.is_empty());
    if [lb_type, target, class]
        .into_iter()
        .flatten()
        .any(|t| cx.is_placeholder(t))
    {
        return None;
    }
    // Both controllers read the legacy `nlb-ip` as IP targets, whatever else is written.
    if lb_type.is_some_and(|t| t.value == "nlb-ip") {
        return None;
    }
    let lb_type_is = |v: &str| lb_type.is_some_and(|t| t.value == v);
    let help = format!(
        "give the Service to the AWS Load Balancer Controller with IP targets: `spec.loadBalancerClass: {NLB_CLASS}` and `{NLB_TARGET_TYPE}: ip`"
    );
    if let Some(class) = class {
        // Neither the controller nor the cloud provider touch another class's Services.
        if class.value != NLB_CLASS {
            return None;
        }
        return match target {
            Some(t) => asked(t, cx).map(|what| Verdict {
                severity: Severity::Error,
                loc: t.loc,
                why: format!("asks the AWS Load Balancer Controller for {what}"),
                help: format!("set `{NLB_TARGET_TYPE}: ip`"),
            }),
            None => Some(Verdict {
                severity: Severity::Warning,
                loc: service_type.loc,
                why: format!(
                    "belongs to the AWS Load Balancer Controller (`loadBalancerClass: {NLB_CLASS}`) but names no target type (`{NLB_TARGET_TYPE}`), so it gets {DEFAULT_TARGETS}"
                ),
                help: format!("set `{NLB_TARGET_TYPE}: ip`"),
            }),
        };
    }
    // No class: the controller takes the Service when `external` comes with a target type;
    // otherwise the cloud provider does (a Classic LB, or an NLB for type `nlb`), with
    // instance targets only, unless the controller's webhook sets the class first.
    let provider_lb = if lb_type_is("nlb") {
        "Network Load Balancer"
    } else {
        "Classic Load Balancer"
    };
    match target {
        Some(t) if t.value == "ip" => {
            if lb_type_is("external") {
                return None;
            }
            Some(Verdict {
                severity: Severity::Warning,
                loc: lb_type.map_or(service_type.loc, |l| l.loc),
                why: format!(
                    "asks for IP targets, which only the AWS Load Balancer Controller reads, without handing it the Service (no `spec.loadBalancerClass`, no `{LB_TYPE}: external`): it gets IP targets where {WEBHOOK} sets the class, and instance targets from the cloud provider's {provider_lb} elsewhere"
                ),
                help,
            })
        }
        // Instance targets from the controller and the cloud provider alike.
        Some(t) => asked(t, cx).map(|what| Verdict {
            severity: Severity::Error,
            loc: t.loc,
            why: format!("asks for {what}"),
            help,
        }),
        None if lb_type_is("external") => Some(Verdict {
            severity: Severity::Warning,
            loc: lb_type.map_or(service_type.loc, |l| l.loc),
            why: format!(
                "has `{LB_TYPE}: external` without a target type, so the AWS Load Balancer Controller takes it only where its Service webhook (v2.5+, on by default) sets the class, and then with {DEFAULT_TARGETS}; elsewhere no controller makes its load balancer"
            ),
            help,
        }),
        None => Some(Verdict {
            severity: Severity::Warning,
            loc: lb_type.map_or(service_type.loc, |l| l.loc),
            why: format!(
                "names no load balancer controller and no target type: the cloud provider's {provider_lb} has instance targets only, and where {WEBHOOK} gives the Service to the controller, it gets {DEFAULT_TARGETS}"
            ),
            help,
        }),
    }
}

/// Whether the AWS Load Balancer Controller serves an Ingress, as it decides: the class
/// annotation first, else the IngressClass named (or the default one), else nothing.
enum AlbOwnership<'a> {
    NotAlb,
    Alb {
        /// The IngressClassParams of its class, as the scan has them.
        params: Params<'a>,
        /// Where the class is chosen (the annotation or `ingressClassName` value).
        anchor: Loc,
        /// Set when only `alb.ingress.kubernetes.io/*` annotations say it is an ALB
        /// Ingress: it names no class and the scan has no default IngressClass.
        inferred: bool,
    },
}

enum Params<'a> {
    None,
    InScan(&'a IngressClassParams),
    /// Named by the IngressClass but not in the scan: it may set `targetType`.
    Missing(String),
}

fn ownership<'a>(cx: &'a Context<'_>, ing: &'a Ingress) -> AlbOwnership<'a> {
    if let Some(a) = annotation(&ing.meta.annotations, INGRESS_CLASS) {
        // The annotation wins over `ingressClassName`, and brings no IngressClassParams.
        return if a.value.value == ALB_CLASS {
            AlbOwnership::Alb {
                params: Params::None,
                anchor: a.value.loc,
                inferred: false,
            }
        } else {
            AlbOwnership::NotAlb
        };
    }
    let classes = &cx.model.ingress_classes;
    let (class, anchor) = match &ing.class_name {
        Some(name) => (
            classes.iter().find(|c| c.name.value == name.value),
            Some(name),
        ),
        None => (classes.iter().find(|c| c.is_default), None),
    };
    match (class, anchor) {
        (Some(class), _) => {
            if class
                .controller
                .as_ref()
                .is_none_or(|c| c.value != ALB_CONTROLLER)
            {
                return AlbOwnership::NotAlb;
            }
            let params = match &class.parameters {
                Some(p)
                    if p.api_group
                        .as_ref()
                        .is_some_and(|g| g.value == PARAMS_GROUP)
                        && p.kind.as_ref().is_some_and(|k| k.value == PARAMS_KIND) =>
                {
                    let name = p.name.as_ref().map_or("", |n| n.value.as_str());
                    match cx
                        .model
                        .ingress_class_params
                        .iter()
                        .find(|params| params.name.value == name)
                    {
                        Some(params) => Params::InScan(params),
                        None => Params::Missing(name.to_string()),
                    }
                }
                _ => Params::None,
            };
            AlbOwnership::Alb {
                params,
                // The default class is chosen by naming none: point at the Ingress.
                anchor: anchor.map_or(ing.meta.name_loc, |a| a.loc),
                inferred: false,
            }
        }
        // The class the controller's Helm chart makes.
        (None, Some(name)) if name.value == ALB_CLASS => AlbOwnership::Alb {
            params: Params::None,
            anchor: name.loc,
            inferred: false,
        },
        (None, Some(_)) => AlbOwnership::NotAlb,
        (None, None) => {
            if ing
                .meta
                .annotations
                .iter()
                .any(|a| a.key.value.starts_with(ALB_PREFIX))
            {
                AlbOwnership::Alb {
                    params: Params::None,
                    anchor: ing.meta.name_loc,
                    inferred: true,
                }
            } else {
                AlbOwnership::NotAlb
            }
        }
    }
}

/// The verdict on the target groups of an ALB Ingress for one backend Service, or `None`
/// for IP targets. The controller takes the IngressClassParams' `targetType` first, then
/// the annotation on the Service, then on the Ingress, then its default.
fn backend_verdict(
    cx: &Context<'_>,
    ing: &Ingress,
    service: &Service,
    params: &Params<'_>,
    anchor: Loc,
) -> Option<Verdict> {
    let help = format!("annotate the Ingress with `{ALB_TARGET_TYPE}: ip`");
    if let Params::InScan(p) = params
        && let Some(t) = &p.target_type
    {
        return asked(t, cx).map(|what| Verdict {
            severity: Severity::Error,
            loc: t.loc,
            why: format!(
                "gets {what} from IngressClassParams `{}` (its `targetType` wins over annotations)",
                p.name.value
            ),
            help: format!(
                "set `targetType: ip` in IngressClassParams `{}`",
                p.name.value
            ),
        });
    }
    let on_service = annotation(&service.meta.annotations, ALB_TARGET_TYPE);
    let on_ingress = annotation(&ing.meta.annotations, ALB_TARGET_TYPE);
    let written = on_service
        .map(|a| (a, true))
        .or(on_ingress.map(|a| (a, false)));
    match written {
        Some((a, on_service)) => asked(&a.value, cx).map(|what| Verdict {
            severity: Severity::Error,
            loc: a.value.loc,
            why: if on_service {
                format!(
                    "gets {what} from the `{ALB_TARGET_TYPE}` of its backend Service `{}` (which wins over the Ingress's)",
                    service.meta.name
                )
            } else {
                format!("asks for {what}")
            },
            help: if on_service {
                format!(
                    "set `{ALB_TARGET_TYPE}: ip` on Service `{}`",
                    service.meta.name
                )
            } else {
                help.clone()
            },
        }),
        None => Some(Verdict {
            severity: Severity::Warning,
            loc: anchor,
            why: format!("names no target type (`{ALB_TARGET_TYPE}`), so it gets {DEFAULT_TARGETS}"),
            help,
        }),
    }
}

/// The workloads whose pods a Service selects: same namespace, every selector label on the
/// pod. A Service without a selector has hand-made endpoints: nothing of ours.
fn selected<'a>(pods: &PodIndex<'a>, s: &Service) -> impl Iterator<Item = WorkloadId> + 'a {
    pods.selected(&s.meta.namespace, &s.selector)
        .into_iter()
        .map(|w| w.id)
}

/// The first workload among `reached` that lands on Fargate, with its landing, and how many
/// others do.
fn first_on_fargate<'a>(
    cx: &'a Context<'_>,
    reached: impl Iterator<Item = WorkloadId>,
) -> Option<(&'a Workload, Landing<'a>, usize)> {
    let mut seen = std::collections::HashSet::new();
    let mut on_fargate = reached.filter_map(|id| {
        // Two backends may select the same workload: count it once.
        if !seen.insert(id) {
            return None;
        }
        let w = cx.model.workloads.get(id.index())?;
        cx.landing(w.id).map(|l| (w, l))
    });
    let (w, landing) = on_fargate.next()?;
    Some((w, landing, on_fargate.count()))
}

fn reach_phrase(w: &Workload, landing: &Landing<'_>, others: usize) -> String {
    let more = match others {
        0 => String::new(),
        1 => " (and 1 other workload on Fargate)".to_string(),
        n => format!(" (and {n} other workloads on Fargate)"),
    };
    format!("{}{more}, which {}", workload_label(w), landing.phrase())
}

/// One finding for a load balancer `what` (`Service `web``) with `verdict`, reaching the
/// workloads `reached`; none when none of them lands on Fargate.
fn report(
    cx: &Context<'_>,
    rule: &Rule,
    out: &mut Vec<Finding>,
    object: ObjectRef,
    what: String,
    verdict: Verdict,
    reached: impl Iterator<Item = WorkloadId>,
) {
    let Some((w, landing, others)) = first_on_fargate(cx, reached) else {
        return;
    };
    let mut f = cx
        .object_landing_finding(
            rule,
            object,
            &landing,
            verdict.loc,
            format!(
                "{what} {}; it sends traffic to {}, and instance targets (node ports) cannot reach pods on Fargate",
                verdict.why,
                reach_phrase(w, &landing, others)
            ),
        )
        .help(verdict.help);
    // The pods it reaches: their template's labels, which its selector matches.
    if let Some(at) = w.pod.metadata_loc.or(w.kind_loc) {
        f = f.link(
            at,
            "the pods it sends traffic to",
            &workload_label(w).to_string(),
        );
    }
    f.severity = verdict.severity;
    out.push(f);
}

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    let pods = PodIndex::new(cx.model);
    // Services by namespace and name, for the Ingresses' backends.
    let mut services_named: std::collections::HashMap<(&str, &str), Vec<&Service>> =
        std::collections::HashMap::new();
    for s in &cx.model.services {
        services_named
            .entry((s.meta.namespace.as_str(), s.meta.name.as_str()))
            .or_default()
            .push(s);
    }
    for s in &cx.model.services {
        let Some(service_type) = s
            .service_type
            .as_ref()
            .filter(|t| t.value == "LoadBalancer")
        else {
            continue;
        };
        let Some(verdict) = service_verdict(cx, s, service_type) else {
            continue;
        };
        let object = ObjectRef {
            kind: "Service".into(),
            namespace: s.meta.namespace.as_str().into(),
            name: s.meta.name.as_str().into(),
        };
        let what = format!("Service `{}` of type LoadBalancer", s.meta.name);
        report(cx, rule, out, object, what, verdict, selected(&pods, s));
    }
    for ing in &cx.model.ingresses {
        let AlbOwnership::Alb {
            params,
            anchor,
            inferred,
        } = ownership(cx, ing)
        else {
            continue;
        };
        // Each backend Service of the scan in the Ingress's namespace, once, with its
        // verdict; backends with the same fault make one finding.
        let mut groups: Vec<(Verdict, Vec<&Service>)> = Vec::new();
        // In model order, each once, as a scan of the Services would give them.
        let mut backends: Vec<&Service> = ing
            .backends
            .iter()
            .flat_map(|b| {
                services_named
                    .get(&(ing.meta.namespace.as_str(), b.value.as_str()))
                    .into_iter()
                    .flatten()
                    .copied()
            })
            .collect();
        backends.sort_by_key(|s| (s.meta.loc.file, s.meta.loc.span.start_byte));
        backends.dedup_by_key(|s| (s.meta.loc.file, s.meta.loc.span.start_byte));
        for s in backends {
            let Some(mut verdict) = backend_verdict(cx, ing, s, &params, anchor) else {
                continue;
            };
            // What the scan does not show may give IP targets after all.
            if let Params::Missing(name) = &params {
                verdict.severity = Severity::Warning;
                verdict.why.push_str(&format!(
                    ", unless IngressClassParams `{name}` (not in the scan) sets `targetType: ip`"
                ));
            }
            if inferred {
                verdict.severity = Severity::Warning;
                verdict.why.push_str(
                    ", if the AWS Load Balancer Controller serves it (it names no IngressClass; its `alb.ingress.kubernetes.io/*` annotations say so)",
                );
            }
            match groups.iter_mut().find(|(v, _)| v.loc == verdict.loc) {
                Some((_, services)) => services.push(s),
                None => groups.push((verdict, vec![s])),
            }
        }
        for (verdict, services) in groups {
            let object = ObjectRef {
                kind: "Ingress".into(),
                namespace: ing.meta.namespace.as_str().into(),
                name: ing.meta.name.as_str().into(),
            };
            let what = format!("ALB Ingress `{}`", ing.meta.name);
            let reached = services.into_iter().flat_map(|s| selected(&pods, s));
            report(cx, rule, out, object, what, verdict, reached);
        }
    }
}
