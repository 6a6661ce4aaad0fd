use std::sync::Arc;
fn main() {
    let scenario = Arc::new(socdrill::scenario::load(socdrill::scenario::DEFAULT_SCENARIO).unwrap());
    let profile = socdrill::bots::profile_named("expert").unwrap();
    let script = Default::default();
    let mut n = 0;
    for seed in 0..300 {
        let mut ex = socdrill::Exercise::new(scenario.clone(), seed, profile, &script);
        ex.run_to_end();
        n += ex.results().journal_lines;
    }
    println!("{n}");
}
