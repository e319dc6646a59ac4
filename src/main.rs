//! The `fargate-lint` binary: everything lives in the library; this only passes the
//! arguments and returns the exit code.

fn main() {
    std::process::exit(fargate_lint::app::main(std::env::args_os().collect()));
}
