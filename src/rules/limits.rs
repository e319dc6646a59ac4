//! The EKS service quotas the profile rules check against, in one place, so that the
//! configuration can raise them for accounts whose quotas were raised.

/// EKS service quotas for Fargate (all adjustable; `fargate.md` §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Selectors per Fargate profile (FL101).
    pub selectors_per_profile: usize,
    /// Label pairs per selector (FL103).
    pub labels_per_selector: usize,
    /// Fargate profiles per cluster (FL104).
    pub profiles_per_cluster: usize,
}

impl Default for Limits {
    /// The EKS defaults.
    fn default() -> Self {
        Limits {
            selectors_per_profile: 5,
            labels_per_selector: 5,
            profiles_per_cluster: 10,
        }
    }
}
