//! Transcript chunks as screen rows: a text view with every control byte
//! visible, and a hex view (offset, hex, ASCII). Only the rows that fit
//! are built, newest first, so a huge transcript costs no more to draw
//! than a small one.

use crate::net::escape::{clock, visible};
use crate::net::session::{Chunk, Direction};
use crate::net::transcript::Transcript;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

pub fn direction_style(dir: Direction) -> Style {
    match dir {
        Direction::In => Style::new().fg(Color::LightGreen),
        Direction::Out => Style::new().fg(Color::LightYellow),
    }
}

fn header(chunk: &Chunk) -> String {
    let arrow = match chunk.dir {
        Direction::In => "←",
        Direction::Out => "→",
    };
    match chunk.peer {
        Some(peer) => format!("{} {arrow} {peer} ", clock(chunk.at)),
        None => format!("{} {arrow} ", clock(chunk.at)),
    }
}

/// The last `rows + skip` rows of the text view, minus the `skip` newest;
/// returns at most `rows` rows, oldest first.
pub fn text_rows(
    transcript: &Transcript,
    width: u16,
    rows: usize,
    skip: usize,
) -> Vec<Line<'static>> {
    tail(transcript, rows, skip, |chunk| {
        text_chunk(chunk, width as usize)
    })
}

pub fn hex_rows(
    transcript: &Transcript,
    width: u16,
    rows: usize,
    skip: usize,
) -> Vec<Line<'static>> {
    let per_row = if width >= 78 { 16 } else { 8 };
    tail(transcript, rows, skip, |chunk| hex_chunk(chunk, per_row))
}

fn tail(
    transcript: &Transcript,
    rows: usize,
    skip: usize,
    render: impl Fn(&Chunk) -> Vec<Line<'static>>,
) -> Vec<Line<'static>> {
    let want = rows + skip;
    let mut collected: Vec<Vec<Line<'static>>> = Vec::new();
    let mut have = 0;
    for chunk in transcript.chunks().iter().rev() {
        let lines = render(chunk);
        have += lines.len();
        collected.push(lines);
        if have >= want {
            break;
        }
    }
    let mut all: Vec<Line<'static>> = collected.into_iter().rev().flatten().collect();
    let skip = skip.min(all.len().saturating_sub(rows.min(all.len())));
    all.truncate(all.len() - skip);
    let start = all.len().saturating_sub(rows);
    all.split_off(start)
}

/// One chunk as wrapped rows: a timestamped first row, continuation rows
/// indented under it. A line feed shows as ␊ and also starts a new row.
fn text_chunk(chunk: &Chunk, width: usize) -> Vec<Line<'static>> {
    let head = header(chunk);
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
            rows.push(Line::from(vec![lead, Span::styled(piece, style)]));
        }
    }
    rows
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

fn hex_chunk(chunk: &Chunk, per_row: usize) -> Vec<Line<'static>> {
    let style = direction_style(chunk.dir);
    let mut rows = vec![Line::from(Span::styled(
        format!("{}{} bytes", header(chunk), chunk.data.len()),
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
                format!("{:08x}  ", n * per_row),
                Style::new().fg(Color::DarkGray),
            ),
            Span::styled(format!("{hex:<pad$} "), style),
            Span::raw(format!("|{ascii}|")),
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

    #[test]
    fn text_rows_show_controls_and_break_on_line_feeds() {
        let t = transcript(&[(Direction::Out, b"hi\r\n"), (Direction::In, b"a\x1b[2J\nb")]);
        assert_eq!(
            plain(&text_rows(&t, 40, 10, 0)),
            [
                "00:00:00.000 → hi␍␊",
                "00:00:00.000 ← a␛[2J␊",
                "               b",
            ]
        );
        assert_eq!(plain(&text_rows(&t, 40, 1, 1)), ["00:00:00.000 ← a␛[2J␊"]);
    }

    #[test]
    fn hex_rows_have_offsets_and_ascii() {
        let t = transcript(&[(Direction::In, b"Hello, world!\x00\xff")]);
        let rows = plain(&hex_rows(&t, 80, 10, 0));
        assert_eq!(rows[0], "00:00:00.000 ← 15 bytes");
        assert!(
            rows[1].starts_with("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 ff"),
            "{}",
            rows[1]
        );
        assert!(rows[1].ends_with("|Hello, world!..|"), "{}", rows[1]);
    }
}
