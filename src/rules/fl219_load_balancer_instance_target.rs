//! FL219 load-balancer-instance-target: a LoadBalancer Service or an ALB Ingress sends
//! traffic to pods on Fargate with instance targets, which cannot reach them.

use super::prelude::*;
use crate::model::{Label, Service};

pub(crate) static RULE: Rule = Rule {
    code: "FL219",
    name: "load-balancer-instance-target",
    severity: Severity::Error,
    summary: "a LoadBalancer Service or ALB Ingress sends traffic to Fargate pods without IP targets",
    doc: include_str!("../../rules/FL219-load-balancer-instance-target.md"),
    check,
};

const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const ALB_PREFIX: &str = "alb.ingress.kubernetes.io/";
const ALB_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";
const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";

fn annotation<'a>(annotations: &'a [Label], key: &str) -> Option<&'a Label> {
    annotations.iter().find(|a| a.key.value == key)
}

/// Whether the AWS Load Balancer Controller gives the Service's NLB IP targets: type
/// `external` with target type `ip`, or the older type `nlb-ip`.
fn service_has_ip_targets(s: &Service) -> bool {
    let value = |key| annotation(&s.meta.annotations, key).map(|a| a.value.value.as_str());
    value(LB_TYPE) == Some("nlb-ip")
        || (value(LB_TYPE) == Some("external") && value(NLB_TARGET_TYPE) == Some("ip"))
}

/// The workloads whose pods a Service selects: same namespace, every selector label on the
/// pod. A Service without a selector has hand-made endpoints: nothing of ours.
fn selected<'a>(cx: &'a Context<'_>, s: &'a Service) -> impl Iterator<Item = usize> + 'a {
    cx.model
        .workloads
        .iter()
        .enumerate()
        .filter(move |(_, w)| {
            !s.selector.is_empty()
                && w.namespace == s.meta.namespace
                && s.selector.iter().all(|want| {
                    w.pod.labels.iter().any(|have| {
                        have.key.value == want.key.value && have.value.value == want.value.value
                    })
                })
        })
        .map(|(i, _)| i)
}

/// The first workload among `reached` that lands on Fargate, with its landing, and how many
/// others do.
fn first_on_fargate<'a>(
    cx: &'a Context<'_>,
    reached: impl Iterator<Item = usize>,
) -> Option<(&'a Workload, Landing<'a>, usize)> {
    let mut on_fargate = reached.filter_map(|i| {
        let w = cx.model.workloads.get(i)?;
        cx.landing(i).map(|l| (w, l))
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

fn check(cx: &Context<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    for s in &cx.model.services {
        let Some(service_type) = s
            .service_type
            .as_ref()
            .filter(|t| t.value == "LoadBalancer")
        else {
            continue;
        };
        if service_has_ip_targets(s) {
            continue;
        }
        let Some((w, landing, others)) = first_on_fargate(cx, selected(cx, s)) else {
            continue;
        };
        // Point at the annotation that asks for instance targets when there is one.
        let loc = annotation(&s.meta.annotations, NLB_TARGET_TYPE)
            .or_else(|| annotation(&s.meta.annotations, LB_TYPE))
            .map_or(service_type.loc, |a| a.key.loc);
        out.push(
            cx.object_landing_finding(
                rule,
                ObjectRef {
                    kind: "Service".into(),
                    namespace: s.meta.namespace.clone(),
                    name: s.meta.name.clone(),
                },
                &landing,
                loc,
                format!(
                    "Service `{}` of type LoadBalancer has no IP targets but sends traffic to {}: instance targets (node ports) cannot reach pods on Fargate",
                    s.meta.name,
                    reach_phrase(w, &landing, others)
                ),
            )
            .help(format!("annotate the Service with `{LB_TYPE}: external` and `{NLB_TARGET_TYPE}: ip` (AWS Load Balancer Controller)")),
        );
    }
    for ing in &cx.model.ingresses {
        let annotations = &ing.meta.annotations;
        let class_annotation = annotation(annotations, INGRESS_CLASS);
        let is_alb = ing.class_name.as_ref().is_some_and(|c| c.value == "alb")
            || class_annotation.is_some_and(|a| a.value.value == "alb")
            || annotations
                .iter()
                .any(|a| a.key.value.starts_with(ALB_PREFIX));
        if !is_alb {
            continue;
        }
        let target_type = annotation(annotations, ALB_TARGET_TYPE);
        if target_type.is_some_and(|t| t.value.value == "ip") {
            continue;
        }
        // Backend Services in the Ingress's namespace; one that asks for IP targets itself
        // (the controller reads the annotation on the Service too) is fine.
        let services = cx.model.services.iter().filter(|s| {
            s.meta.namespace == ing.meta.namespace
                && ing.backends.iter().any(|b| b.value == s.meta.name)
                && annotation(&s.meta.annotations, ALB_TARGET_TYPE)
                    .is_none_or(|t| t.value.value != "ip")
        });
        let reached = services.flat_map(|s| selected(cx, s));
        let Some((w, landing, others)) = first_on_fargate(cx, reached) else {
            continue;
        };
        let loc = target_type
            .map(|t| t.key.loc)
            .or(ing.class_name.as_ref().map(|c| c.loc))
            .or(class_annotation.map(|a| a.key.loc))
            .unwrap_or(ing.meta.name_loc);
        let why = match target_type {
            Some(t) => format!("has `{ALB_TARGET_TYPE}: {}`", t.value.value),
            None => {
                "has no `alb.ingress.kubernetes.io/target-type: ip` (the default is `instance`)"
                    .to_string()
            }
        };
        out.push(
            cx.object_landing_finding(
                rule,
                ObjectRef {
                    kind: "Ingress".into(),
                    namespace: ing.meta.namespace.clone(),
                    name: ing.meta.name.clone(),
                },
                &landing,
                loc,
                format!(
                    "ALB Ingress `{}` {why} but sends traffic to {}: instance targets (node ports) cannot reach pods on Fargate",
                    ing.meta.name,
                    reach_phrase(w, &landing, others)
                ),
            )
            .help(format!("annotate the Ingress with `{ALB_TARGET_TYPE}: ip`")),
        );
    }
}
