//! The sizing engine: what a pod asks for (CPU, memory, ephemeral storage), the Fargate size
//! it is rounded up to, and what that costs. It follows `fargate.md` §6 exactly and is a pure
//! function of the pod's containers.

use crate::model::{Container, ContainerKind, PodFacts, Resources, Text};
use crate::quantity::{parse_bytes, parse_cpu_millis};
use crate::source::Loc;
use std::fmt;

/// Fargate prices per hour. Regions differ, so they are configurable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pricing {
    /// Dollars per vCPU-hour.
    pub vcpu_hour: f64,
    /// Dollars per GB-hour of memory (GB = GiB).
    pub gb_hour: f64,
    /// Dollars per GB-hour of ephemeral storage above the included 20 GB.
    pub ephemeral_gb_hour: f64,
}

impl Default for Pricing {
    /// us-east-1, Linux/x86.
    fn default() -> Self {
        Pricing {
            vcpu_hour: 0.04048,
            gb_hour: 0.004445,
            ephemeral_gb_hour: 0.000111,
        }
    }
}

/// Hours in the month the cost estimates use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Memory Fargate adds to every pod for its own agents, before picking a size.
pub const FARGATE_OVERHEAD_MIB: u64 = 256;
/// The most ephemeral storage a Fargate pod may have.
pub const MAX_EPHEMERAL_GIB: u64 = 175;
/// Ephemeral storage every Fargate pod gets without paying for it.
pub const INCLUDED_EPHEMERAL_GIB: u64 = 20;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// One vCPU / memory combination Fargate offers. Ordered by vCPU, then memory: the order in
/// which Fargate rounds a pod up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FargateSize {
    /// Thousandths of a vCPU (250 for 0.25 vCPU).
    pub millicpu: u32,
    /// Memory in MiB (512 for "0.5 GB": Fargate's GB are GiB).
    pub memory_mib: u32,
}

impl FargateSize {
    pub fn vcpu(&self) -> f64 {
        f64::from(self.millicpu) / 1000.0
    }

    /// Memory in GB as Fargate counts them (GiB).
    pub fn memory_gb(&self) -> f64 {
        f64::from(self.memory_mib) / 1024.0
    }

    pub fn memory_bytes(&self) -> u64 {
        u64::from(self.memory_mib) * MIB
    }

    /// Whether this size holds a pod that needs `millicpu` and `memory_bytes` (overhead
    /// included).
    pub fn holds(&self, millicpu: u64, memory_bytes: u64) -> bool {
        u64::from(self.millicpu) >= millicpu && self.memory_bytes() >= memory_bytes
    }
}

impl fmt::Display for FargateSize {
    /// The `CapacityProvisioned` annotation format: `0.25vCPU 0.5GB`, `2vCPU 9GB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, u64::from(self.millicpu), 1000)?;
        f.write_str("vCPU ")?;
        write_decimal(f, u64::from(self.memory_mib), 1024)?;
        f.write_str("GB")
    }
}

/// Writes `numerator / denominator` in decimal without trailing zeros, exactly (the
/// denominators used, 1000 and 1024, give terminating expansions; the digit cap is a guard).
fn write_decimal(f: &mut fmt::Formatter<'_>, numerator: u64, denominator: u64) -> fmt::Result {
    write!(f, "{}", numerator / denominator)?;
    let mut remainder = numerator % denominator;
    if remainder != 0 {
        f.write_str(".")?;
        let mut digits = 0;
        while remainder != 0 && digits < 12 {
            remainder *= 10;
            write!(f, "{}", remainder / denominator)?;
            remainder %= denominator;
            digits += 1;
        }
    }
    Ok(())
}

/// Rows of the §6 table: vCPU (milli), first and last memory (MiB), step (MiB). The 0.25
/// vCPU row (0.5, 1, 2 GB) has no single step, so it is two rows.
const ROWS: [(u32, u32, u32, u32); 8] = [
    (250, 512, 512, 512),
    (250, 1024, 2048, 1024),
    (500, 1024, 4096, 1024),
    (1000, 2048, 8192, 1024),
    (2000, 4096, 16384, 1024),
    (4000, 8192, 30720, 1024),
    (8000, 16384, 61440, 4096),
    (16000, 32768, 122880, 8192),
];

const SIZE_COUNT: usize = 74;

const fn build_sizes() -> [FargateSize; SIZE_COUNT] {
    let mut sizes = [FargateSize {
        millicpu: 0,
        memory_mib: 0,
    }; SIZE_COUNT];
    let mut n = 0;
    let mut row = 0;
    while row < ROWS.len() {
        let (millicpu, first, last, step) = ROWS[row];
        let mut memory_mib = first;
        while memory_mib <= last {
            sizes[n] = FargateSize {
                millicpu,
                memory_mib,
            };
            n += 1;
            memory_mib += step;
        }
        row += 1;
    }
    // Fails the build if the rows and the count disagree.
    assert!(n == SIZE_COUNT);
    sizes
}

const SIZES: [FargateSize; SIZE_COUNT] = build_sizes();

/// Every Fargate size, ascending by vCPU then memory.
pub const ALL_SIZES: &[FargateSize] = &SIZES;

/// The largest Fargate size (16 vCPU, 120 GB): a pod that needs more is refused.
pub const LARGEST: FargateSize = SIZES[SIZE_COUNT - 1];

/// The same table as an iterator.
pub fn all_sizes() -> impl Iterator<Item = FargateSize> {
    ALL_SIZES.iter().copied()
}

/// What a pod asks for, by §6 steps 1–2 (before Fargate's memory overhead).
#[derive(Debug, Clone, PartialEq)]
pub struct PodNeed {
    pub millicpu: u64,
    /// Memory in bytes, before the 256 MiB overhead.
    pub memory_bytes: u64,
    /// Ephemeral storage in bytes; 0 if none is requested.
    pub ephemeral_bytes: u64,
    /// Quantities that could not be parsed (placeholders such as `${CPU}`) and were needed:
    /// they count as absent, so a placeholder request falls back to the limit.
    pub unresolved: Vec<Loc>,
}

/// One container's request per resource, as [cpu millis, memory bytes, ephemeral bytes].
type Amounts = [u64; 3];

/// §6 step 1: the request of a resource is its `requests` value, else its `limits` value
/// (what the API server defaults it to). An unparsable value counts as absent, so a
/// placeholder request falls back to a concrete limit; a parsed request means the limit is
/// never looked at. The value that decided, and its amount; `None` when neither parses.
/// The one place that says what counts as a container's request: sizing and the rules that
/// point at a request (FL210, FL213) all read it here.
pub fn effective_request<'a>(
    request: Option<&'a Text>,
    limit: Option<&'a Text>,
    parse: fn(&str) -> Option<u64>,
) -> Option<(&'a Text, u64)> {
    [request, limit]
        .into_iter()
        .flatten()
        .find_map(|q| parse(&q.value).map(|amount| (q, amount)))
}

/// [`effective_request`] as an amount (0 when nothing parses), recording the unparsable
/// values that were consulted.
fn resource_request(
    request: Option<&Text>,
    limit: Option<&Text>,
    parse: fn(&str) -> Option<u64>,
    unresolved: &mut Vec<Loc>,
) -> u64 {
    if let Some((_, amount)) = effective_request(request, limit, parse) {
        // Values before the one that decided did not parse.
        for q in [request, limit].into_iter().flatten() {
            if parse(&q.value).is_some() {
                break;
            }
            unresolved.push(q.loc);
        }
        return amount;
    }
    unresolved.extend([request, limit].into_iter().flatten().map(|q| q.loc));
    0
}

fn container_request(container: &Container, unresolved: &mut Vec<Loc>) -> Amounts {
    let (requests, limits): (&Resources, &Resources) = (&container.requests, &container.limits);
    [
        resource_request(
            requests.cpu.as_ref(),
            limits.cpu.as_ref(),
            parse_cpu_millis,
            unresolved,
        ),
        resource_request(
            requests.memory.as_ref(),
            limits.memory.as_ref(),
            parse_bytes,
            unresolved,
        ),
        resource_request(
            requests.ephemeral_storage.as_ref(),
            limits.ephemeral_storage.as_ref(),
            parse_bytes,
            unresolved,
        ),
    ]
}

fn sum(a: Amounts, b: Amounts) -> Amounts {
    [
        a[0].saturating_add(b[0]),
        a[1].saturating_add(b[1]),
        a[2].saturating_add(b[2]),
    ]
}

fn max(a: Amounts, b: Amounts) -> Amounts {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].max(b[2])]
}

/// §6 steps 1–2: what the pod needs, per resource, exactly as fargate.md says:
///
/// - long-running = sum of regular containers and sidecars (init containers with
///   `restartPolicy: Always`), which run for the pod's whole life;
/// - init = the largest request among the other (plain) init containers;
/// - the pod needs the larger of the two.
///
/// Kubernetes itself (KEP-753) also counts the sidecars started before a plain init
/// container while it runs, which can only raise the init value; Fargate does not document
/// sidecars, so the spec's rule is followed and a pod whose init phase would be larger with
/// that rule is predicted one size smaller than Kubernetes might ask for. Sums saturate
/// instead of overflowing.
pub fn pod_need(pod: &PodFacts) -> PodNeed {
    let mut unresolved = Vec::new();
    let mut long_running: Amounts = [0; 3];
    let mut init_phase: Amounts = [0; 3];
    for container in &pod.containers {
        let request = container_request(container, &mut unresolved);
        match container.kind {
            ContainerKind::Regular | ContainerKind::Sidecar => {
                long_running = sum(long_running, request)
            }
            ContainerKind::Init => init_phase = max(init_phase, request),
        }
    }
    let [millicpu, memory_bytes, ephemeral_bytes] = max(long_running, init_phase);
    PodNeed {
        millicpu,
        memory_bytes,
        ephemeral_bytes,
        unresolved,
    }
}

/// §6 steps 3–4: the smallest Fargate size (first in table order) that holds the need plus
/// the 256 MiB overhead; `None` when even 16 vCPU / 120 GB is too small. Ephemeral storage
/// does not change the size (it is billed apart; see [`ephemeral_exceeds_max`]).
pub fn size_for(need: &PodNeed) -> Option<FargateSize> {
    let memory = need.memory_bytes.saturating_add(FARGATE_OVERHEAD_MIB * MIB);
    all_sizes().find(|size| size.holds(need.millicpu, memory))
}

/// Whether a pod asks for more ephemeral storage than Fargate gives any pod.
pub fn ephemeral_exceeds_max(ephemeral_bytes: u64) -> bool {
    ephemeral_bytes > MAX_EPHEMERAL_GIB * GIB
}

/// Ephemeral storage billed: whole GiB (rounded up, as Fargate provisions whole GiB) above
/// the included 20 GiB.
fn billable_ephemeral_gib(ephemeral_bytes: u64) -> u64 {
    ephemeral_bytes
        .div_ceil(GIB)
        .saturating_sub(INCLUDED_EPHEMERAL_GIB)
}

/// Dollars per hour for one pod of `size`.
pub fn hourly_cost(size: FargateSize, ephemeral_bytes: u64, pricing: &Pricing) -> f64 {
    size.vcpu() * pricing.vcpu_hour
        + size.memory_gb() * pricing.gb_hour
        + billable_ephemeral_gib(ephemeral_bytes) as f64 * pricing.ephemeral_gb_hour
}

/// Dollars per month (730 hours) for `replicas` pods of `size`, rounded to cents.
pub fn monthly_cost(
    size: FargateSize,
    ephemeral_bytes: u64,
    replicas: u32,
    pricing: &Pricing,
) -> f64 {
    let dollars =
        hourly_cost(size, ephemeral_bytes, pricing) * HOURS_PER_MONTH * f64::from(replicas);
    (dollars * 100.0).round() / 100.0
}

/// The size just below `size` in table order (for "wasted capacity"): `None` for the
/// smallest. For a size not in the table, the largest table entry below it.
pub fn next_smaller(size: FargateSize) -> Option<FargateSize> {
    let below = ALL_SIZES.partition_point(|entry| *entry < size);
    below.checked_sub(1).and_then(|i| ALL_SIZES.get(i).copied())
}

/// The size a workload's pods get on Fargate, and what it is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadSize {
    pub need: PodNeed,
    /// `None` when the pod is over the largest Fargate size.
    pub size: Option<FargateSize>,
}

impl WorkloadSize {
    /// Fargate takes the pod: it fits the largest size and its ephemeral storage limit.
    /// Whether the size rests on a guess: a request that is a placeholder (`${CPU}`) fell
    /// back to the limit or to nothing. Such a pod is not refused for its size: the rendered
    /// request may well fit (FL002 says the prediction is partial).
    pub fn is_guess(&self) -> bool {
        !self.need.unresolved.is_empty()
    }

    pub fn fits_fargate(&self) -> bool {
        self.size.is_some() && !ephemeral_exceeds_max(self.need.ephemeral_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text_at(value: &str, byte: usize) -> Text {
        let mut loc = Loc::default();
        loc.span.start_byte = crate::source::offset(byte);
        loc.span.end_byte = crate::source::offset(byte + value.len());
        Text {
            value: value.to_string(),
            loc,
            quoted: false,
        }
    }

    fn text(value: &str) -> Text {
        text_at(value, 0)
    }

    /// Resources from `("cpu", "1")`, `("memory", "2Gi")`, `("ephemeral-storage", "30Gi")`.
    fn resources(pairs: &[(&str, &str)]) -> Resources {
        let mut r = Resources::default();
        for &(key, value) in pairs {
            let slot = match key {
                "cpu" => &mut r.cpu,
                "memory" => &mut r.memory,
                "ephemeral-storage" => &mut r.ephemeral_storage,
                other => panic!("unknown resource {other}"),
            };
            *slot = Some(text(value));
        }
        r
    }

    fn container(
        kind: ContainerKind,
        requests: &[(&str, &str)],
        limits: &[(&str, &str)],
    ) -> Container {
        Container {
            name: None,
            kind,
            image: Some(text("nginx")),
            requests: resources(requests),
            limits: resources(limits),
            security: Default::default(),
            ports: Vec::new(),
            loc: Loc::default(),
        }
    }

    fn regular(requests: &[(&str, &str)]) -> Container {
        container(ContainerKind::Regular, requests, &[])
    }

    fn init(requests: &[(&str, &str)]) -> Container {
        container(ContainerKind::Init, requests, &[])
    }

    fn sidecar(requests: &[(&str, &str)]) -> Container {
        container(ContainerKind::Sidecar, requests, &[])
    }

    fn pod(containers: Vec<Container>) -> PodFacts {
        PodFacts {
            containers,
            ..PodFacts::default()
        }
    }

    fn size(millicpu: u32, gb_halves: u32) -> FargateSize {
        FargateSize {
            millicpu,
            memory_mib: gb_halves * 512,
        }
    }

    fn need(millicpu: u64, memory_bytes: u64) -> PodNeed {
        PodNeed {
            millicpu,
            memory_bytes,
            ephemeral_bytes: 0,
            unresolved: Vec::new(),
        }
    }

    fn size_of(containers: Vec<Container>) -> Option<String> {
        size_for(&pod_need(&pod(containers))).map(|s| s.to_string())
    }

    // --- worked examples of §6 ----------------------------------------------------------

    #[test]
    fn one_vcpu_and_8gi_become_2vcpu_9gb() {
        let got = size_of(vec![regular(&[("cpu", "1"), ("memory", "8Gi")])]);
        assert_eq!(got.as_deref(), Some("2vCPU 9GB"));
    }

    #[test]
    fn one_cpu_and_2_5g_become_1vcpu_3gb() {
        let got = size_of(vec![regular(&[("cpu", "1"), ("memory", "2.5G")])]);
        assert_eq!(got.as_deref(), Some("1vCPU 3GB"));
    }

    #[test]
    fn quarter_cpu_and_3g_become_half_vcpu_4gb() {
        let got = size_of(vec![regular(&[("cpu", "250m"), ("memory", "3G")])]);
        assert_eq!(got.as_deref(), Some("0.5vCPU 4GB"));
    }

    #[test]
    fn no_requests_get_the_smallest_size() {
        assert_eq!(
            size_of(vec![regular(&[])]).as_deref(),
            Some("0.25vCPU 0.5GB")
        );
        assert_eq!(size_of(Vec::new()).as_deref(), Some("0.25vCPU 0.5GB"));
        let n = pod_need(&pod(vec![regular(&[])]));
        assert_eq!(n, need(0, 0));
    }

    #[test]
    fn limits_stand_in_for_missing_requests() {
        let c = container(
            ContainerKind::Regular,
            &[("cpu", "500m")],
            &[
                ("cpu", "2"),
                ("memory", "4Gi"),
                ("ephemeral-storage", "30Gi"),
            ],
        );
        let n = pod_need(&pod(vec![c]));
        // The cpu request wins over its limit; memory and storage come from the limits.
        assert_eq!(n.millicpu, 500);
        assert_eq!(n.memory_bytes, 4 * GIB);
        assert_eq!(n.ephemeral_bytes, 30 * GIB);
        assert_eq!(
            size_for(&n).map(|s| s.to_string()).as_deref(),
            Some("1vCPU 5GB")
        );
    }

    #[test]
    fn containers_add_up() {
        let n = pod_need(&pod(vec![
            regular(&[("cpu", "250m"), ("memory", "512Mi")]),
            regular(&[("cpu", "250m"), ("memory", "512Mi")]),
        ]));
        assert_eq!((n.millicpu, n.memory_bytes), (500, GIB));
        assert_eq!(
            size_for(&n).map(|s| s.to_string()).as_deref(),
            Some("0.5vCPU 2GB")
        );
    }

    #[test]
    fn init_containers_take_the_largest_not_the_sum() {
        let n = pod_need(&pod(vec![
            init(&[("cpu", "2"), ("memory", "1Gi")]),
            init(&[("cpu", "1"), ("memory", "3Gi")]),
            regular(&[("cpu", "500m"), ("memory", "2Gi")]),
        ]));
        // Per resource: cpu from the first init container, memory from the second.
        assert_eq!((n.millicpu, n.memory_bytes), (2000, 3 * GIB));
        assert_eq!(
            size_for(&n).map(|s| s.to_string()).as_deref(),
            Some("2vCPU 4GB")
        );
    }

    #[test]
    fn small_init_containers_change_nothing() {
        let n = pod_need(&pod(vec![
            init(&[("cpu", "100m")]),
            regular(&[("cpu", "1"), ("memory", "1Gi")]),
        ]));
        assert_eq!((n.millicpu, n.memory_bytes), (1000, GIB));
    }

    #[test]
    fn sidecars_count_as_long_running() {
        let n = pod_need(&pod(vec![
            sidecar(&[("cpu", "250m"), ("memory", "256Mi")]),
            regular(&[("cpu", "500m"), ("memory", "1Gi")]),
        ]));
        assert_eq!((n.millicpu, n.memory_bytes), (750, GIB + 256 * MIB));
        assert_eq!(
            size_for(&n).map(|s| s.to_string()).as_deref(),
            Some("1vCPU 2GB")
        );
    }

    #[test]
    fn init_request_is_the_largest_plain_init_container_whatever_the_order() {
        // fargate.md §6.2: init = the largest request among the (non-sidecar) init
        // containers; sidecars count with the long-running containers only.
        for containers in [
            vec![
                sidecar(&[("cpu", "250m")]),
                init(&[("cpu", "1")]),
                regular(&[("cpu", "500m")]),
            ],
            vec![
                init(&[("cpu", "1")]),
                sidecar(&[("cpu", "250m")]),
                regular(&[("cpu", "500m")]),
            ],
            vec![
                regular(&[("cpu", "500m")]),
                sidecar(&[("cpu", "250m")]),
                init(&[("cpu", "1")]),
            ],
        ] {
            assert_eq!(pod_need(&pod(containers)).millicpu, 1000);
        }
    }

    #[test]
    fn long_running_wins_when_sidecars_and_containers_add_up_past_init() {
        // Long-running: 300 + 200 + 100 = 600 MiB; the init container alone: 500 MiB.
        let n = pod_need(&pod(vec![
            sidecar(&[("memory", "300Mi")]),
            sidecar(&[("memory", "200Mi")]),
            init(&[("memory", "500Mi")]),
            regular(&[("memory", "100Mi")]),
        ]));
        assert_eq!(n.memory_bytes, 600 * MIB);
        // A larger init container wins: 700 MiB.
        let n = pod_need(&pod(vec![
            sidecar(&[("memory", "300Mi")]),
            init(&[("memory", "700Mi")]),
            regular(&[("memory", "100Mi")]),
        ]));
        assert_eq!(n.memory_bytes, 700 * MIB);
    }

    #[test]
    fn ephemeral_storage_follows_the_same_rules() {
        let n = pod_need(&pod(vec![
            init(&[("ephemeral-storage", "50Gi")]),
            regular(&[("ephemeral-storage", "10Gi")]),
            regular(&[("ephemeral-storage", "15Gi")]),
        ]));
        assert_eq!(n.ephemeral_bytes, 50 * GIB);
        assert!(!ephemeral_exceeds_max(n.ephemeral_bytes));
        assert!(!ephemeral_exceeds_max(175 * GIB));
        assert!(ephemeral_exceeds_max(175 * GIB + 1));
    }

    #[test]
    fn placeholders_count_as_absent_and_are_reported() {
        let c = Container {
            name: None,
            kind: ContainerKind::Regular,
            image: None,
            requests: Resources {
                cpu: Some(text_at("${CPU}", 10)),
                memory: Some(text_at("{{ .Values.memory }}", 20)),
                ..Resources::default()
            },
            limits: Resources {
                cpu: Some(text_at("2", 30)),
                memory: Some(text_at("${MEM_LIMIT}", 40)),
                ..Resources::default()
            },
            security: Default::default(),
            ports: Vec::new(),
            loc: Loc::default(),
        };
        let n = pod_need(&pod(vec![c, regular(&[("memory", "1Gi")])]));
        // CPU falls back to the concrete limit; memory has nothing concrete in the first
        // container, so only the second one counts.
        assert_eq!(n.millicpu, 2000);
        assert_eq!(n.memory_bytes, GIB);
        let bytes: Vec<u32> = n.unresolved.iter().map(|l| l.span.start_byte).collect();
        assert_eq!(bytes, vec![10, 20, 40]);
    }

    #[test]
    fn an_unparsable_limit_behind_a_good_request_is_not_reported() {
        let c = container(
            ContainerKind::Regular,
            &[("cpu", "1")],
            &[("cpu", "${CPU}")],
        );
        let n = pod_need(&pod(vec![c]));
        assert_eq!(n.millicpu, 1000);
        assert!(n.unresolved.is_empty());
    }

    #[test]
    fn over_the_largest_size_is_none() {
        assert_eq!(size_for(&need(16_001, 0)), None);
        assert_eq!(size_for(&need(0, 120 * GIB)), None); // + 256 MiB overhead
        assert_eq!(size_for(&need(u64::MAX, u64::MAX)), None);
        let got = size_of(vec![regular(&[("cpu", "17")])]);
        assert_eq!(got, None);
        let got = size_of(vec![regular(&[("cpu", "1"), ("memory", "1e30")])]);
        assert_eq!(got, None);
    }

    #[test]
    fn table_boundaries() {
        let overhead = FARGATE_OVERHEAD_MIB * MIB;
        let cases = [
            // (millicpu, memory before overhead, expected)
            (250, GIB / 2 - overhead, size(250, 1)),
            (250, GIB / 2 - overhead + 1, size(250, 2)),
            (250, 2 * GIB - overhead, size(250, 4)),
            (250, 2 * GIB - overhead + 1, size(500, 6)),
            (251, 0, size(500, 2)),
            (500, 4 * GIB - overhead, size(500, 8)),
            (500, 4 * GIB - overhead + 1, size(1000, 10)),
            (1000, 0, size(1000, 4)),
            (1001, 0, size(2000, 8)),
            (1000, 8 * GIB - overhead, size(1000, 16)),
            (2000, 16 * GIB - overhead, size(2000, 32)),
            (2000, 16 * GIB - overhead + 1, size(4000, 34)),
            (4000, 30 * GIB - overhead, size(4000, 60)),
            (4000, 30 * GIB - overhead + 1, size(8000, 64)),
            (8000, 60 * GIB - overhead, size(8000, 120)),
            (8000, 60 * GIB - overhead + 1, size(16000, 128)),
            (8001, 0, size(16000, 64)),
            (16_000, 120 * GIB - overhead, size(16000, 240)),
        ];
        for (millicpu, memory, expected) in cases {
            assert_eq!(
                size_for(&need(millicpu, memory)),
                Some(expected),
                "{millicpu}m {memory}B"
            );
        }
        assert_eq!(size_for(&need(16_000, 120 * GIB - overhead + 1)), None);
    }

    // --- the table --------------------------------------------------------------------

    #[test]
    fn table_has_every_combination_in_order() {
        assert_eq!(ALL_SIZES.len(), 74);
        assert!(ALL_SIZES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(all_sizes().count(), 74);
        let row = |millicpu: u32| -> Vec<String> {
            all_sizes()
                .filter(|s| s.millicpu == millicpu)
                .map(|s| format!("{}", s.memory_gb()))
                .collect()
        };
        assert_eq!(row(250), ["0.5", "1", "2"]);
        assert_eq!(row(500), ["1", "2", "3", "4"]);
        assert_eq!(row(1000), ["2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(row(2000).len(), 13);
        assert_eq!(row(2000).first().map(String::as_str), Some("4"));
        assert_eq!(row(2000).last().map(String::as_str), Some("16"));
        assert_eq!(row(4000).len(), 23);
        assert_eq!(row(4000).last().map(String::as_str), Some("30"));
        assert_eq!(
            row(8000),
            [
                "16", "20", "24", "28", "32", "36", "40", "44", "48", "52", "56", "60"
            ]
        );
        assert_eq!(
            row(16000),
            [
                "32", "40", "48", "56", "64", "72", "80", "88", "96", "104", "112", "120"
            ]
        );
    }

    #[test]
    fn display_is_the_capacity_provisioned_format() {
        assert_eq!(size(250, 1).to_string(), "0.25vCPU 0.5GB");
        assert_eq!(size(500, 2).to_string(), "0.5vCPU 1GB");
        assert_eq!(size(2000, 18).to_string(), "2vCPU 9GB");
        assert_eq!(size(16000, 240).to_string(), "16vCPU 120GB");
        let odd = FargateSize {
            millicpu: 1,
            memory_mib: 1,
        };
        assert_eq!(odd.to_string(), "0.001vCPU 0.0009765625GB");
    }

    #[test]
    fn vcpu_and_memory_gb() {
        assert_eq!(size(250, 1).vcpu(), 0.25);
        assert_eq!(size(250, 1).memory_gb(), 0.5);
        assert_eq!(size(16000, 240).vcpu(), 16.0);
        assert_eq!(size(16000, 240).memory_gb(), 120.0);
        assert_eq!(size(250, 1).memory_bytes(), 512 * MIB);
    }

    #[test]
    fn next_smaller_steps_down_the_table() {
        assert_eq!(next_smaller(size(250, 1)), None);
        assert_eq!(next_smaller(size(250, 2)), Some(size(250, 1)));
        assert_eq!(next_smaller(size(500, 2)), Some(size(250, 4)));
        assert_eq!(next_smaller(size(2000, 8)), Some(size(1000, 16)));
        assert_eq!(next_smaller(size(16000, 240)), Some(size(16000, 224)));
        // Not in the table: the largest entry below it.
        assert_eq!(next_smaller(size(300, 2)), Some(size(250, 4)));
        assert_eq!(next_smaller(size(0, 0)), None);
    }

    // --- cost -------------------------------------------------------------------------

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn default_pricing_is_us_east_1() {
        let p = Pricing::default();
        assert_eq!(
            (p.vcpu_hour, p.gb_hour, p.ephemeral_gb_hour),
            (0.04048, 0.004445, 0.000111)
        );
    }

    #[test]
    fn hourly_cost_of_the_smallest_size() {
        // 0.25 × 0.04048 + 0.5 × 0.004445 = 0.01012 + 0.0022225
        let h = hourly_cost(size(250, 1), 0, &Pricing::default());
        assert!(close(h, 0.0123425), "{h}");
    }

    #[test]
    fn hourly_cost_of_2vcpu_9gb() {
        // 2 × 0.04048 + 9 × 0.004445 = 0.08096 + 0.040005
        let h = hourly_cost(size(2000, 18), 0, &Pricing::default());
        assert!(close(h, 0.120965), "{h}");
    }

    #[test]
    fn ephemeral_storage_above_20_gib_is_billed() {
        let p = Pricing::default();
        let base = hourly_cost(size(1000, 4), 0, &p);
        // 1 × 0.04048 + 2 × 0.004445 = 0.04937
        assert!(close(base, 0.04937), "{base}");
        assert!(close(hourly_cost(size(1000, 4), 20 * GIB, &p), base));
        // Whole GiB, rounded up: one byte over 20 GiB bills one GiB.
        let one = hourly_cost(size(1000, 4), 20 * GIB + 1, &p);
        assert!(close(one, base + 0.000111), "{one}");
        // 50 GiB: 30 billable × 0.000111 = 0.00333
        let fifty = hourly_cost(size(1000, 4), 50 * GIB, &p);
        assert!(close(fifty, 0.0527), "{fifty}");
    }

    #[test]
    fn monthly_cost_rounds_to_cents() {
        let p = Pricing::default();
        // 0.0123425 × 730 = 9.010025
        assert_eq!(monthly_cost(size(250, 1), 0, 1, &p), 9.01);
        // 0.120965 × 730 = 88.30445; × 3 = 264.91335
        assert_eq!(monthly_cost(size(2000, 18), 0, 1, &p), 88.30);
        assert_eq!(monthly_cost(size(2000, 18), 0, 3, &p), 264.91);
        // 0.0527 × 730 = 38.471
        assert_eq!(monthly_cost(size(1000, 4), 50 * GIB, 1, &p), 38.47);
        assert_eq!(monthly_cost(size(2000, 18), 0, 0, &p), 0.0);
    }

    #[test]
    fn pricing_is_configurable() {
        let p = Pricing {
            vcpu_hour: 1.0,
            gb_hour: 0.5,
            ephemeral_gb_hour: 0.25,
        };
        // 4 × 1 + 8 × 0.5 + (24 − 20) × 0.25 = 9 per hour; × 730 × 2 = 13140
        assert!(close(hourly_cost(size(4000, 16), 24 * GIB, &p), 9.0));
        assert_eq!(monthly_cost(size(4000, 16), 24 * GIB, 2, &p), 13140.0);
    }

    // --- properties -------------------------------------------------------------------

    fn any_need() -> impl Strategy<Value = (u64, u64)> {
        (0u64..20_000, 0u64..(130 * GIB))
    }

    proptest! {
        #[test]
        fn size_for_holds_the_need_and_is_the_first_that_does((cpu, memory) in any_need()) {
            let n = need(cpu, memory);
            let with_overhead = memory + FARGATE_OVERHEAD_MIB * MIB;
            match size_for(&n) {
                Some(s) => {
                    prop_assert!(s.holds(cpu, with_overhead));
                    prop_assert!(ALL_SIZES.contains(&s));
                    prop_assert!(all_sizes().take_while(|e| *e < s).all(|e| !e.holds(cpu, with_overhead)));
                }
                None => prop_assert!(all_sizes().all(|e| !e.holds(cpu, with_overhead))),
            }
        }

        #[test]
        fn more_need_never_gives_a_smaller_size(
            (cpu, memory) in any_need(),
            more_cpu in 0u64..5_000,
            more_memory in 0u64..(40 * GIB),
        ) {
            let small = size_for(&need(cpu, memory));
            let large = size_for(&need(cpu + more_cpu, memory + more_memory));
            match (small, large) {
                (Some(s), Some(l)) => {
                    prop_assert!(s <= l);
                    prop_assert!(s.millicpu <= l.millicpu);
                }
                (None, l) => prop_assert_eq!(l, None),
                (Some(_), None) => {}
            }
        }

        #[test]
        fn another_regular_container_never_lowers_the_need(
            cpus in proptest::collection::vec(0u64..4000, 0..5),
            kinds in proptest::collection::vec(0u8..3, 0..5),
            extra in 0u64..4000,
        ) {
            let containers: Vec<Container> = cpus
                .iter()
                .zip(kinds.iter().chain(std::iter::repeat(&0)))
                .map(|(cpu, kind)| {
                    let kind = [ContainerKind::Regular, ContainerKind::Init, ContainerKind::Sidecar][usize::from(*kind)];
                    container(kind, &[("cpu", &format!("{cpu}m"))], &[])
                })
                .collect();
            let before = pod_need(&pod(containers.clone()));
            let mut more = containers;
            more.push(regular(&[("cpu", &format!("{extra}m"))]));
            let after = pod_need(&pod(more));
            prop_assert!(after.millicpu >= before.millicpu);
        }
    }
}
