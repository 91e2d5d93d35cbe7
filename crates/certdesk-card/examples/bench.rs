//! `cargo run --release -p certdesk-card --example bench [N] [cr80|a4] [OUT.pdf]`: lays out
//! N cards (default 1,000) into one PDF and prints the time and the size per card beside
//! the photos. The issue asks for under 5 s and under 30 KB per card.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use certdesk_card::{render, CardData, Layout, RenderOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let layouts: Vec<Layout> = match args.next() {
        Some(l) => vec![l.parse()?],
        None => vec![Layout::Cr80, Layout::A4Sheet],
    };
    let out = args.next();
    let names = [
        "张三",
        "阿依古丽·买买提",
        "欧阳晓燕",
        "李娜",
        "王建国",
        "司马懿",
        "陈思思",
        "赵一",
    ];
    // Eight distinct photos, reused: drawing 1,000 JPEGs would take longer than the run measured.
    let photos: Vec<Vec<u8>> = (0..8).map(support::photo).collect();
    let cards: Vec<CardData> = (0..n)
        .map(|i| CardData {
            photo_jpeg: Some(photos[i % 8].clone()),
            ..support::card_without_photo(100_000 + i as u32, names[i % names.len()])
        })
        .collect();
    let photo_bytes: usize = cards
        .iter()
        .filter_map(|c| c.photo_jpeg.as_ref())
        .map(Vec::len)
        .sum();
    for layout in layouts {
        let opts = RenderOptions {
            layout,
            ..RenderOptions::default()
        };
        let (start, cpu0) = (Instant::now(), cpu_seconds());
        let pdf = render(&cards, &opts, &mut |_, _| {})?;
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        let beside = (pdf.len() - photo_bytes) as f64 / n as f64 / 1024.0;
        println!(
            "{layout:>6}: {n} cards in {secs:.2} s ({cpu:.2} s of CPU on all threads); PDF {:.1} MB; {beside:.1} KB per card beside its photo (photos {:.1} KB each)",
            pdf.len() as f64 / 1_048_576.0,
            photo_bytes as f64 / n as f64 / 1024.0,
            layout = layout.as_str(),
        );
        if let Some(path) = &out {
            std::fs::write(path, &pdf)?;
        }
    }
    Ok(())
}

/// User + system CPU time of this process so far (Linux; 0 elsewhere). Wall time on a shared
/// machine says as much about the neighbours as about the code; CPU time does not.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the state field.
    match (f.get(10), f.get(11)) {
        (Some(u), Some(s)) => (u + s) / 100.0,
        _ => 0.0,
    }
}
