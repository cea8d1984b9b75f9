//! Transcript chunks as screen rows: a text view with every control byte
//! visible, a hex view (offset in the direction's stream, hex, ASCII), and
//! both side by side with each chunk's rows level on the two sides. Only
//! the rows that fit are built, newest first, so a huge transcript costs
//! no more to draw than a small one.

use crate::net::session::{Chunk, Direction};
use crate::net::timefmt::{TimeZone, clock};
use crate::net::transcript::Transcript;
use crate::net::visible::visible;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

pub fn direction_style(dir: Direction) -> Style {
    match dir {
        Direction::In => Style::new().fg(Color::LightGreen),
        Direction::Out => Style::new().fg(Color::LightYellow),
    }
}

fn header(chunk: &Chunk, zone: TimeZone) -> String {
    let arrow = match chunk.dir {
        Direction::In => "←",
        Direction::Out => "→",
    };
    match chunk.peer {
        Some(peer) => format!("{} {arrow} {peer} ", clock(chunk.at, zone)),
        None => format!("{} {arrow} ", clock(chunk.at, zone)),
    }
}

/// Which rows to build: `rows` rows that end `skip` rows above the newest.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub rows: usize,
    pub skip: usize,
    pub zone: TimeZone,
}

/// The text view's rows in `window`, oldest first.
pub fn text_rows(transcript: &Transcript, width: u16, window: Window) -> Vec<Line<'static>> {
    tail(transcript, window, |chunk, _| {
        text_chunk(chunk, width as usize, window.zone)
    })
}

/// The hex view's rows in `window`, oldest first.
pub fn hex_rows(transcript: &Transcript, width: u16, window: Window) -> Vec<Line<'static>> {
    let per_row = hex_per_row(width);
    tail(transcript, window, |chunk, offset| {
        hex_chunk(chunk, offset, per_row, window.zone)
    })
}

/// Text and hex side by side: each chunk takes as many rows on both sides
/// as the longer of its two forms, so a row on the left and the row beside
/// it always show the same moment.
pub fn split_rows(
    transcript: &Transcript,
    (text_width, hex_width): (u16, u16),
    window: Window,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let per_row = hex_per_row(hex_width);
    let pairs = tail(transcript, window, |chunk, offset| {
        let mut text = text_chunk(chunk, text_width as usize, window.zone);
        let mut hex = hex_chunk(chunk, offset, per_row, window.zone);
        let height = text.len().max(hex.len());
        text.resize(height, Line::default());
        hex.resize(height, Line::default());
        text.into_iter().zip(hex).collect()
    });
    pairs.into_iter().unzip()
}

fn hex_per_row(width: u16) -> usize {
    if width >= 78 { 16 } else { 8 }
}

/// The last `rows + skip` rows, minus the `skip` newest: at most `rows`
/// rows, oldest first. Chunks are rendered newest first until enough rows
/// are there.
fn tail<T>(
    transcript: &Transcript,
    window: Window,
    render: impl Fn(&Chunk, u64) -> Vec<T>,
) -> Vec<T> {
    let want = window.rows + window.skip;
    let mut collected: Vec<Vec<T>> = Vec::new();
    let mut have = 0;
    for (chunk, offset) in transcript.with_offsets().rev() {
        let rows = render(chunk, offset);
        have += rows.len();
        collected.push(rows);
        if have >= want {
            break;
        }
    }
    let mut all: Vec<T> = collected.into_iter().rev().flatten().collect();
    let rows = window.rows.min(all.len());
    let skip = window.skip.min(all.len() - rows);
    all.truncate(all.len() - skip);
    let start = all.len() - rows;
    all.split_off(start)
}

/// One chunk as wrapped rows: a timestamped first row, continuation rows
/// indented under it. A line feed shows as ␊ and also starts a new row.
fn text_chunk(chunk: &Chunk, width: usize, zone: TimeZone) -> Vec<Line<'static>> {
    let head = header(chunk, zone);
    let indent = head.chars().count().min(width / 2);
    let style = direction_style(chunk.dir);
    let text = visible(&chunk.data);
    let mut rows = Vec::new();
    let body_width = width.saturating_sub(indent).max(1);
    for (i, line) in text.trim_end_matches('\n').split('\n').enumerate() {
        let mut first_piece = true;
        for piece in wrap(line, body_width) {
            let lead = if i == 0 && first_piece {
                Span::styled(head.clone(), Style::new().fg(Color::DarkGray))
            } else {
                Span::raw(" ".repeat(indent))
            };
            first_piece = false;
            let mut spans = vec![lead];
            spans.extend(glyph_spans(&piece, style));
            rows.push(Line::from(spans));
        }
    }
    rows
}

/// Splits `text` so that no grapheme cluster holds two glyphs. Text
/// layout joins a spacing mark to its letter, or a flag's two halves, into
/// one cluster, which the renderer keeps in one cell; the terminal draws
/// each as a glyph of its own. When such a cell is later overwritten, the
/// screen update clears only the first glyph and the others stay behind
/// as stale cells. Clusters never reach across spans, so every non-ASCII
/// character with a width starts a span of its own (ASCII never joins the
/// character before it).
fn glyph_spans(text: &str, style: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let spacing = !c.is_ascii() && c.width().unwrap_or(0) > 0;
        if spacing && !current.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut current), style));
        }
        current.push(c);
    }
    if !current.is_empty() {
        spans.push(Span::styled(current, style));
    }
    spans
}

fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(1);
        if used + w > width && !current.is_empty() {
            out.push(std::mem::take(&mut current));
            used = 0;
        }
        current.push(c);
        used += w;
    }
    out.push(current);
    out
}

/// One chunk as hex rows under a header; offsets count from the first
/// byte of the chunk's direction (`offset` is where the chunk starts).
fn hex_chunk(chunk: &Chunk, offset: u64, per_row: usize, zone: TimeZone) -> Vec<Line<'static>> {
    let style = direction_style(chunk.dir);
    let mut rows = vec![Line::from(Span::styled(
        format!("{}{} bytes", header(chunk, zone), chunk.data.len()),
        Style::new().fg(Color::DarkGray),
    ))];
    for (n, row) in chunk.data.chunks(per_row).enumerate() {
        let mut hex = String::with_capacity(per_row * 3 + 1);
        for (i, b) in row.iter().enumerate() {
            if i == 8 {
                hex.push(' ');
            }
            hex.push_str(&format!("{b:02x} "));
        }
        let ascii: String = row
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let pad = per_row * 3 + usize::from(per_row > 8);
        rows.push(Line::from(vec![
            Span::styled(
                format!("{:08x}  ", offset + (n * per_row) as u64),
                Style::new().fg(Color::DarkGray),
            ),
            Span::styled(format!("{hex:<pad$} "), style),
            Span::raw(format!("|{ascii:<per_row$}|")),
        ]));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn transcript(parts: &[(Direction, &[u8])]) -> Transcript {
        let mut t = Transcript::default();
        for (dir, data) in parts {
            t.push(Chunk {
                dir: *dir,
                at: SystemTime::UNIX_EPOCH,
                peer: None,
                data: data.to_vec(),
            });
        }
        t
    }

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    fn window(rows: usize, skip: usize) -> Window {
        Window {
            rows,
            skip,
            zone: TimeZone::Utc,
        }
    }

    #[test]
    fn text_rows_show_controls_and_break_on_line_feeds() {
        let t = transcript(&[(Direction::Out, b"hi\r\n"), (Direction::In, b"a\x1b[2J\nb")]);
        assert_eq!(
            plain(&text_rows(&t, 40, window(10, 0))),
            [
                "00:00:00.000Z → hi␍␊",
                "00:00:00.000Z ← a␛[2J␊",
                "                b",
            ]
        );
        assert_eq!(
            plain(&text_rows(&t, 40, window(1, 1))),
            ["00:00:00.000Z ← a␛[2J␊"]
        );
    }

    #[test]
    fn hex_rows_have_offsets_and_ascii() {
        let t = transcript(&[(Direction::In, b"Hello, world!\x00\xff")]);
        let rows = plain(&hex_rows(&t, 80, window(10, 0)));
        assert_eq!(rows[0], "00:00:00.000Z ← 15 bytes");
        assert!(
            rows[1].starts_with("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 ff"),
            "{}",
            rows[1]
        );
        assert!(rows[1].ends_with("|Hello, world!.. |"), "{}", rows[1]);
    }

    #[test]
    fn hex_offsets_run_on_across_chunks_per_direction() {
        let t = transcript(&[
            (Direction::In, &[0u8; 20]),
            (Direction::Out, b"GET"),
            (Direction::In, b"more"),
        ]);
        let rows = plain(&hex_rows(&t, 80, window(10, 0)));
        let offsets: Vec<&str> = rows
            .iter()
            .filter(|r| !r.contains("bytes"))
            .map(|r| &r[..8])
            .collect();
        assert_eq!(offsets, ["00000000", "00000010", "00000000", "00000014"]);
    }

    #[test]
    fn split_rows_keep_each_chunk_level_on_both_sides() {
        let t = transcript(&[
            (Direction::In, b"one\ntwo\nthree\nfour\n"),
            (Direction::Out, &[b'x'; 40]),
        ]);
        let (text, hex) = split_rows(&t, (40, 40), window(20, 0));
        assert_eq!(text.len(), hex.len());
        let text = plain(&text);
        let hex = plain(&hex);
        // The second chunk starts on the same row on both sides.
        let left = text.iter().position(|r| r.contains('→')).unwrap();
        let right = hex.iter().position(|r| r.contains('→')).unwrap();
        assert_eq!(left, right);
        assert_eq!(left, 4, "the first chunk's four text rows set the pace");
    }
}
