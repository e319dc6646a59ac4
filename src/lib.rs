//! fargate-lint: predicts where every pod of a Kubernetes repository lands on Amazon EKS
//! with AWS Fargate, and what breaks when it gets there.
//!
//! Data flows one way: [`discover`] → [`yaml`] → [`model`] → [`placement`] and [`sizing`]
//! → [`rules`] → [`emit`]. [`analysis`] runs the stages; [`app`] is the command line, [`output`] where its report goes.

pub mod analysis;
pub mod app;
pub mod baseline;
pub mod change;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod emit;
pub mod image;
pub mod init;
pub mod lint;
pub mod model;
pub mod output;
pub mod pattern;
pub mod placement;
pub mod quantity;
pub mod repo;
pub mod rules;
pub mod sizing;
pub mod source;
pub mod suppress;
pub mod yaml;
