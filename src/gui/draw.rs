//! Drawing the window: the floor (one desk per seat, handoffs in flight), the top
//! bar, the player's console and the debrief, built once and refreshed each frame from
//! the views.

use bevy::prelude::*;

use socdrill_core::scenario::Role;

use super::console;
use super::game::*;
use super::role_console;
use super::watch;

/// Draws the floor, the console and the debrief.
pub(super) struct DrawPlugin;

impl Plugin for DrawPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, setup_ui)
            .add_systems(Update, draw.in_set(Frame::Draw));
    }
}

#[derive(Component)]
pub(super) struct TopBar;
#[derive(Component)]
pub(super) struct FloorText(usize);
#[derive(Component)]
pub(super) struct DeskBox(usize);
#[derive(Component)]
pub(super) struct FloorSummary;
#[derive(Component)]
pub(super) struct ConsoleText;
#[derive(Component)]
pub(super) struct Debrief;
#[derive(Component)]
pub(super) struct DebriefText;
#[derive(Component)]
pub(super) struct Flight(usize);

pub(super) fn setup_ui(mut commands: Commands, game: NonSend<Game>) {
    commands.spawn(Camera2d);
    let desks = game.ex.seats().len();
    commands
        .spawn((
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(10.0)),
                row_gap: Val::Px(8.0),
                ..default()
            },
            BackgroundColor(BG),
        ))
        .with_children(|root| {
            root.spawn((
                Node {
                    padding: UiRect::all(Val::Px(8.0)),
                    ..default()
                },
                BackgroundColor(PANEL),
            ))
            .with_children(|bar| {
                bar.spawn((text("", 18.0, TEXT), TopBar));
            });
            root.spawn(Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(10.0),
                flex_grow: 1.0,
                ..default()
            })
            .with_children(|row| {
                // The floor.
                row.spawn((
                    Node {
                        width: Val::Px(DESK_W * DESKS_PER_ROW as f32 + DESK_GAP * 3.0),
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::all(Val::Px(DESK_GAP)),
                        row_gap: Val::Px(6.0),
                        ..default()
                    },
                    BackgroundColor(PANEL),
                ))
                .with_children(|floor| {
                    floor.spawn(text("SOC FLOOR", 14.0, MUTED));
                    floor
                        .spawn(Node {
                            width: Val::Px(DESK_W * DESKS_PER_ROW as f32 + DESK_GAP),
                            height: Val::Px(
                                desks.div_ceil(DESKS_PER_ROW) as f32 * (DESK_H + DESK_GAP),
                            ),
                            ..default()
                        })
                        .with_children(|grid| {
                            for i in 0..desks {
                                let (x, y) = desk_xy(i);
                                grid.spawn((
                                    Node {
                                        position_type: PositionType::Absolute,
                                        left: Val::Px(x),
                                        top: Val::Px(y),
                                        width: Val::Px(DESK_W),
                                        height: Val::Px(DESK_H),
                                        padding: UiRect::all(Val::Px(6.0)),
                                        border: UiRect::all(Val::Px(2.0)),
                                        ..default()
                                    },
                                    BackgroundColor(Color::srgb(0.12, 0.16, 0.20)),
                                    BorderColor::all(Color::srgb(0.2, 0.25, 0.3)),
                                    DeskBox(i),
                                ))
                                .with_children(|d| {
                                    d.spawn((text("", 13.0, TEXT), FloorText(i)));
                                });
                            }
                            for f in 0..8 {
                                grid.spawn((
                                    Node {
                                        position_type: PositionType::Absolute,
                                        width: Val::Px(18.0),
                                        height: Val::Px(18.0),
                                        ..default()
                                    },
                                    BackgroundColor(Color::srgb(0.95, 0.65, 0.2)),
                                    Visibility::Hidden,
                                    Flight(f),
                                ));
                            }
                        });
                    floor.spawn((text("", 13.0, TEXT), FloorSummary));
                });
                // The console (or, when watching, the attacker revealed).
                row.spawn((
                    Node {
                        flex_grow: 1.0,
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::all(Val::Px(10.0)),
                        overflow: Overflow::clip(),
                        ..default()
                    },
                    BackgroundColor(PANEL),
                ))
                .with_children(|c| {
                    let title = match game.mode {
                        Mode::Watch(_) => "REPLAY - THE ATTACKER REVEALED".to_string(),
                        Mode::Play { role, .. } => {
                            format!("YOUR CONSOLE - {}", role.label().to_uppercase())
                        }
                    };
                    c.spawn(text(&title, 14.0, MUTED));
                    c.spawn((text("", 15.0, TEXT), ConsoleText));
                });
            });
            // The debrief, over everything once the exercise ends.
            root.spawn((
                Node {
                    position_type: PositionType::Absolute,
                    left: Val::Px(40.0),
                    top: Val::Px(40.0),
                    right: Val::Px(40.0),
                    bottom: Val::Px(40.0),
                    padding: UiRect::all(Val::Px(16.0)),
                    flex_direction: FlexDirection::Column,
                    overflow: Overflow::clip(),
                    ..default()
                },
                BackgroundColor(Color::srgb(0.05, 0.07, 0.09)),
                Visibility::Hidden,
                Debrief,
            ))
            .with_children(|d| {
                d.spawn(text("DEBRIEF", 16.0, ACCENT));
                d.spawn((text("", 14.0, TEXT), DebriefText));
            });
        });
}

/// The window's font (Bevy's built-in Fira Mono subset) has no typographic symbols:
/// they are spelt in ASCII on screen.
pub(super) fn ascii(s: &str) -> String {
    s.replace('·', "|")
        .replace('—', "-")
        .replace('→', "->")
        .replace('✔', "[ok]")
        .replace('✘', "[refused]")
        .replace('×', "x")
        .replace('↑', "up")
        .replace('↓', "down")
        .replace('…', "...")
}

/// Replaces a text only when it changed: a changed text is laid out again.
pub(super) fn set(t: &mut Mut<Text>, s: String) {
    if t.0 != s {
        t.0 = s;
    }
}

pub(super) fn desk_xy(i: usize) -> (f32, f32) {
    (
        (i % DESKS_PER_ROW) as f32 * (DESK_W + DESK_GAP),
        (i / DESKS_PER_ROW) as f32 * (DESK_H + DESK_GAP),
    )
}

#[allow(
    clippy::type_complexity,
    reason = "a Bevy system's parameter set is one type: naming it would only move it"
)]
pub(super) fn draw(
    time: Res<Time>,
    mut game: NonSendMut<Game>,
    mut texts: ParamSet<(
        Query<&mut Text, With<TopBar>>,
        Query<(&mut Text, &FloorText)>,
        Query<&mut Text, With<FloorSummary>>,
        Query<&mut Text, With<ConsoleText>>,
        Query<&mut Text, With<DebriefText>>,
    )>,
    mut desks: Query<(&DeskBox, &mut BorderColor)>,
    mut flights: Query<(&Flight, &mut Node, &mut Visibility), Without<Debrief>>,
    mut debrief: Query<&mut Visibility, With<Debrief>>,
) {
    let game = &mut *game;
    let workload = game.ex.workload();
    let player = match game.mode {
        Mode::Play { seat, .. } => Some(seat),
        Mode::Watch(_) => None,
    };
    let now = game.ex.horizon();
    let state = if game.ex.ended() {
        "ENDED"
    } else if game.paused {
        "PAUSED"
    } else {
        "RUNNING"
    };
    let mut top = format!(
        "socdrill · {} · {} · speed ×{} · {state}   (p pause · +/- speed{})",
        game.scenario.title,
        now.hms(),
        game.speed,
        if player.is_none() {
            " · [/] seek 10 min"
        } else {
            ""
        }
    );
    for b in [&game.banner, &game.confirm_end].into_iter().flatten() {
        top.push('\n');
        top.push_str(b);
    }
    if let Ok(mut t) = texts.p0().single_mut() {
        set(&mut t, ascii(&top));
    }
    let floor = console::floor(&workload, player);
    for (mut t, FloorText(i)) in texts.p1().iter_mut() {
        if let Some(d) = floor.get(*i) {
            set(
                &mut t,
                ascii(&format!(
                    "{} · {}\n{}\n{}\nwaiting for the role: {}",
                    d.name, d.who, d.role, d.doing, d.waiting
                )),
            );
        }
    }
    for (DeskBox(i), mut border) in desks.iter_mut() {
        let color = match floor.get(*i) {
            Some(d) if d.player => ACCENT,
            Some(d) if d.doing != "idle" => Color::srgb(0.35, 0.55, 0.35),
            _ => Color::srgb(0.2, 0.25, 0.3),
        };
        let new = BorderColor::all(color);
        if *border != new {
            *border = new;
        }
    }
    let tenants: Vec<String> = game
        .scenario
        .tenants
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let hosts = game.scenario.hosts.iter().filter(|h| h.tenant == i).count();
            let accounts = game
                .scenario
                .accounts
                .iter()
                .filter(|a| a.tenant == i)
                .count();
            format!("{} ({hosts} hosts, {accounts} accounts)", t.name)
        })
        .collect();
    let per_hour: Vec<String> = workload
        .alerts_per_hour
        .iter()
        .map(|n| n.to_string())
        .collect();
    if let Ok(mut t) = texts.p2().single_mut() {
        let summary = ascii(&format!(
            "Alerts raised {} · queue {} · open cases {} · incidents {}\nAlerts per hour: {}\nTenants: {}",
            workload.alerts_raised,
            workload.queue,
            workload.open_cases,
            workload.incidents,
            per_hour.join(" "),
            tenants.join("; ")
        ));
        set(&mut t, summary);
    }

    // Handoffs travel from the sender's desk to the first desk of the receiving role.
    let journal = &game.ex.journal().lines;
    let sent: Vec<(u16, Role)> = journal
        .iter()
        .filter_map(|l| match &l.entry {
            socdrill_core::journal::Entry::HandoffSent { seat, draft, .. } => {
                Some((*seat, draft.to))
            }
            _ => None,
        })
        .collect();
    if game.handoffs_seen == usize::MAX {
        game.handoffs_seen = sent.len();
    }
    for &(from, to) in sent.iter().skip(game.handoffs_seen) {
        game.flights.push((from, to, 0.0));
    }
    game.handoffs_seen = sent.len();
    let dt = time.delta_secs();
    for f in &mut game.flights {
        f.2 += dt / 1.5;
    }
    game.flights.retain(|f| f.2 < 1.0);
    let target = |role: Role| workload.desks.iter().position(|d| d.role == role);
    for (Flight(i), mut node, mut vis) in flights.iter_mut() {
        match game.flights.get(*i) {
            Some(&(from, to, p)) => {
                let (x0, y0) = desk_xy(from as usize);
                let (x1, y1) = desk_xy(target(to).unwrap_or(from as usize));
                node.left = Val::Px(x0 + (x1 - x0) * p + DESK_W / 2.0);
                node.top = Val::Px(y0 + (y1 - y0) * p + DESK_H / 2.0);
                *vis = Visibility::Visible;
            }
            None => *vis = Visibility::Hidden,
        }
    }

    let console = match &game.mode {
        Mode::Play { seat, role } => match game.ex.seat_view(*seat) {
            Some(v) if *role == Role::Tier1 => {
                game.console.sync(&v);
                console::console_text(&v, &game.console).join("\n")
            }
            Some(v) => role_console::role_text(&v, &game.role_console, &game.techniques).join("\n"),
            None => String::new(),
        },
        Mode::Watch(_) => watch::truth_text(&game.ex),
    };
    if let Ok(mut t) = texts.p3().single_mut() {
        set(&mut t, ascii(&console));
    }
    let ended = game.ex.ended();
    if let Ok(mut v) = debrief.single_mut() {
        *v = if ended {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
    }
    if ended
        && let Ok(mut t) = texts.p4().single_mut()
        && t.0.is_empty()
    {
        t.0 = ascii(&watch::debrief_text(&game.scenario, &game.ex));
    }
}
