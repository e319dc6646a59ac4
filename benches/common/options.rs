//! The command line of a benchmark: each option is `--flag N` (or `--flag=N`) or a switch,
//! with an environment variable behind it; arguments win over the environment. This file
//! owns parsing them, the usage text made from the same table, and what `--help` and a bad
//! option do (usage on stdout and exit 0; message and usage on stderr and exit 2).

use std::env;
use std::process::ExitCode;

/// One option of a benchmark.
pub struct Opt {
    pub flag: &'static str,
    /// Another spelling (`-j` for `--threads`).
    pub alias: Option<&'static str>,
    pub env: &'static str,
    pub kind: Kind,
    /// What it does, for the usage text.
    pub about: &'static str,
}

pub enum Kind {
    /// A whole number above 0, with this default.
    Number(usize),
    /// A whole number above 0, or unset; the text says what unset means (`all cores`).
    Optional(&'static str),
    /// On when given, or when the variable is set to anything but empty or `0`.
    Switch,
}

/// The values of a benchmark's options, looked up by flag.
pub struct Values {
    values: Vec<(&'static str, Option<usize>)>,
}

impl Values {
    fn lookup(&self, flag: &str) -> Option<usize> {
        match self.values.iter().find(|(f, _)| *f == flag) {
            Some((_, value)) => *value,
            None => panic!("benchmark bug: no option `{flag}` in its table"),
        }
    }

    /// A [`Kind::Number`]; its default when not given.
    pub fn number(&self, flag: &str) -> usize {
        self.lookup(flag).unwrap_or_default()
    }

    /// A [`Kind::Optional`].
    pub fn optional(&self, flag: &str) -> Option<usize> {
        self.lookup(flag)
    }

    /// A [`Kind::Switch`].
    pub fn switch(&self, flag: &str) -> bool {
        self.lookup(flag).is_some()
    }
}

/// The options of `bench` from this process's arguments and environment. On `--help`, prints
/// the usage and returns `Err(SUCCESS)`; on a bad option, prints the message and the usage
/// and returns `Err(2)`. `notes` are usage lines after the options (an environment variable
/// that is not an option).
pub fn from_command_line(bench: &str, table: &[Opt], notes: &[&str]) -> Result<Values, ExitCode> {
    match parse(table, env::args().skip(1), |name| env::var(name).ok()) {
        Ok(Some(values)) => Ok(values),
        Ok(None) => {
            println!("{}", usage(bench, table, notes));
            Err(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("{bench}: {message}\n{}", usage(bench, table, notes));
            Err(ExitCode::from(2))
        }
    }
}

/// `Ok(None)` means `--help`.
fn parse(
    table: &[Opt],
    mut args: impl Iterator<Item = String>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<Values>, String> {
    let mut values = Vec::with_capacity(table.len());
    for opt in table {
        let text = var(opt.env);
        let number = || match &text {
            Some(text) if !text.trim().is_empty() => parse_number(opt.env, text).map(Some),
            _ => Ok(None),
        };
        let value = match opt.kind {
            Kind::Number(default) => Some(number()?.unwrap_or(default)),
            Kind::Optional(_) => number()?,
            Kind::Switch => text
                .as_ref()
                .filter(|v| !v.is_empty() && *v != "0")
                .map(|_| 1),
        };
        values.push((opt.flag, value));
    }
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let found = table
            .iter()
            .position(|opt| opt.flag == flag || opt.alias == Some(flag.as_str()));
        let Some(index) = found else {
            // cargo passes `--bench` to every bench target, and bench-name filters too
            // (`cargo bench foo`); neither means anything to a benchmark.
            if flag == "--bench" || !arg.starts_with('-') {
                continue;
            }
            return Err(format!("unknown option `{arg}`"));
        };
        let opt = &table[index];
        values[index].1 = Some(match opt.kind {
            Kind::Switch => 1,
            Kind::Number(_) | Kind::Optional(_) => {
                let text = inline.or_else(|| args.next());
                let text = text.ok_or_else(|| format!("{} needs a number", opt.flag))?;
                parse_number(opt.flag, &text)?
            }
        });
    }
    Ok(Some(Values { values }))
}

fn parse_number(name: &str, text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{name} must be a whole number above 0, not `{text}`"
        )),
    }
}

/// `usage: cargo bench --bench NAME [-- [--flag N] ...]`, then a line per option and the notes.
pub fn usage(bench: &str, table: &[Opt], notes: &[&str]) -> String {
    let shown = |opt: &Opt| match opt.kind {
        Kind::Switch => opt.flag.to_string(),
        Kind::Number(_) | Kind::Optional(_) => format!("{} N", opt.flag),
    };
    let synopsis: Vec<String> = table.iter().map(|o| format!("[{}]", shown(o))).collect();
    let mut text = format!(
        "usage: cargo bench --bench {bench} [-- {}]",
        synopsis.join(" ")
    );
    // At least one space after the longest flag; 12 columns as long as the flags fit.
    let width = table
        .iter()
        .map(|o| shown(o).len() + 1)
        .fold(12, usize::max);
    for opt in table {
        let env = match opt.kind {
            Kind::Number(default) => format!("env {}, default {default}", opt.env),
            Kind::Optional(unset) => format!("env {}, default: {unset}", opt.env),
            Kind::Switch => format!("env {}=1", opt.env),
        };
        text.push_str(&format!("\n  {:<width$} {} ({env})", shown(opt), opt.about));
    }
    for note in notes {
        text.push_str(&format!("\n  {note}"));
    }
    text
}
