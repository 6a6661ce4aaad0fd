mod common;
use socdrill::bots;
use socdrill::script::Script;
use socdrill::Exercise;
use socdrill::soc::Evidence;
use socdrill::journal::Entry;

#[test]
fn diag2() {
    let s = common::shipped().into_iter().find(|(n, _)| n.starts_with("supply")).unwrap().1;
    let mut ex = Exercise::new(s.clone(), 200, bots::profile_named("expert").unwrap(), &Script::default());
    ex.run_to_end();
    let w = ex.world();
    let l = w.resource::<socdrill::soc::ledger::Ledger>();
    let t = w.resource::<socdrill::sim::truth::Truth>();
    let mut shown = 0;
    for line in &ex.journal().lines {
        if let Entry::IncidentDeclared { case, .. } = &line.entry {
            let c = &l.cases[*case as usize];
            let mut parts = Vec::new();
            for e in &c.evidence {
                let (sus, mal, verdict) = match *e {
                    Evidence::Alert(a) => { let al = &l.alerts[a as usize]; let cues = al.record.map(|r| l.records[r as usize].cues).unwrap_or_default(); (socdrill::content::suspicion(&cues, None, None), t.alert(a).is_some(), format!("{:?}", al.verdict)) }
                    Evidence::Record(r) => { let rec = &l.records[r as usize]; (socdrill::content::suspicion(&rec.cues, None, None), t.record(r).is_some(), format!("alert {:?}", rec.alert.map(|a| l.alerts[a as usize].verdict))) }
                    _ => continue,
                };
                parts.push(format!("{:?} E{:.2}{} {}", e, sus, if mal {"*"} else {""}, verdict));
            }
            if parts.iter().any(|p| p.contains('*')) { continue; }
            println!("t{} case {} : {}", line.t/3600, case, parts.join(" | "));
            shown += 1;
            if shown > 12 { break; }
        }
    }
}
