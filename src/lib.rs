//! fargate-lint: predicts where every pod of a Kubernetes repository lands on Amazon EKS
//! with AWS Fargate, and what breaks when it gets there.
//!
//! Data flows one way: [`discover`] → [`yaml`] → [`model`] → [`placement`] and [`sizing`]
//! → [`rules`] → [`emit`].

pub mod model;
pub mod source;
pub mod yaml;
// pub mod quantity;
// pub mod placement;
// pub mod sizing;
