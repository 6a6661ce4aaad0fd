//! Purple teams keep their detections as [Sigma](https://github.com/SigmaHQ/sigma) rules.
//! This module reads a rule's metadata from YAML text ([`parse_rule`]), decides which
//! kind of scenario data source would carry its events ([`source_kind`]), and turns a
//! set of rules into scenario rules ([`import`]) that can replace a scenario's own
//! ([`replace_rules`]) or be pasted into a scenario file ([`to_ron`]). It does no I/O:
//! reading rule files is the caller's job.
//!
//! The simulation matches rules to attack stages by ATT&CK technique, so only a rule's
//! metadata matters here; its `detection` logic is not read.
//!
//! # Credit
//!
//! SigmaHQ's rules are under the Detection Rule License 1.1, which asks that the rule
//! authors stay credited wherever the rules or their matches are shown. Every imported
//! rule carries the Sigma rule's `author` in its `author` field, and [`to_ron`] writes a
//! licence header and a credit line above each rule.
//!
//! # What is read
//!
//! `title` and `logsource` are required, and `logsource` must name at least one of
//! `product`, `category` and `service`. A missing `level` is read as `medium` with a
//! warning; an unknown one is an error. A missing `author` is credited as
//! `"unknown author"` with a warning. `falsepositives`, `references` and `tags` may be
//! a list or a single text. An unknown `status` is a warning. Errors carry the line and
//! column of the field at fault. Aliases are not expanded and nesting is bounded, so no
//! text can make the reader run away.
//!
//! # ATT&CK v19 tags
//!
//! Scenarios use ATT&CK Enterprise v17; current SigmaHQ rules are tagged with v19 ids.
//! `attack.tNNNN[.NNN]` tags become v17 technique ids, and ids v19 introduced are read
//! back as the v17 technique they replaced, each with a warning ([`v19_to_v17`]):
//!
//! | v19 | v17 | |
//! |---|---|---|
//! | `T1685` | `T1562.001` | Disable or Modify Tools |
//! | `T1685.001` | `T1562.002` | Disable Windows Event Logging |
//! | `T1685.005` | `T1070.001` | Clear Windows Event Logs |
//! | `T1685.006` | `T1070.002` | Clear Linux or Mac System Logs |
//! | other `T1685.NNN` | `T1562` | Impair Defenses (the family) |
//! | `T1686`, `T1686.NNN` | `T1562.004` | Disable or Modify System Firewall |
//!
//! Any other id that is not in the v17 catalogue is dropped with a warning.
//!
//! # Log sources
//!
//! [`source_kind`] compares without regard to case and tries the category first:
//!
//! | Log source | Kind | Why |
//! |---|---|---|
//! | category `process_creation`, `ps_script`, `ps_module`, `ps_classic_start`, `image_load`, `file_event`, `file_access`, `file_delete`, `file_rename`, `file_change`, `registry_*`, `network_connection`, `process_access`, `dns_query`, `create_remote_thread`, `pipe_created`, `driver_load`, `wmi_event` and other Sysmon categories, on any product | `Edr` | endpoint telemetry from an agent or Sysmon |
//! | category `antivirus` | `Edr` | the endpoint's protection agent |
//! | category `proxy` | `Proxy` | |
//! | category `dns` | `Dns` | resolver logs |
//! | category `webserver` | `WebServer` | |
//! | category `firewall` | `Firewall` | |
//! | `windows` service `sysmon` | `Edr` | |
//! | `windows` any other service (`security`, `system`, `application`, `windefend`, `ntlm`, …) | `WindowsEvents` | every Windows service is an event log channel |
//! | `linux` service `auditd`; `linux` or `macos` with neither category nor service | `Edr` | host telemetry and shell or system logs |
//! | `azure` `signinlogs`, `riskdetection`; `okta`; `gcp` `google_workspace.login` | `Identity` | sign-ins and identity risk |
//! | `azure` `auditlogs`, `activitylogs`; `aws` `cloudtrail`; `gcp` `gcp.audit`, `google_workspace.admin` | `CloudAudit` | control-plane audit |
//! | `m365` `audit`, `exchange`, `threat_management`, `threat_detection` | `CloudAudit` | the tenant's unified audit log and its Security & Compliance alerts (impossible travel, eDiscovery exports, federation changes): about accounts and tenant configuration, not mail flow |
//! | `zeek` service `dns` | `Dns` | |
//! | `zeek` any other service | `Firewall` | network sensor logs |
//! | anything else, e.g. `opencanary` (a honeypot), application logs | none | no scenario kind carries them; such rules are skipped |
//!
//! # Tuning
//!
//! A rule's `fidelity`, `benign_per_hour` and `severity` come from its level through
//! [`LevelDefaults`] (shipped as `assets/sigma-levels.ron`):
//!
//! | Level | fidelity | benign_per_hour | severity |
//! |---|---|---|---|
//! | informational | 0.2 | 6.0 | Low |
//! | low | 0.4 | 3.0 | Low |
//! | medium | 0.6 | 1.0 | Medium |
//! | high | 0.8 | 0.3 | High |
//! | critical | 0.9 | 0.05 | Critical |
//!
//! The benign rate is then multiplied by 1 + 0.5 × the number of `falsepositives`
//! entries that name something (not "Unknown", "Unlikely" or "None"), at most 2.
//! Rules with status `deprecated` or `unsupported` are skipped; `experimental` ones are
//! imported enabled with a warning.
//!
//! # Ids
//!
//! A rule's id is `sigma-` and its file stem, lower-cased, with each run of characters
//! other than ASCII letters, digits, `_` and `.` turned into one `-`, cut to 64
//! characters, and made unique with `-2`, `-3`, … in path order:
//! `proc_creation_win_hktl_rubeus.yml` becomes `sigma-proc_creation_win_hktl_rubeus`.

mod import;
mod levels;
mod logsource;
mod rule;
mod yaml;

pub use import::{Import, Skipped, import, replace_rules, to_ron};
pub use levels::{LevelDefault, LevelDefaults};
pub use logsource::source_kind;
pub use rule::{LogSource, SigmaLevel, SigmaRule, Status, parse_rule, v19_to_v17};

/// A Sigma rule that could not be read, with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct SigmaError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl SigmaError {
    fn new(line: usize, col: usize, message: impl Into<String>) -> SigmaError {
        SigmaError {
            line,
            col,
            message: message.into(),
        }
    }

    fn at(node: &yaml::Node, message: impl Into<String>) -> SigmaError {
        SigmaError::new(node.line, node.col, message)
    }
}
