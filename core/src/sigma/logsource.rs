//! Which kind of scenario data source a Sigma log source is. The table is in the module
//! documentation of [`crate::sigma`].

use crate::scenario::format::SourceKind;

use super::LogSource;

/// Categories of endpoint telemetry (Sysmon, an EDR agent, auditd and the like).
const ENDPOINT_CATEGORIES: &[&str] = &[
    "antivirus",
    "create_remote_thread",
    "create_stream_hash",
    "dns_query",
    "driver_load",
    "file_access",
    "file_block",
    "file_change",
    "file_delete",
    "file_event",
    "file_executable_detected",
    "file_rename",
    "image_load",
    "network_connection",
    "pipe_created",
    "process_access",
    "process_creation",
    "process_tampering",
    "ps_classic_provider_start",
    "ps_classic_start",
    "ps_module",
    "ps_script",
    "raw_access_thread",
    "registry_add",
    "registry_delete",
    "registry_event",
    "registry_rename",
    "registry_set",
    "sysmon_error",
    "sysmon_status",
    "wmi_event",
];

/// The kind of scenario data source that would carry a Sigma rule's events, or `None`
/// when no kind fits (a honeypot, an application's own log, an unknown source).
///
/// Values are compared without regard to case. See the module documentation of
/// [`crate::sigma`] for the table and the reasons behind it.
pub fn source_kind(ls: &LogSource) -> Option<SourceKind> {
    let lower = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_ascii_lowercase());
    let (product, category, service) =
        (lower(&ls.product), lower(&ls.category), lower(&ls.service));
    if let Some(kind) = category.as_deref().and_then(by_category) {
        return Some(kind);
    }
    by_product(product.as_deref()?, service.as_deref(), category.as_deref())
}

fn by_category(category: &str) -> Option<SourceKind> {
    if ENDPOINT_CATEGORIES.contains(&category) {
        return Some(SourceKind::Edr);
    }
    match category {
        "proxy" => Some(SourceKind::Proxy),
        "dns" => Some(SourceKind::Dns),
        "webserver" => Some(SourceKind::WebServer),
        "firewall" => Some(SourceKind::Firewall),
        _ => None,
    }
}

fn by_product(product: &str, service: Option<&str>, category: Option<&str>) -> Option<SourceKind> {
    use SourceKind::*;
    match (product, service) {
        ("windows", Some("sysmon")) => Some(Edr),
        // Every other Windows service is an event log channel.
        ("windows", Some(_)) => Some(WindowsEvents),
        ("linux", Some("auditd")) => Some(Edr),
        // Product-only Linux rules match keywords in the host's shell and system logs.
        ("linux" | "macos", None) if category.is_none() => Some(Edr),
        ("azure", Some("signinlogs" | "riskdetection")) => Some(Identity),
        ("azure", Some("auditlogs" | "activitylogs")) => Some(CloudAudit),
        ("okta", _) => Some(Identity),
        ("gcp", Some("google_workspace.login")) => Some(Identity),
        ("gcp", Some("gcp.audit" | "google_workspace.admin")) => Some(CloudAudit),
        ("aws", Some("cloudtrail")) => Some(CloudAudit),
        ("m365", Some("audit" | "exchange" | "threat_management" | "threat_detection")) => {
            Some(CloudAudit)
        }
        ("zeek", Some("dns")) => Some(Dns),
        ("zeek", Some(_)) => Some(Firewall),
        _ => None,
    }
}
